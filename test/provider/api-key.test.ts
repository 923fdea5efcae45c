import { apiKeyProvider as p, ApiKeyInputs } from "../../provider/api-key";
import { organizationProvider } from "../../provider/organization";
import { ApiKeyMode, FakeGrafana } from "../support/fake-grafana";
import { errorOf, startFake } from "../support/provider-env";

let fake: FakeGrafana;
let orgId: number;
async function setup(apiKeys: ApiKeyMode) {
    fake = await startFake({ apiKeys });
    orgId = (await organizationProvider.create({ name: "apiorg", resourceName: "apiorg" })).outs!.orgId;
}
afterEach(() => fake.stop());

const k = (name = "apikeycurl", extra = {}): ApiKeyInputs => ({ orgId, name, role: "Admin", resourceName: "apikeycurl", ...extra });

async function orgOfKey(key: string): Promise<{ id: number; name: string }> {
    const res = await fetch(`${fake.url}/api/org`, { headers: { Authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as { id: number; name: string };
}

describe("ApiKey against a fake Grafana over HTTP", () => {
    it("Grafana 10.x: a legacy key, scoped with X-Grafana-Org-Id, never via /api/user/using", async () => {
        await setup("legacy");
        const c = await p.create(k());
        expect(c.outs).toMatchObject({ kind: "apikey", orgId });
        expect(await orgOfKey(c.outs!.key)).toMatchObject({ id: orgId, name: "apiorg" });
        const post = fake.requests.find((r) => r.path === "/api/auth/keys" && r.method === "POST");
        expect(post?.orgHeader).toBe(String(orgId));
        expect(fake.requests.some((r) => r.path.startsWith("/api/user/using"))).toBe(false);
        expect(fake.apiKeys(orgId).map((x) => x.name)).toEqual(["apikeycurl"]);
        expect((await p.read!(c.id, c.outs!)).props!.key).toBe(c.outs!.key);
        await p.delete!(c.id, c.outs!);
        expect(fake.apiKeys(orgId)).toEqual([]);
        expect(await p.read!(c.id, c.outs!)).toEqual({});
        await expect(p.delete!(c.id, c.outs!)).resolves.toBeUndefined();
    });

    for (const mode of ["gone410", "removed404"] as const) {
        it(`${mode === "gone410" ? "Grafana 11.3+ (410)" : "Grafana 12.1+ (404)"}: a service account with that role and a token`, async () => {
            await setup(mode);
            const c = await p.create(k());
            expect(c.outs).toMatchObject({ kind: "serviceaccount", orgId });
            expect(c.outs!.key).toMatch(/^glsa_/);
            expect(await orgOfKey(c.outs!.key)).toMatchObject({ id: orgId });
            expect(fake.serviceAccounts(orgId)).toEqual([
                { id: c.outs!.serviceAccountId, name: "apikeycurl", role: "Admin", tokens: [{ id: c.outs!.tokenId, name: "apikeycurl" }] },
            ]);
            // The server's answer is remembered: the next key goes straight to service accounts.
            const second = await p.create(k("second"));
            expect(second.outs!.kind).toBe("serviceaccount");
            expect(fake.requests.filter((r) => r.method === "POST" && r.path === "/api/auth/keys")).toHaveLength(1);
            // Delete removes exactly what was made.
            await p.delete!(c.id, c.outs!);
            expect(fake.serviceAccounts(orgId).map((s) => s.name)).toEqual(["second"]);
            expect(await p.read!(c.id, c.outs!)).toEqual({});
            await expect(p.delete!(c.id, c.outs!)).resolves.toBeUndefined();
        });
    }

    it("deleting a service account twice succeeds although Grafana 10 answers the second delete with 500", async () => {
        await setup("removed404");
        const c = await p.create(k());
        await p.delete!(c.id, c.outs!);
        // observed on Grafana 10.0: DELETE of a deleted service account -> 500 "Service account deletion error"
        fake.inject({ method: "DELETE", path: `/api/serviceaccounts/${c.outs!.serviceAccountId}` }, ...Array.from({ length: 6 }, () => ({ status: 500, body: { message: "Service account deletion error" } })));
        await expect(p.delete!(c.id, c.outs!)).resolves.toBeUndefined();
        expect(fake.requests.filter((r) => r.method === "GET" && r.path === `/api/serviceaccounts/${c.outs!.serviceAccountId}`)).toHaveLength(1);
    });

    it("a failed token leaves no service account behind", async () => {
        await setup("removed404");
        fake.inject({ method: "POST", path: /^\/api\/serviceaccounts\/\d+\/tokens$/ }, { status: 400, body: { message: "bad token request" } });
        const msg = await errorOf(p.create(k()));
        expect(msg).toMatch(/^ApiKey "apikeycurl": Grafana POST \/api\/serviceaccounts\/\d+\/tokens failed: 400 bad token request/);
        expect(fake.serviceAccounts(orgId)).toEqual([]);
    });

    it("a legacy key whose answer was lost is made again (a key is shown once)", async () => {
        await setup("legacy");
        fake.inject({ method: "POST", path: "/api/auth/keys" }, { applyThenReset: true });
        const c = await p.create(k());
        expect(await orgOfKey(c.outs!.key)).toMatchObject({ id: orgId });
        expect(fake.apiKeys(orgId)).toHaveLength(1);
    });

    it("a duplicate name is a clear error", async () => {
        await setup("legacy");
        await p.create(k());
        const msg = await errorOf(p.create(k()));
        expect(msg).toBe(
            `ApiKey "apikeycurl": Grafana POST /api/auth/keys failed: 409 API key, organization ID and name must be unique. A key or service account named "apikeycurl" may already exist in org ${orgId}`,
        );
    });

    it("a credential-only change updates without calling Grafana", async () => {
        await setup("removed404");
        const c = await p.create(k());
        const before = fake.requests.length;
        const u = await p.update!(c.id, c.outs!, k("apikeycurl", { connection: { auth: "admin:rotated" } }));
        expect(u.outs!.key).toBe(c.outs!.key);
        expect(u.outs!.connection).toEqual({ auth: "admin:rotated" });
        expect(fake.requests.length).toBe(before);
    });
});

describe("ApiKey useServiceAccount", () => {
    it("makes a service account token even where legacy keys still work", async () => {
        await setup("legacy");
        const c = await p.create(k("apikeycurl", { useServiceAccount: true }));
        expect(c.outs!.kind).toBe("serviceaccount");
        expect(fake.apiKeys(orgId)).toEqual([]);
        expect(fake.requests.some((r) => r.path === "/api/auth/keys")).toBe(false);
        expect((await p.diff!(c.id, c.outs!, k("apikeycurl"))).replaces).toEqual(["useServiceAccount"]);
    });
});
