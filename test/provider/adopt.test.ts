// `adopt: true`, one meaning on every kind: found by its key and equal -> recorded with no write; found and different
// -> updated; absent -> created. The deprecated aliases (Organization.adoptExisting, Dashboard.overwrite) still adopt.
import { dashboardProvider, DashboardInputs } from "../../provider/dashboard";
import { dataSourceProvider, DataSourceInputs } from "../../provider/data-source";
import { folderProvider, FolderInputs } from "../../provider/folder";
import { orgMembershipProvider } from "../../provider/org-membership";
import { organizationProvider } from "../../provider/organization";
import { serviceAccountProvider } from "../../provider/service-account";
import { FakeGrafana, hashSecret } from "../support/fake-grafana";
import { startFake, writes } from "../support/provider-env";

/** One dashboard save: the legacy API (10.x, 11.x) or the app-platform one (12.x, 13.x). */
const SAVE = /^(POST \/api\/dashboards\/db|PUT \/apis\/dashboard\.grafana\.app\/[^/]+\/namespaces\/[^/]+\/dashboards\/[^/]+)$/;

let fake: FakeGrafana;
let orgId: number;
beforeEach(async () => {
    fake = await startFake({ profile: "12.x" });
    orgId = (await organizationProvider.create({ name: "acme", __resourceName: "acme" })).outs!.orgId;
});
afterEach(() => fake.stop());

/** Writes made by `fn`, as "METHOD path". */
async function writesOf<T>(fn: () => Promise<T>): Promise<{ result: T; writes: string[] }> {
    const before = writes(fake).length;
    const result = await fn();
    return {
        result,
        writes: writes(fake)
            .slice(before)
            .map((r) => `${r.method} ${r.path}`),
    };
}

describe("adopt: check", () => {
    it("adopt must be a boolean, named in the failure", async () => {
        const r = await folderProvider.check!({} as never, { __resourceName: "f", title: "Ops", adopt: "yes" } as never);
        expect(r.failures).toEqual([{ property: "adopt", reason: expect.stringMatching(/^adopt must be/) }]);
    });
    it("adopt is not part of the diff: adding it to a managed resource changes nothing", async () => {
        const olds = { __resourceName: "f", title: "Ops", uid: "ops", orgId } as never;
        const d = await folderProvider.diff!("x", olds, { __resourceName: "f", title: "Ops", uid: "ops", orgId, adopt: true } as never);
        expect(d.changes).toBe(false);
    });
});

describe("adopt: Organization (key: name)", () => {
    it("an existing org is recorded without a write; the deprecated adoptExisting does the same", async () => {
        for (const flag of [{ adopt: true }, { adoptExisting: true }]) {
            const { result, writes: w } = await writesOf(() => organizationProvider.create({ name: "acme", __resourceName: "a", ...flag }));
            expect(w).toEqual([]);
            expect(result.outs).toMatchObject({ orgId, adopted: true, adoptedChanges: [] });
        }
    });
    it("an absent org is created", async () => {
        const { result, writes: w } = await writesOf(() => organizationProvider.create({ name: "new-org", __resourceName: "n", adopt: true }));
        expect(w).toEqual(["POST /api/orgs"]);
        expect(result.outs!.adopted).toBe(false);
    });
});

describe("adopt: OrgMembership (key: login or email)", () => {
    it("same role: no write; another role: one PATCH; destroy of an adopted one leaves it", async () => {
        fake.addUser("bob", { email: "bob@example.com" });
        await orgMembershipProvider.create({ orgId, loginOrEmail: "bob", role: "Editor", __resourceName: "bob0" });
        const same = await writesOf(() =>
            orgMembershipProvider.create({ orgId, loginOrEmail: "bob@example.com", role: "Editor", adopt: true, __resourceName: "b" }),
        );
        expect(same.writes).toEqual([]);
        expect(same.result.outs).toMatchObject({ adopted: true, adoptedChanges: [], previousRole: "Editor" });
        const other = await writesOf(() =>
            orgMembershipProvider.create({ orgId, loginOrEmail: "bob", role: "Viewer", adopt: true, __resourceName: "b" }),
        );
        expect(other.writes).toEqual([`PATCH /api/orgs/${orgId}/users/${other.result.outs!.userId}`]);
        expect(other.result.outs!.adoptedChanges).toEqual(["role"]);
        await orgMembershipProvider.delete!(other.result.id, other.result.outs!);
        expect(fake.orgUsers(orgId).find((u) => u.login === "bob")?.role).toBe("Editor");
    });
});

