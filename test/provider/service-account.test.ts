import { organizationProvider } from "../../provider/organization";
import { serviceAccountProvider as sa, ServiceAccountInputs } from "../../provider/service-account";
import {
    generationOf,
    rotationDue,
    serviceAccountTokenProvider as tp,
    ServiceAccountTokenInputs,
    ServiceAccountTokenOutputs,
    tokenNameFor,
} from "../../provider/service-account-token";
import { FakeGrafana } from "../support/fake-grafana";
import { errorOf, newProviderProcess, startFake } from "../support/provider-env";
import { serviceAccountTokenIds } from "../../provider/ids";

/** The id create gave a token (delete works from it). */
const idOf = (t: { orgId: number; serviceAccountId: number; tokenId: number }) => serviceAccountTokenIds.build(t);

let fake: FakeGrafana;
let orgId: number;
async function setup(version: string) {
    fake = await startFake({ version });
    orgId = (await organizationProvider.create({ name: "team", __resourceName: "team" })).outs!.orgId;
}
afterEach(() => {
    delete process.env.PGD_TEST_NOW;
    return fake?.stop();
});

const a = (extra: Partial<ServiceAccountInputs> = {}): ServiceAccountInputs => ({
    __resourceName: "bot",
    orgId,
    name: "dash-bot",
    role: "Editor",
    ...extra,
});

async function checkedToken(olds: Partial<ServiceAccountTokenInputs>, args: Partial<ServiceAccountTokenInputs>): Promise<ServiceAccountTokenInputs> {
    const r = await tp.check!(olds as never, { __resourceName: "tok", __nameSeed: "seed-tok", ...args } as never);
    expect(r.failures).toEqual([]);
    return r.inputs!;
}

async function orgOf(key: string): Promise<number> {
    const res = await fetch(`${fake.url}/api/org`, { headers: { Authorization: `Bearer ${key}` } });
    return res.status === 200 ? ((await res.json()) as { id: number }).id : res.status;
}

describe("ServiceAccount", () => {
    it("check names the field; role None is allowed by check", async () => {
        const r = await sa.check!({} as never, { __resourceName: "x", orgId: "1", name: "", role: "Owner", isDisabled: 1 } as never);
        expect(r.failures!.map((x) => x.property)).toEqual(["orgId", "name", "role", "isDisabled"]);
        expect((await sa.check!({} as never, { __resourceName: "x", orgId: 2, name: "n", role: "None" } as never)).failures).toEqual([]);
    });

    it.each(["10.0.0", "12.1.0"])("Grafana %s: create, rename/role/disable in place with one PATCH, read, delete (twice)", async (version) => {
        await setup(version);
        const c = await sa.create(a());
        expect(c.id).toBe(`${orgId}:${c.outs!.serviceAccountId}`);
        expect(c.outs).toMatchObject({
            name: "dash-bot",
            role: "Editor",
            isDisabled: false,
            adopted: false,
            login: version.startsWith("10.") ? "sa-dash-bot" : `sa-${orgId}-dash-bot`,
        }); // observed 10.0: sa-<name>
        expect(await sa.diff!(c.id, c.outs!, a())).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
        const next = a({ name: "dash-bot-2", role: "Viewer", isDisabled: true });
        expect(await sa.diff!(c.id, c.outs!, next)).toMatchObject({ changes: true, replaces: [] });
        const u = await sa.update!(c.id, c.outs!, next);
        const patches = fake.requests.filter((r) => r.method === "PATCH");
        expect(patches).toEqual([
            expect.objectContaining({
                path: `/api/serviceaccounts/${c.outs!.serviceAccountId}`,
                orgHeader: String(orgId),
                body: { name: "dash-bot-2", role: "Viewer", isDisabled: true },
            }),
        ]);
        expect(fake.serviceAccounts(orgId)).toEqual([{ id: c.outs!.serviceAccountId, name: "dash-bot-2", role: "Viewer", tokens: [] }]);
        expect((await sa.read!(c.id, u.outs!)).props).toMatchObject({ name: "dash-bot-2", role: "Viewer", isDisabled: true });
        expect(await sa.diff!(c.id, u.outs!, a({ orgId: orgId + 1, name: "dash-bot-2", role: "Viewer", isDisabled: true }))).toMatchObject({
            replaces: ["orgId"],
        });
        await sa.delete!(c.id, u.outs!);
        expect(fake.serviceAccounts(orgId)).toEqual([]);
        expect(await sa.read!(c.id, u.outs!)).toEqual({});
        await expect(sa.delete!(c.id, u.outs!)).resolves.toBeUndefined();
    });

    it("role None: Grafana 10.0 answers 400 'Bad request data', reported with what to do; 12.x takes it", async () => {
        await setup("10.0.0");
        expect(await errorOf(sa.create(a({ role: "None" })))).toBe(
            'ServiceAccount "bot": Grafana POST /api/serviceaccounts failed: 400 Bad request data. This Grafana has no "None" role for service accounts (Grafana 10.0 answers so; it came with 10.1): use Viewer, or upgrade',
        );
        await fake.stop();
        await setup("12.1.0");
        expect((await sa.create(a({ role: "None" }))).outs!.role).toBe("None");
    });

    it("crash after create: the next up takes over its own service account; a foreign one with tokens is refused", async () => {
        await setup("12.1.0");
        fake.inject({ method: "POST", path: "/api/serviceaccounts" }, { applyThenReset: true });
        const c = await sa.create(a());
        expect(fake.serviceAccounts(orgId)).toHaveLength(1);
        newProviderProcess();
        const again = await sa.create(a());
        expect(again.outs).toMatchObject({ serviceAccountId: c.outs!.serviceAccountId, adopted: true });
        // Someone else's: it holds a token.
        await tp.create(await checkedToken({}, { serviceAccountId: c.outs!.serviceAccountId, orgId, name: "theirs" }));
        const msg = await errorOf(sa.create(a({ __resourceName: "bot2" })));
        expect(msg).toContain(
            'ServiceAccount "bot2": Grafana POST /api/serviceaccounts failed: 400 service account already exists. A service account named "dash-bot" already exists',
        );
        expect(msg).toContain("1 tokens), not made by this resource");
    });
});

