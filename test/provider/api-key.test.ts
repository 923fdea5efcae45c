import { apiKeyProvider as p, ApiKeyInputs } from "../../provider/api-key";
import { organizationProvider } from "../../provider/organization";
import { ApiKeyMode, FakeGrafana } from "../support/fake-grafana";
import { errorOf, newProviderProcess, startFake } from "../support/provider-env";

let fake: FakeGrafana;
let orgId: number;
async function setup(apiKeys: ApiKeyMode) {
    fake = await startFake({ apiKeys });
    orgId = (await organizationProvider.create({ name: "apiorg", __resourceName: "apiorg" })).outs!.orgId;
}
afterEach(() => fake.stop());

const k = (name = "apikeycurl", extra = {}): ApiKeyInputs => ({ orgId, name, role: "Admin", __resourceName: "apikeycurl", ...extra });

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

    it("a key of that name that was used is not ours: a clear error naming it", async () => {
        await setup("legacy");
        await p.create(k());
        fake.markApiKeysUsed(orgId);
        const msg = await errorOf(p.create(k()));
        expect(msg).toBe(
            `ApiKey "apikeycurl": An API key named "apikeycurl" already exists in org ${orgId} (id ${fake.apiKeys(orgId)[0].id}) and has been used, so it is not this stack's own earlier attempt: delete it in Grafana or choose another name`,
        );
        expect(fake.apiKeys(orgId)).toHaveLength(1);
    });

    it("an interrupted up left a never-used key of ours: the next create replaces it (a key is shown only once)", async () => {
        await setup("legacy");
        const lost = await p.create(k());
        const c = await p.create(k());
        expect(fake.apiKeys(orgId).map((x) => x.id)).toEqual([c.outs!.keyId]);
        expect(c.outs!.keyId).not.toBe(lost.outs!.keyId);
        expect(await orgOfKey(c.outs!.key)).toMatchObject({ id: orgId });
    });

    it("an interrupted up left the service account without its token: the next create takes it over", async () => {
        await setup("removed404");
        fake.inject({ method: "POST", path: /^\/api\/serviceaccounts\/\d+\/tokens$/ }, { reset: true }, ...Array.from({ length: 5 }, () => ({ reset: true })));
        // The process dies between the two calls: simulate by making the cleanup DELETE fail too.
        fake.inject({ method: "DELETE", path: /^\/api\/serviceaccounts\/\d+$/ }, ...Array.from({ length: 6 }, () => ({ reset: true })));
        await errorOf(p.create(k()));
        expect(fake.serviceAccounts(orgId).map((s) => [s.name, s.tokens.length])).toEqual([["apikeycurl", 0]]);
        newProviderProcess();
        const c = await p.create(k());
        expect(fake.serviceAccounts(orgId)).toEqual([{ id: c.outs!.serviceAccountId, name: "apikeycurl", role: "Admin", tokens: [{ id: c.outs!.tokenId, name: "apikeycurl" }] }]);
        expect(await orgOfKey(c.outs!.key)).toMatchObject({ id: orgId });
    });

    it("a service account of that name with someone else's token is not ours", async () => {
        await setup("removed404");
        const other = await p.create(k("apikeycurl"));
        await fetch(`${fake.url}/api/serviceaccounts/${other.outs!.serviceAccountId}/tokens`, {
            method: "POST",
            headers: { Authorization: `Basic ${Buffer.from(process.env.GRAFANA_AUTH!).toString("base64")}`, "X-Grafana-Org-Id": String(orgId), "Content-Type": "application/json" },
            body: JSON.stringify({ name: "ci-token" }),
        });
        const msg = await errorOf(p.create(k()));
        expect(msg).toMatch(/A service account named "apikeycurl" already exists in org \d+ \(id \d+\) and holds a token "ci-token" this stack did not make/);
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
