import { organizationProvider as p } from "../../provider/organization";
import { FakeGrafana } from "../support/fake-grafana";
import { ADMIN_PASSWORD, errorOf, startFake } from "../support/provider-env";

let fake: FakeGrafana;
beforeEach(async () => {
    fake = await startFake();
});
afterEach(() => fake.stop());

const inputs = (name = "apiorg", extra = {}) => ({ name, __resourceName: "apiorg", ...extra });

describe("Organization against a fake Grafana over HTTP", () => {
    it("creates, renames in place, reads, deletes, and deletes again", async () => {
        const created = await p.create(inputs());
        expect(created.outs).toMatchObject({ name: "apiorg", adopted: false });
        const orgId = created.outs!.orgId;
        expect(fake.orgs()).toContainEqual({ id: orgId, name: "apiorg" });

        const updated = await p.update!(created.id, created.outs!, inputs("apiorg-renamed"));
        expect(updated.outs!.orgId).toBe(orgId);
        expect(fake.orgs()).toContainEqual({ id: orgId, name: "apiorg-renamed" });
        expect(fake.requests.filter((r) => r.method === "PUT").map((r) => r.path)).toEqual([`/api/orgs/${orgId}`]);

        const read = await p.read!(created.id, updated.outs!);
        expect(read.props!.name).toBe("apiorg-renamed");

        await p.delete!(created.id, updated.outs!);
        expect(fake.orgs().map((o) => o.id)).not.toContain(orgId);
        await expect(p.delete!(created.id, updated.outs!)).resolves.toBeUndefined(); // 404 is success
        expect(await p.read!(created.id, updated.outs!)).toEqual({}); // gone: refresh drops it
    });

    it("a taken name fails with Grafana's 409 and points to adoptExisting; adoptExisting takes the org over", async () => {
        const first = await p.create(inputs());
        const msg = await errorOf(p.create(inputs()));
        expect(msg).toBe(
            'Organization "apiorg": Grafana POST /api/orgs failed: 409 Organization name taken. An organization named "apiorg" already exists. If this stack made it in an `up` that was interrupted (Grafana cannot tell), or to manage that org from now on, set adopt: true on this resource and run `pulumi up` again (destroy then deletes the org); otherwise choose another name',
        );
        const adopted = await p.create(inputs("apiorg", { adoptExisting: true }));
        expect(adopted.id).toBe(first.id);
        expect(adopted.outs!.adopted).toBe(true);
        expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toContain("GET /api/orgs/name/apiorg");
    });

    it("rename to a taken name is a clear error", async () => {
        await p.create(inputs("other"));
        const c = await p.create(inputs());
        const msg = await errorOf(p.update!(c.id, c.outs!, inputs("other")));
        expect(msg).toMatch(/^Organization "apiorg": Grafana PUT \/api\/orgs\/\d+ failed: 400 Organization name taken/);
    });

    it("retries 500 'database is locked' and 429, then succeeds", async () => {
        fake.inject(
            { method: "POST", path: "/api/orgs" },
            { status: 500, body: { message: "database is locked" } },
            { status: 429, body: { message: "Too many requests" }, headers: { "retry-after": "0" } },
        );
        const c = await p.create(inputs());
        expect(c.outs!.orgId).toBeGreaterThan(1);
        expect(fake.requests.filter((r) => r.method === "POST" && r.path === "/api/orgs")).toHaveLength(3);
        expect(fake.orgs().filter((o) => o.name === "apiorg")).toHaveLength(1);
    });

    it("gives up after bounded retries of a persistent 500", async () => {
        fake.inject(
            { method: "POST", path: "/api/orgs" },
            ...Array.from({ length: 10 }, () => ({ status: 500, body: { message: "database is locked" } })),
        );
        const msg = await errorOf(p.create(inputs()));
        expect(msg).toBe('Organization "apiorg": Grafana POST /api/orgs failed: 500 database is locked');
        expect(fake.requests.filter((r) => r.path === "/api/orgs")).toHaveLength(6); // 1 + 5 retries
    });

    it("a create whose answer was lost adopts its own first attempt instead of failing on the retry's 409", async () => {
        fake.inject({ method: "POST", path: "/api/orgs" }, { applyThenReset: true });
        const c = await p.create(inputs());
        expect(c.outs!.adopted).toBe(false);
        expect(fake.orgs().filter((o) => o.name === "apiorg")).toEqual([{ id: c.outs!.orgId, name: "apiorg" }]);
    });

    it("wrong credentials: one 401, not retried, and the password is not in the error", async () => {
        process.env.GRAFANA_AUTH = "admin:wrong-password-123";
        const msg = await errorOf(p.create(inputs()));
        expect(msg).toMatch(/^Organization "apiorg": Grafana POST \/api\/orgs failed: 401 /);
        expect(msg).not.toContain("wrong-password-123");
        expect(msg).not.toContain(ADMIN_PASSWORD);
        expect(fake.requests).toHaveLength(1);
    });

    it("connection refused is retried and then reported without credentials", async () => {
        const url = fake.url;
        await fake.stop();
        process.env.GRAFANA_URL = url;
        const msg = await errorOf(p.create(inputs()));
        expect(msg).toMatch(/^Organization "apiorg": Grafana POST \/api\/orgs failed: no response ECONNREFUSED/);
        expect(msg).not.toContain(ADMIN_PASSWORD);
        fake = await startFake(); // for afterEach
    });

    it("check rejects an empty name before any HTTP call", async () => {
        const r = await p.check!(
            {} as never,
            { name: " ", __resourceName: "apiorg", connection: { url: "nope", auth: "admin:secret-xyz" } } as never,
        );
        expect(r.failures).toEqual([
            { property: "name", reason: "name must be a non-empty string" },
            { property: "connection.url", reason: "connection.url must be an http(s) URL" },
        ]);
        expect(JSON.stringify(r.failures)).not.toContain("secret-xyz");
        expect(fake.requests).toHaveLength(0);
    });
});
