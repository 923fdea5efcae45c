// Dashboards and folders on Grafana 12.x/13.x: the app-platform API (/apis/...), chosen from the server's version
// (learned once per URL), and a stack made on 10.0 that keeps working when the same store is served as 13.x.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dashboardProvider as p, DashboardInputs } from "../../provider/dashboard";
import { parseModelText } from "../../provider/dashboard-json";
import { folderProvider } from "../../provider/folder";
import { organizationProvider } from "../../provider/organization";
import { apisOfVersion } from "../../provider/server-version";
import { FakeGrafana } from "../support/fake-grafana";
import { ADMIN_PASSWORD, errorOf, newProviderProcess, startFake } from "../support/provider-env";

let fake: FakeGrafana;
let orgId: number;
afterEach(() => fake?.stop());

const ADMIN = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString("base64")}`;
const model = { title: "Overview", panels: [{ id: 1, type: "timeseries", title: "CPU", gridPos: { x: 0, y: 0, w: 12, h: 8 } }], schemaVersion: 41 };

async function checked(args: Record<string, unknown>): Promise<DashboardInputs> {
    const r = await p.check!({} as never, { __resourceName: "ov", __autoUid: "auto-ov", ...args } as never);
    expect(r.failures).toEqual([]);
    return r.inputs!;
}

/** An edit made in Grafana's UI, through the legacy API (the same store). */
async function editByHand(uid: string, title: string, version: number): Promise<void> {
    const r = await fetch(`${fake.url}/api/dashboards/db`, {
        method: "POST",
        headers: { Authorization: ADMIN, "Content-Type": "application/json", "X-Grafana-Org-Id": String(orgId) },
        body: JSON.stringify({ dashboard: { ...model, uid, title, version } }),
    });
    expect(r.status).toBe(200);
}

test("versions map to APIs: 10.x/11.x legacy, 12.x v1beta1, 13.x v1 and folders", () => {
    expect(apisOfVersion("11.6.15")).toEqual({ version: "11.6.15", major: 11 });
    expect(apisOfVersion("12.4.4").dashboards).toEqual({ v1: "v1beta1", v2: "v2beta1" });
    expect(apisOfVersion("12.4.4").folders).toBeUndefined();
    expect(apisOfVersion("13.2.0")).toMatchObject({ dashboards: { v1: "v1", v2: "v2" }, folders: "v1" });
    expect(apisOfVersion(undefined)).toEqual({ version: undefined });
});

test("a version hidden by /api/health (hide_version) is read from the frontend settings' build info", async () => {
    fake = await startFake({ profile: "13.x" });
    orgId = 1;
    fake.inject({ method: "GET", path: "/api/health" }, { status: 200, body: { database: "ok" } });
    await p.create(await checked({ dashboard: model, orgId }));
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(
        expect.arrayContaining([
            "GET /api/health",
            "GET /api/frontend/settings",
            "POST /apis/dashboard.grafana.app/v1/namespaces/default/dashboards",
        ]),
    );
});

test("12.x with the app-platform dashboards switched off (discovery 404): the legacy API", async () => {
    fake = await startFake({ profile: "12.x" });
    orgId = 1;
    fake.inject({ method: "GET", path: "/apis/dashboard.grafana.app/v1beta1" }, { status: 404, body: { message: "Not found" } });
    const c = await p.create(await checked({ dashboard: model, orgId }));
    expect(c.outs).toMatchObject({ uid: "auto-ov", version: 1 });
    expect(fake.requests.some((r) => r.method === "POST" && r.path === "/api/dashboards/db")).toBe(true);
    expect(fake.requests.some((r) => r.path.startsWith("/apis/dashboard.grafana.app/v1beta1/"))).toBe(false);
});

describe.each([
    ["12.x", "v1beta1"],
    ["13.x", "v1"],
] as const)("Dashboard on the %s profile", (profile, v1) => {
    beforeEach(async () => {
        fake = await startFake({ profile });
        orgId = (await organizationProvider.create({ name: "apis", __resourceName: "apis" })).outs!.orgId;
    });

    it(`saves through /apis/dashboard.grafana.app/${v1}, learns the version once, and reads back what the legacy view holds`, async () => {
        const before = fake.requests.length;
        const inputs = await checked({ dashboard: model, orgId });
        expect(await p.diff!("auto-ov", { ...inputs, dashboardHash: "x" } as never, inputs)).toMatchObject({ changes: true });
        expect(fake.requests.length).toBe(before); // check and diff: no HTTP
        const c = await p.create(inputs);
        expect(c.id).toBe("auto-ov");
        expect(c.outs).toMatchObject({ uid: "auto-ov", version: 1, title: "Overview", path: "/d/auto-ov/overview" });
        const paths = fake.requests.slice(before).map((r) => `${r.method} ${r.path}`);
        expect(paths).toContain(`POST /apis/dashboard.grafana.app/${v1}/namespaces/org-${orgId}/dashboards`);
        expect(paths.filter((x) => x.includes("/api/dashboards/"))).toEqual([]);
        expect(fake.dashboards(orgId).map((d) => [d.uid, d.version, d.json.title])).toEqual([["auto-ov", 1, "Overview"]]);
        expect((await p.read!(c.id, c.outs!)).props).toEqual(c.outs);
        const u = await p.update!(c.id, c.outs!, await checked({ dashboard: { ...model, title: "Renamed" }, orgId }));
        expect(u.outs).toMatchObject({ version: 2, title: "Renamed" });
        await p.delete!(c.id, u.outs!);
        expect(fake.dashboards(orgId)).toEqual([]);
        expect(fake.requests.filter((r) => r.path === "/api/health")).toHaveLength(1);
    });

    it("refresh shows an edit made in Grafana field by field; the next update puts the declared model back", async () => {
        const inputs = await checked({ dashboard: model, orgId });
        const c = await p.create(inputs);
        await editByHand(c.id, "Edited by hand", 1);
        const r = await p.read!(c.id, c.outs!);
        expect(r.props).toMatchObject({ version: 2, title: "Edited by hand" });
        const live = parseModelText((r.inputs as unknown as DashboardInputs).dashboard);
        expect(live).toEqual({ ...parseModelText(inputs.dashboard), title: "Edited by hand" });
        const u = await p.update!(c.id, r.props!, inputs);
        expect(u.outs!.version).toBe(3);
        expect(fake.dashboards(orgId)[0].json.title).toBe("Overview");
    });

    it("without refresh, a change made in Grafana is a 409 with advice; overwrite saves over it", async () => {
        const c = await p.create(await checked({ dashboard: model, orgId }));
        await editByHand(c.id, "Theirs", 1);
        const edited = await checked({ dashboard: { ...model, title: "Mine" }, orgId });
        const msg = await errorOf(p.update!(c.id, c.outs!, edited));
        expect(msg).toMatch(
            /^Dashboard "ov": Grafana PUT \/apis\/dashboard\.grafana\.app\/.*failed: 409 .*changed by someone else.*run `pulumi refresh`/,
        );
        expect(fake.dashboards(orgId)[0].json.title).toBe("Theirs");
        const forced = await p.update!(c.id, c.outs!, { ...edited, overwrite: true });
        expect(forced.outs).toMatchObject({ title: "Mine", version: 3 });
    });

    it("a uid taken by a dashboard not made here is a clear error; the resource's own lost attempt is adopted", async () => {
        await editByHand("taken", "Someone's", 0);
        const msg = await errorOf(p.create(await checked({ dashboard: { ...model, uid: "taken" }, orgId })));
        expect(msg).toMatch(/409 .*already exists.*set adopt: true/);
        // a derived uid: what is there is this resource's own earlier attempt
        await editByHand("auto-ov", "older attempt", 0);
        const c = await p.create(await checked({ dashboard: model, orgId }));
        expect(c.outs).toMatchObject({ uid: "auto-ov", version: 2, title: "Overview" });
    });
});

describe("Folder on the 13.x profile: /apis/folder.grafana.app/v1, no numeric id", () => {
    beforeEach(async () => {
        fake = await startFake({ profile: "13.x" });
        orgId = (await organizationProvider.create({ name: "apis", __resourceName: "apis" })).outs!.orgId;
    });

    it("create, rename, move, delete; folderId absent; a dashboard saved into it", async () => {
        const mk = async (name: string, extra: Record<string, unknown> = {}) => {
            const ins = (
                await folderProvider.check!({} as never, { __resourceName: name, __autoUid: `auto-${name}`, title: name, orgId, ...extra } as never)
            ).inputs!;
            return { ins, c: await folderProvider.create(ins) };
        };
        const a = await mk("a");
        const b = await mk("b");
        expect(a.c.outs).toMatchObject({ uid: "auto-a", title: "a", version: 1, url: `${fake.url}/dashboards/f/auto-a/a` });
        expect(a.c.outs!.folderId).toBeUndefined();
        expect(fake.requests.some((r) => r.method === "POST" && r.path === `/apis/folder.grafana.app/v1/namespaces/org-${orgId}/folders`)).toBe(true);
        expect(fake.requests.some((r) => r.path.startsWith("/api/folders"))).toBe(false);
        const u = await folderProvider.update!(a.c.id, a.c.outs!, { ...a.ins, title: "A2", parentUid: "auto-b" });
        expect(u.outs).toMatchObject({ title: "A2", parentUid: "auto-b" });
        expect(fake.folderList(orgId).find((f) => f.uid === "auto-a")).toMatchObject({ title: "A2", parentUid: "auto-b" });
        expect((await folderProvider.read!(a.c.id, u.outs!)).props).toMatchObject({ title: "A2", parentUid: "auto-b" });
        const d = await p.create(await checked({ dashboard: model, orgId, folderUid: "auto-a" }));
        expect(fake.dashboards(orgId)[0].folderUid).toBe("auto-a");
        await p.delete!(d.id, d.outs!);
        await folderProvider.delete!(a.c.id, u.outs!);
        await folderProvider.delete!(b.c.id, b.c.outs!);
        expect(fake.folderList(orgId)).toEqual([]);
    });

    it("a create whose first attempt was applied but not answered adopts that folder (409 AlreadyExists read back)", async () => {
        const r = await fetch(`${fake.url}/apis/folder.grafana.app/v1/namespaces/org-${orgId}/folders`, {
            method: "POST",
            headers: { Authorization: ADMIN, "Content-Type": "application/json", "X-Grafana-Org-Id": String(orgId) },
            body: JSON.stringify({ metadata: { name: "auto-lost" }, spec: { title: "lost" } }),
        });
        expect(r.status).toBe(201);
        const ins = (
            await folderProvider.check!({} as never, { __resourceName: "lost", __autoUid: "auto-lost", title: "Lost (declared)", orgId } as never)
        ).inputs!;
        const c = await folderProvider.create(ins);
        expect(c.outs).toMatchObject({ uid: "auto-lost", title: "Lost (declared)", version: 2 });
        expect(fake.folderList(orgId)).toEqual([{ uid: "auto-lost", title: "Lost (declared)", parentUid: "", version: 2 }]);
    });
});

describe("a stack made on 10.0, the same store then served as 13.x", () => {
    it("reads without drift, diffs with no changes, and destroys cleanly", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "apis-upgrade-"));
        const store = path.join(dir, "store.db");
        try {
            fake = await startFake({ profile: "10.0", store });
            orgId = (await organizationProvider.create({ name: "up", __resourceName: "up" })).outs!.orgId;
            const fIns = (await folderProvider.check!({} as never, { __resourceName: "f", __autoUid: "auto-f", title: "F", orgId } as never)).inputs!;
            const f = await folderProvider.create(fIns);
            expect(f.outs!.folderId).toEqual(expect.any(Number));
            const dIns = await checked({ dashboard: model, orgId, folderUid: "auto-f" });
            const d = await p.create(dIns);
            await fake.stop();

            fake = await startFake({ profile: "13.x", store }); // a new provider process too
            const dr = await p.read!(d.id, d.outs!);
            expect(dr.inputs).toBeUndefined(); // no drift
            expect(dr.props).toMatchObject({ uid: "auto-ov", version: 1, folderUid: "auto-f" });
            expect(await p.diff!(d.id, dr.props!, dIns)).toMatchObject({ changes: false });
            const fr = await folderProvider.read!(f.id, f.outs!);
            expect(fr.props).toMatchObject({ uid: "auto-f", title: "F", version: 1 });
            expect(fr.props!.folderId).toBeUndefined();
            expect(await folderProvider.diff!(f.id, fr.props!, fIns)).toMatchObject({ changes: false });
            expect(fake.requests.some((r) => r.path.startsWith("/apis/dashboard.grafana.app/v1/"))).toBe(true);
            await p.delete!(d.id, dr.props!);
            await folderProvider.delete!(f.id, fr.props!);
            expect(fake.dashboards(orgId)).toEqual([]);
            expect(fake.folderList(orgId)).toEqual([]);
        } finally {
            await fake.stop();
            newProviderProcess();
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