describe("ServiceAccountToken", () => {
    it("check: rotation needs a lifetime and must be shorter; token names: <name>-<generation>-<hex of this resource>", async () => {
        const r = await tp.check!({} as never, { __resourceName: "t", serviceAccountId: 2, name: "x", rotateBeforeExpirySeconds: 60 } as never);
        expect(r.failures).toEqual([
            {
                property: "rotateBeforeExpirySeconds",
                reason: "rotateBeforeExpirySeconds needs secondsToLive (a token that never expires is never rotated)",
            },
        ]);
        const r2 = await tp.check!(
            {} as never,
            { __resourceName: "t", serviceAccountId: 2, name: "x", secondsToLive: 60, rotateBeforeExpirySeconds: 60 } as never,
        );
        expect(r2.failures![0].reason).toBe("rotateBeforeExpirySeconds (60) must be smaller than secondsToLive (60), or every run would rotate");
        expect(tokenNameFor("ci", "seed-tok", 1)).toMatch(/^ci-1-[0-9a-f]{6}$/);
        expect(generationOf(tokenNameFor("ci", "seed-tok", 12), "ci", "seed-tok")).toBe(12);
        expect(generationOf(tokenNameFor("ci", "other-seed", 12), "ci", "seed-tok")).toBeUndefined(); // another resource's
        expect(generationOf("ci-12-abcdef", "ci", "seed-tok")).toBeUndefined();
    });

    it("rotationDue: only inside the window (or expired), only with rotateBeforeExpirySeconds", () => {
        const p = { expiration: "2030-01-10T00:00:00Z", hasExpired: false, rotateBeforeExpirySeconds: 86400 };
        expect(rotationDue(p, Date.parse("2030-01-08T00:00:00Z"))).toBeUndefined();
        expect(rotationDue(p, Date.parse("2030-01-09T06:00:00Z"))).toBe(
            "expires at 2030-01-10T00:00:00Z, in 64800s (< rotateBeforeExpirySeconds 86400)",
        );
        expect(rotationDue(p, Date.parse("2030-01-11T00:00:00Z"))).toBe("expired at 2030-01-10T00:00:00Z");
        expect(rotationDue({ ...p, rotateBeforeExpirySeconds: undefined }, Date.parse("2030-01-11T00:00:00Z"))).toBeUndefined();
    });

    it.each(["10.0.0", "12.1.0"])(
        "Grafana %s: a token that authenticates; expiry read back; rotation plans create-before-delete with a fresh name",
        async (version) => {
            await setup(version);
            const bot = (await sa.create(a())).outs!;
            const inputs = await checkedToken(
                {},
                { serviceAccountId: bot.serviceAccountId, orgId, name: "ci", secondsToLive: 3600, rotateBeforeExpirySeconds: 600 },
            );
            const c = await tp.create(inputs);
            const out = c.outs!;
            expect(c.id).toBe(`${orgId}:${bot.serviceAccountId}:${out.tokenId}`);
            expect(out.key).toMatch(/^glsa_/);
            expect(await orgOf(out.key)).toBe(orgId);
            expect(out.hasExpired).toBe(false);
            const expires = Date.parse(out.expiration!);
            expect(Math.abs(expires - Date.now() - 3600_000)).toBeLessThan(10_000);
            const same = await checkedToken(inputs, {
                serviceAccountId: bot.serviceAccountId,
                orgId,
                name: "ci",
                secondsToLive: 3600,
                rotateBeforeExpirySeconds: 600,
            });
            expect(await tp.diff!(c.id, out, same)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
            // The clock inside the window (faked for the test): a replacement, new token first.
            process.env.PGD_TEST_NOW = new Date(expires - 300_000).toISOString();
            expect(await tp.diff!(c.id, out, same)).toEqual({ changes: true, replaces: ["expiration"], deleteBeforeReplace: false });
            const rotated = (await tp.create(same)).outs!;
            expect(rotated.tokenName).not.toBe(out.tokenName);
            expect(fake.serviceAccounts(orgId)[0].tokens.map((t) => t.name)).toEqual([out.tokenName, rotated.tokenName]);
            await tp.delete!(c.id, out);
            expect(fake.serviceAccounts(orgId)[0].tokens.map((t) => t.name)).toEqual([rotated.tokenName]);
            expect(await orgOf(rotated.key)).toBe(orgId);
            expect(await orgOf(out.key)).toBe(401);
            expect(await tp.read!(c.id, out)).toEqual({});
            await expect(tp.delete!(c.id, out)).resolves.toBeUndefined();
            // Any argument change replaces; the connection alone updates in place without a call.
            delete process.env.PGD_TEST_NOW;
            const o = rotated as ServiceAccountTokenOutputs;
            expect((await tp.diff!("x", o, { ...same, secondsToLive: 7200 })).replaces).toEqual(["secondsToLive"]);
            expect((await tp.diff!("x", o, { ...same, name: "ci2" })).replaces).toEqual(["name"]);
            // The account's id not known in a preview (its own update is previewed from its inputs): no replacement.
            expect(await tp.diff!("x", o, { ...same, serviceAccountId: undefined as unknown as number })).toEqual({
                changes: false,
                replaces: [],
                deleteBeforeReplace: false,
            });
            expect(await tp.diff!("x", { ...o, expiration: undefined }, { ...same, connection: { url: fake.url } })).toEqual({
                changes: true,
                replaces: [],
                deleteBeforeReplace: false,
            });
        },
    );

    it("a lost answer is retried under the same name; a token a crash left unrecorded is removed by the next delete", async () => {
        await setup("12.1.0");
        const bot = (await sa.create(a())).outs!;
        const inputs = await checkedToken({}, { serviceAccountId: bot.serviceAccountId, orgId, name: "ci" });
        // The answer is lost; the client's retry finds the name taken by its own first attempt.
        fake.inject({ method: "POST", path: `/api/serviceaccounts/${bot.serviceAccountId}/tokens` }, { applyThenReset: true });
        const first = (await tp.create(inputs)).outs!;
        expect(first.tokenName).toBe(tokenNameFor("ci", "seed-tok", 1));
        expect(fake.serviceAccounts(orgId)[0].tokens.map((t) => [t.id, t.name])).toEqual([[first.tokenId, first.tokenName]]);
        // `up` killed before the state was written: the next `up` makes the next generation; the unrecorded token
        // (its key is lost) is removed by this resource's next delete (rotation or destroy), which keeps only the newest.
        newProviderProcess();
        const again = (await tp.create(await checkedToken({}, { serviceAccountId: bot.serviceAccountId, orgId, name: "ci" }))).outs!;
        expect(again.tokenName).toBe(tokenNameFor("ci", "seed-tok", 2));
        const rotated = (await tp.create(await checkedToken({}, { serviceAccountId: bot.serviceAccountId, orgId, name: "ci" }))).outs!;
        expect(rotated.tokenName).toBe(tokenNameFor("ci", "seed-tok", 3));
        await tp.delete!(idOf(again), again);
        expect(fake.serviceAccounts(orgId)[0].tokens.map((t) => t.name)).toEqual([rotated.tokenName]);
        expect(await orgOf(rotated.key)).toBe(orgId);
        for (const k of [first.key, again.key]) expect(await orgOf(k)).toBe(401);
        // A destroy removes every token of this resource, and no other.
        await tp.create(
            await checkedToken({}, { __resourceName: "other", __nameSeed: "other-seed", serviceAccountId: bot.serviceAccountId, orgId, name: "ci" }),
        );
        await tp.delete!(idOf(rotated), rotated);
        expect(fake.serviceAccounts(orgId)[0].tokens.map((t) => t.name)).toEqual([tokenNameFor("ci", "other-seed", 1)]);
    });

    it("a wrong service account id says so", async () => {
        await setup("12.1.0");
        const msg = await errorOf(tp.create(await checkedToken({}, { serviceAccountId: 999, orgId, name: "ci" })));
        expect(msg).toBe(
            `ServiceAccountToken "tok": Grafana GET /api/serviceaccounts/999/tokens failed: 404 service account not found. Service account 999 is not in org ${orgId}: check serviceAccountId and orgId`,
        );
    });
});
