// The store under the emulator: what was answered survives a SIGKILL, two processes share one store with correct
// concurrent writes, a snapshot round-trips, and bad input gets Grafana's answer instead of a crash.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Emulator, Store, hashSecret } from "../src";

const MAIN = path.resolve(__dirname, "..", "dist", "main.js");
const built = fs.existsSync(MAIN);
const ADMIN = `Basic ${Buffer.from("admin:pw").toString("base64")}`;

// Answers are read loosely, as curl output would be.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

async function call(
    url: string,
    method: string,
    p: string,
    body?: unknown,
    headers: Record<string, string> = {},
): Promise<{ status: number; body: Loose }> {
    const res = await fetch(url + p, {
        method,
        headers: { Authorization: ADMIN, "Content-Type": "application/json", ...headers },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
        parsed = JSON.parse(text);
    } catch {
        /* not JSON */
    }
    return { status: res.status, body: parsed };
}

function tmpDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "emu-test-"));
}

/** One emulator process on a data dir; resolves once it answers /api/health. */
async function serve(dir: string, port: number, store = path.join(dir, "store.db"), profile = "12.x"): Promise<{ proc: ChildProcess; url: string }> {
    fs.writeFileSync(path.join(dir, "emulator.json"), JSON.stringify({ profile, port, store }));
    const proc = spawn(process.execPath, [MAIN, "serve", "--data-dir", dir], {
        env: { ...process.env, GRAFANA_ADMIN_PASSWORD: "pw" },
        stdio: "ignore",
    });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 200; i++) {
        try {
            if ((await fetch(`${url}/api/health`)).status === 200) return { proc, url };
        } catch {
            /* not listening yet */
        }
        await new Promise((r) => setTimeout(r, 25));
    }
    proc.kill("SIGKILL");
    throw new Error("emulator did not start");
}

function exited(p: ChildProcess): Promise<void> {
    return p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once("exit", () => r()));
}

