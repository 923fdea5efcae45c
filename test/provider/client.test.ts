import * as net from "net";
import { clientFor, GrafanaClient } from "../../provider/client";
import { processState } from "../../provider/connection";
import { dashboardProvider } from "../../provider/dashboard";
import { organizationProvider } from "../../provider/organization";
import { FakeGrafana } from "../support/fake-grafana";
import { ADMIN_PASSWORD, errorOf, newProviderProcess, startFake } from "../support/provider-env";

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    return port;
}

const saved = { ...process.env };
afterEach(() => {
    process.env = { ...saved };
    processState().stackConfig = {};
    newProviderProcess();
});

describe("Grafana down: one call spends the retry budget, the others fail at once", () => {
    it("20 queued creates against a closed port: one connection-refused retry series, 19 fail fast, each with a clear error", async () => {
        const url = `http://127.0.0.1:${await closedPort()}`;
        process.env.GRAFANA_URL = url;
        process.env.GRAFANA_AUTH = "admin:pw";
        process.env.GRAFANA_RETRY_BASE_MS = "50";
        const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => organizationProvider.create({ name: `o${i}`, __resourceName: `o${i}` })));
        const messages = results.map((r) => (r.status === "rejected" ? (r.reason as Error).message : "created"));
        expect(messages.every((m) => m.startsWith('Organization "o') && m.includes("Grafana POST /api/orgs failed: no response"))).toBe(true);
        const fast = messages.filter((m) => m.includes(`(not sent: Grafana at ${url} gave no answer to 6 tries`));
        const refused = messages.filter((m) => m.includes("ECONNREFUSED") && !m.includes("not sent"));
        // The calls that were in flight together each saw the refusal; everything queued behind them was not sent.
        expect(refused.length).toBeGreaterThanOrEqual(1);
        expect(refused.length).toBeLessThanOrEqual(4);
        expect(fast.length).toBe(20 - refused.length);
    });

    it("the breaker closes again on the next answer", async () => {
        const fake = await startFake();
        const client = new GrafanaClient(fake.url, `admin:${ADMIN_PASSWORD}`, { retries: 0 });
        processState().breakers.set(fake.url, { openedAt: Date.now() - 60_000, reason: "test" });
        await client.get("/api/org"); // after the cooldown a call goes through (half-open)
        expect(processState().breakers.has(fake.url)).toBe(false);
        await fake.stop();
    });
});

describe("Write concurrency per Grafana URL", () => {
    let fake: FakeGrafana;
    afterEach(() => fake.stop());

    /** Peak number of POST /api/orgs the fake held at once, for n concurrent creates that each take 30 ms. */
    async function peakWrites(n: number, faults: { status?: number; body?: unknown }[] = []): Promise<number> {
        fake = await startFake({ latencyMs: 30 });
        fake.inject({ method: "POST", path: "/api/orgs" }, ...faults);
        const client = clientFor({ url: fake.url, auth: `admin:${ADMIN_PASSWORD}` });
        await Promise.all(Array.from({ length: n }, (_, i) => client.post("/api/orgs", { name: `org-${i}` })));
        return fake.maxInFlight("POST", "/api/orgs");
    }

    it("adaptive: starts at 4 writes in flight, not 1 and not all", async () => {
        process.env.GRAFANA_RETRY_BASE_MS = "5";
        const peak = await peakWrites(12);
        expect(peak).toBeGreaterThan(1);
        expect(peak).toBeLessThanOrEqual(5);
    });

    it("halves on 'database is locked' (answered only after retries), and the error never reaches the caller", async () => {
        process.env.GRAFANA_RETRY_BASE_MS = "5";
        const locked = Array.from({ length: 4 }, () => ({ status: 500, body: { message: "database is locked" } }));
        expect(await peakWrites(4, locked)).toBe(4);
        expect(fake.orgs().filter((o) => o.name.startsWith("org-"))).toHaveLength(4);
        expect(processState().writeLimiters.get(fake.url)!.limit).toBe(1); // 4 -> 2 -> 1 (floor)
        fake.resetPeaks();
        const client = clientFor({ url: fake.url, auth: `admin:${ADMIN_PASSWORD}` });
        await Promise.all(Array.from({ length: 6 }, (_, i) => client.post("/api/orgs", { name: `next-${i}` })));
        expect(fake.maxInFlight("POST", "/api/orgs")).toBeLessThanOrEqual(2); // grows back by one per `limit` successes
    });

    it("GRAFANA_MAX_PARALLEL_WRITES=1 forces one write at a time", async () => {
        process.env.GRAFANA_MAX_PARALLEL_WRITES = "1";
        expect(await peakWrites(8)).toBe(1);
    });

    it("a bad GRAFANA_MAX_PARALLEL_WRITES is named", async () => {
        fake = await startFake();
        process.env.GRAFANA_MAX_PARALLEL_WRITES = "0";
        const msg = await errorOf(organizationProvider.create({ name: "x", __resourceName: "x" }));
        expect(msg).toBe('Organization "x": grafana:maxParallelWrites / GRAFANA_MAX_PARALLEL_WRITES must be a positive integer (got "0")');
    });
});

describe("A Grafana URL that is not one fails in check, naming the setting, before any call", () => {
    it.each([
        ["GRAFANA_URL", "grafana.example.com:3000", "GRAFANA_URL must start with http:// or https://"],
        ["GRAFANA_URL", "not a url", "GRAFANA_URL is not a URL"],
        ["stack", "localhost:3000", "stack config grafana:url must start with http:// or https://"],
        ["resource", "ftp://grafana", "connection.url must be an http(s) URL"],
    ])("%s = %s", async (where, url, reason) => {
        process.env.GRAFANA_URL = where === "GRAFANA_URL" ? url : "http://127.0.0.1:1";
        process.env.GRAFANA_AUTH = "admin:pw";
        if (where === "stack") {
            await organizationProvider.configure!({ config: { get: (k: string) => ({ "grafana:url": url })[k], require: () => "" } });
        }
        const r = await dashboardProvider.check!({} as never, {
            dashboard: { title: "t" },
            __resourceName: "d",
            ...(where === "resource" ? { connection: { url } } : {}),
        } as never);
        expect(r.failures!.map((f) => f.reason).join("; ")).toContain(reason);
    });
});