describe("adopt: Folder (key: uid)", () => {
    const folder = (extra: Partial<FolderInputs> = {}): FolderInputs => ({ __resourceName: "ops", uid: "ops", title: "Ops", orgId, ...extra });
    it("equal: recorded without a write; other title: one PUT; absent: created", async () => {
        await folderProvider.create(folder());
        const same = await writesOf(() => folderProvider.create(folder({ adopt: true })));
        expect(same.writes).toEqual([]);
        expect(same.result.outs).toMatchObject({ uid: "ops", adopted: true, adoptedChanges: [] });
        const renamed = await writesOf(() => folderProvider.create(folder({ title: "Operations", adopt: true })));
        expect(renamed.writes).toEqual(["PUT /api/folders/ops"]);
        expect(renamed.result.outs).toMatchObject({ title: "Operations", adoptedChanges: ["title"] });
        const fresh = await writesOf(() => folderProvider.create(folder({ uid: "fresh", adopt: true })));
        expect(fresh.writes).toEqual(["POST /api/folders"]);
        expect(fresh.result.outs!.adopted).toBeUndefined();
    });
    it("another parent: moved", async () => {
        await folderProvider.create(folder());
        await folderProvider.create(folder({ uid: "parent", title: "Parent", __resourceName: "p" }));
        const moved = await writesOf(() => folderProvider.create(folder({ parentUid: "parent", adopt: true })));
        expect(moved.writes).toEqual(["POST /api/folders/ops/move"]);
        expect(moved.result.outs!.adoptedChanges).toEqual(["parentUid"]);
    });
});

describe("adopt: DataSource (key: uid); secrets Grafana holds are not rewritten", () => {
    const SECRET = "adopt-secret-Value-4411";
    const ds = (extra: Partial<DataSourceInputs> = {}): DataSourceInputs => ({
        __resourceName: "prom",
        uid: "prom",
        orgId,
        name: "Prometheus",
        type: "prometheus",
        url: "http://prometheus:9090",
        jsonData: { httpMethod: "POST" },
        secureJsonData: { httpHeaderValue1: SECRET },
        ...extra,
    });
    it("equal (secret value unknown to us): no write, and Grafana's secret is kept", async () => {
        await dataSourceProvider.create(ds());
        const same = await writesOf(() => dataSourceProvider.create(ds({ secureJsonData: { httpHeaderValue1: "another-value" }, adopt: true })));
        expect(same.writes).toEqual([]);
        expect(same.result.outs).toMatchObject({ adopted: true, adoptedChanges: [], secureJsonFields: ["httpHeaderValue1"] });
        expect(fake.dataSourceList(orgId)[0].secure.httpHeaderValue1).toBe(hashSecret(SECRET));
    });
    it("other settings: one PUT without the secret Grafana holds; a secure field it lacks is written", async () => {
        await dataSourceProvider.create(ds({ secureJsonData: undefined, jsonData: {} }));
        const changed = await writesOf(() => dataSourceProvider.create(ds({ adopt: true })));
        expect(changed.writes).toEqual(["PUT /api/datasources/uid/prom"]);
        expect(changed.result.outs!.adoptedChanges).toEqual(["jsonData", "secureJsonData.httpHeaderValue1"]);
        expect(fake.dataSourceList(orgId)[0].secure.httpHeaderValue1).toBe(hashSecret(SECRET));
        const put = fake.requests.filter((r) => r.method === "PUT").pop()!;
        expect(JSON.stringify(put.body)).toContain("httpHeaderValue1");
        const again = await writesOf(() =>
            dataSourceProvider.create(ds({ url: "http://other:9090", secureJsonData: { httpHeaderValue1: "new" }, adopt: true })),
        );
        expect(again.result.outs!.adoptedChanges).toEqual(["url"]);
        expect(JSON.stringify(fake.requests.filter((r) => r.method === "PUT").pop()!.body)).not.toContain("httpHeaderValue1");
        expect(fake.dataSourceList(orgId)[0].secure.httpHeaderValue1).toBe(hashSecret(SECRET));
    });
});