async function freePort(): Promise<number> {
    const net = await import("net");
    return new Promise((resolve) => {
        const s = net.createServer().listen(0, "127.0.0.1", () => {
            const port = (s.address() as import("net").AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

describe("store", () => {
    it("a snapshot round-trips: ids, sequences and hashed secrets, nothing in plaintext", async () => {
        const dir = tmpDir();
        const g = await Emulator.start({ profile: "10.0", store: path.join(dir, "a.db"), adminPassword: "pw" });
        const org = await call(g.url, "POST", "/api/orgs", { name: "snap" });
        const key = await call(g.url, "POST", "/api/auth/keys", { name: "k", role: "Admin" }, { "X-Grafana-Org-Id": String(org.body.orgId) });
        await call(g.url, "POST", "/api/dashboards/db", { dashboard: { title: "D", uid: "d1" } }, { Authorization: `Bearer ${key.body.key}` });
        await g.stop();
        const a = new Store({ path: path.join(dir, "a.db") });
        const snap = a.snapshot();
        a.close();
        const text = JSON.stringify(snap);
        expect(text).not.toContain(key.body.key);
        expect(text).not.toContain('"pw"');
        expect(snap.objects.apikey?.[0].keyHash).toBe(hashSecret(key.body.key));
        const b = new Store({ path: path.join(dir, "b.db") });
        b.load(snap);
        expect(b.snapshot()).toEqual(snap);
        b.close();
        const again = await Emulator.start({ profile: "10.0", store: path.join(dir, "b.db") });
        const read = await call(again.url, "GET", "/api/dashboards/uid/d1", undefined, { Authorization: `Bearer ${key.body.key}` });
        expect(read.status).toBe(200);
        const next = await call(again.url, "POST", "/api/orgs", { name: "after-load" });
        expect(next.body.orgId).toBe(org.body.orgId + 1); // the sequence came along
        await again.stop();
    });

    it("a 10.0 store served by 12.x: legacy keys become service-account tokens that keep working; the key routes are gone", async () => {
        const file = path.join(tmpDir(), "up.db");
        const old = await Emulator.start({ profile: "10.0", store: file, adminPassword: "pw" });
        const org = await call(old.url, "POST", "/api/orgs", { name: "upg" });
        const h = { "X-Grafana-Org-Id": String(org.body.orgId) };
        const key = await call(old.url, "POST", "/api/auth/keys", { name: "k1", role: "Editor" }, h);
        await old.stop();
        const g = await Emulator.start({ profile: "12.x", store: file });
        expect(await call(g.url, "GET", "/api/org", undefined, { Authorization: `Bearer ${key.body.key}` })).toMatchObject({
            status: 200,
            body: { id: org.body.orgId },
        });
        expect((await call(g.url, "GET", "/api/auth/keys", undefined, h)).status).toBe(404);
        const sas = await call(g.url, "GET", "/api/serviceaccounts/search", undefined, h);
        expect(sas.body.serviceAccounts).toMatchObject([{ name: "k1", role: "Editor", tokens: 1 }]);
        await g.stop();
    });

    it("bad input answers as Grafana does, never a crash: malformed JSON, wrong types, a 5 MB model, unknown routes", async () => {
        const g = await Emulator.start({ profile: "10.0", adminPassword: "pw" });
        expect(await call(g.url, "POST", "/api/orgs", "{not json")).toMatchObject({ status: 400, body: { message: "bad request data" } });
        expect(await call(g.url, "POST", "/api/orgs", [1, 2])).toMatchObject({ status: 400 });
        expect(await call(g.url, "POST", "/api/orgs", { name: 7 })).toMatchObject({ status: 400 });
        expect(await call(g.url, "POST", "/api/dashboards/db", { dashboard: "x" })).toMatchObject({ status: 400 });
        expect(await call(g.url, "GET", "/api/nope")).toEqual({ status: 404, body: { message: "Not found" } });
        expect((await call(g.url, "GET", "/d/abc")).status).toBe(404); // the UI's HTML, not the API
        const big = { title: "Big", uid: "big", panels: Array.from({ length: 5000 }, (_, i) => ({ id: i, title: "p".repeat(1000) })) };
        expect(JSON.stringify(big).length).toBeGreaterThan(5_000_000);
        expect(await call(g.url, "POST", "/api/dashboards/db", { dashboard: big })).toMatchObject({ status: 200, body: { uid: "big" } });
        expect((await call(g.url, "GET", "/api/dashboards/uid/big")).body.dashboard.panels).toHaveLength(5000);
        expect(g.internalErrors).toEqual([]);
        await g.stop();
    });
});

(built ? describe : describe.skip)("emulator processes (emulator/dist/main.js; npm run build)", () => {
    jest.setTimeout(60_000);
    const procs: ChildProcess[] = [];
    afterAll(async () => {
        for (const p of procs) p.kill("SIGKILL");
        await Promise.all(procs.map(exited));
    });

    it("SIGKILL loses nothing that was answered; a restart on the same store serves it", async () => {
        const dir = tmpDir();
        const port = await freePort();
        const first = await serve(dir, port);
        procs.push(first.proc);
        const org = await call(first.url, "POST", "/api/orgs", { name: "durable" });
        const saves = await Promise.all(
            Array.from({ length: 20 }, (_, i) =>
                call(
                    first.url,
                    "POST",
                    "/api/dashboards/db",
                    { dashboard: { title: `D${i}`, uid: `d${i}` } },
                    { "X-Grafana-Org-Id": String(org.body.orgId) },
                ),
            ),
        );
        expect(saves.map((s) => s.status)).toEqual(Array(20).fill(200));
        first.proc.kill("SIGKILL");
        await exited(first.proc);
        const second = await serve(dir, port);
        procs.push(second.proc);
        const hits = await call(second.url, "GET", "/api/search?type=dash-db", undefined, { "X-Grafana-Org-Id": String(org.body.orgId) });
        expect(hits.body.map((h: { uid: string }) => h.uid).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `d${i}`).sort());
        const log = fs.readFileSync(path.join(dir, "logs", "grafana.log"), "utf8");
        expect(log).toMatch(/msg="Request Completed" method=POST path=\/api\/dashboards\/db status=200/);
    });

    it("two processes on one store: each sees the other's writes, concurrent saves of one dashboard conflict exactly once each", async () => {
        const dir = tmpDir();
        const store = path.join(dir, "shared.db");
        const [da, db] = [path.join(dir, "a"), path.join(dir, "b")];
        fs.mkdirSync(da);
        fs.mkdirSync(db);
        const a = await serve(da, await freePort(), store);
        const b = await serve(db, await freePort(), store);
        procs.push(a.proc, b.proc);
        const org = await call(a.url, "POST", "/api/orgs", { name: "shared" });
        expect(await call(b.url, "GET", `/api/orgs/${org.body.orgId}`)).toMatchObject({ status: 200, body: { name: "shared" } });
        // unique names across instances: one of two racing creates wins
        const race = await Promise.all([call(a.url, "POST", "/api/orgs", { name: "race" }), call(b.url, "POST", "/api/orgs", { name: "race" })]);
        expect(race.map((r) => r.status).sort()).toEqual([200, 409]);
        // 40 creates spread over both: 40 distinct ids, all visible from either side
        const h = { "X-Grafana-Org-Id": String(org.body.orgId) };
        const made = await Promise.all(
            Array.from({ length: 40 }, (_, i) =>
                call(i % 2 ? a.url : b.url, "POST", "/api/dashboards/db", { dashboard: { title: `S${i}`, uid: `s${i}` } }, h),
            ),
        );
        expect(new Set(made.map((m) => m.body.id)).size).toBe(40);
        expect((await call(a.url, "GET", "/api/search?type=dash-db", undefined, h)).body).toHaveLength(40);
        // optimistic concurrency across instances: both update version 1, exactly one wins
        const upd = await Promise.all(
            [a.url, b.url].map((u, i) => call(u, "POST", "/api/dashboards/db", { dashboard: { title: `S0-${i}`, uid: "s0", version: 1 } }, h)),
        );
        expect(upd.map((r) => r.status).sort()).toEqual([200, 412]);
    });

    it("faults set at run time through the admin endpoint: applied then 412, and an HTML page", async () => {
        const dir = tmpDir();
        const g = await serve(dir, await freePort());
        procs.push(g.proc);
        const set = await call(g.url, "POST", "/__emulator/faults", {
            method: "POST",
            path: "/api/dashboards/db",
            faults: [{ status: 412, applyThenStatus: true, body: { message: "x", status: "version-mismatch" } }],
        });
        expect(set.status).toBe(200);
        const r = await call(g.url, "POST", "/api/dashboards/db", { dashboard: { title: "F", uid: "f" } });
        expect(r.status).toBe(412);
        expect((await call(g.url, "GET", "/api/dashboards/uid/f")).status).toBe(200); // it was applied
        await call(g.url, "POST", "/__emulator/faults", {
            path: "^/api/org$",
            faults: [{ status: 200, html: "<html><title>Grafana</title></html>" }],
        });
        const html = await fetch(`${g.url}/api/org`, { headers: { Authorization: ADMIN } });
        expect(html.headers.get("content-type")).toContain("text/html");
        // the admin endpoint is for the server admin only
        const anon = await fetch(`${g.url}/__emulator/faults`, { method: "POST", body: "{}" });
        expect(anon.status).toBe(401);
        const stats = await call(g.url, "GET", "/__emulator/stats");
        expect(stats.body.byRoute["POST /api/dashboards/db"].count).toBe(1);
    });
});