describe("adopt: Dashboard (key: the model's uid)", () => {
    const model = { uid: "dash-1", title: "Latency", panels: [{ id: 1, title: "p99", type: "timeseries" }], schemaVersion: 41 };
    async function checked(extra: Record<string, unknown>): Promise<DashboardInputs> {
        const r = await dashboardProvider.check!({} as never, { __resourceName: "lat", __autoUid: "auto-lat", orgId, ...extra } as never);
        expect(r.failures).toEqual([]);
        return r.inputs!;
    }
    it("equal: recorded, version unchanged; the deprecated overwrite too; another model: saved over it", async () => {
        const first = await dashboardProvider.create(await checked({ dashboard: model }));
        const version = first.outs!.version;
        for (const flag of [{ adopt: true }, { overwrite: true }]) {
            const same = await writesOf(async () => dashboardProvider.create(await checked({ dashboard: model, ...flag })));
            expect(same.writes).toEqual([]);
            expect(same.result.outs).toMatchObject({ uid: "dash-1", version, adopted: true, adoptedChanges: [] });
        }
        const edited = { ...model, panels: [{ id: 1, title: "p95", type: "timeseries" }] };
        const changed = await writesOf(async () => dashboardProvider.create(await checked({ dashboard: edited, adopt: true })));
        expect(changed.writes).toEqual([expect.stringMatching(SAVE)]);
        expect(changed.result.outs).toMatchObject({ version: version + 1, adoptedChanges: ["dashboard"] });
        // what was recorded reads back as no drift
        const read = await dashboardProvider.read!("dash-1", changed.result.outs!);
        expect(read.inputs).toBeUndefined();
    });
    it("another folder: saved into the declared one", async () => {
        await folderProvider.create({ __resourceName: "f", uid: "ops", title: "Ops", orgId });
        await dashboardProvider.create(await checked({ dashboard: model }));
        const moved = await writesOf(async () => dashboardProvider.create(await checked({ dashboard: model, folderUid: "ops", adopt: true })));
        expect(moved.writes).toEqual([expect.stringMatching(SAVE)]);
        expect(moved.result.outs!.adoptedChanges).toEqual(["folderUid"]);
    });
});

describe("adopt: ServiceAccount (key: name)", () => {
    it("equal: no write (its tokens stay); another role: one PATCH", async () => {
        const made = await serviceAccountProvider.create({ __resourceName: "ci", orgId, name: "ci", role: "Editor" });
        const same = await writesOf(() => serviceAccountProvider.create({ __resourceName: "ci", orgId, name: "ci", role: "Editor", adopt: true }));
        expect(same.writes).toEqual([]);
        expect(same.result.outs).toMatchObject({ serviceAccountId: made.outs!.serviceAccountId, adopted: true, adoptedChanges: [] });
        const other = await writesOf(() => serviceAccountProvider.create({ __resourceName: "ci", orgId, name: "ci", role: "Viewer", adopt: true }));
        expect(other.writes).toEqual([`PATCH /api/serviceaccounts/${made.outs!.serviceAccountId}`]);
        expect(other.result.outs!.adoptedChanges).toEqual(["role"]);
    });
});
