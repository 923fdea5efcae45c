import { apiKeyProvider } from "../../provider/api-key";
import { dashboardProvider as p, DashboardInputs } from "../../provider/dashboard";
import { organizationProvider } from "../../provider/organization";
import { processState } from "../../provider/connection";
import { parseModelText } from "../../provider/dashboard-json";
import { FakeGrafana } from "../support/fake-grafana";
import { errorOf, newProviderProcess, startFake, writes } from "../support/provider-env";

const tutorial = { id: null, title: "Production Overview", tags: ["templated"], timezone: "browser", rows: [{}], schemaVersion: 6, version: 0 };

let fake: FakeGrafana;
let orgId: number;
let key: string;
// The legacy API (/api/dashboards), as 10.x/11.x serve it; 12.x/13.x: test/provider/app-platform.test.ts
beforeEach(async () => {
    fake = await startFake({ apiKeys: "legacy", version: "11.6.15" });
    orgId = (await organizationProvider.create({ name: "apiorg", __resourceName: "apiorg" })).outs!.orgId;
    key = (await apiKeyProvider.create({ orgId, name: "apikeycurl", role: "Admin", __resourceName: "k" })).outs!.key;
});
afterEach(() => fake.stop());

/** Inputs as check() makes them from a program's args (autoUid as the Dashboard class derives it). */
async function checked(args: Record<string, unknown>): Promise<DashboardInputs> {
    const r = await p.check!({} as never, { __resourceName: "prod", __autoUid: "auto-prod-uid", ...args } as never);
    expect(r.failures).toEqual([]);
    return r.inputs!;
}

describe("Dashboard against a fake Grafana over HTTP", () => {
    it("the tutorial's legacy body, saved with the org's API key, then updated in place", async () => {
        const inputs = await checked({ dashboard: tutorial, connection: { auth: key } });
        const c = await p.create(inputs);
        expect(c.outs).toMatchObject({ orgId, version: 1, title: "Production Overview" });
        expect(c.id).toBe(c.outs!.uid);
        expect(c.outs!.url).toBe(`${fake.url}/d/${c.outs!.uid}/production-overview`); // full URL, as the bridged provider gives
        expect(c.outs!.path).toBe(`/d/${c.outs!.uid}/production-overview`);
        expect(c.outs).not.toHaveProperty("dashboard"); // one copy of the JSON: the input
        const [stored] = fake.dashboards(orgId);
        expect(stored.json).toMatchObject({ title: "Production Overview", rows: [{}], schemaVersion: 6, uid: c.outs!.uid });
        const save = fake.requests.find((r) => r.path === "/api/dashboards/db")!;
        expect(save.auth).toBe("bearer");
        expect(save.body).toMatchObject({ folderUid: "", overwrite: false });

        // No change: diff is pure and says so.
        expect((await p.diff!(c.id, c.outs!, inputs)).changes).toBe(false);

        const edited = await checked({ dashboard: { ...tutorial, title: "Production Overview v2" }, connection: { auth: key } });
        expect(await p.diff!(c.id, c.outs!, edited)).toMatchObject({ changes: true, replaces: [] });
        const u = await p.update!(c.id, c.outs!, edited);
        expect(u.outs).toMatchObject({ uid: c.outs!.uid, dashboardId: c.outs!.dashboardId, version: 2, title: "Production Overview v2" });
        const update = fake.requests.filter((r) => r.path === "/api/dashboards/db")[1];
        expect(update.body).toMatchObject({ folderUid: "", dashboard: { uid: c.outs!.uid, version: 1 } });
        expect((await p.diff!(c.id, u.outs!, edited)).changes).toBe(false);
    });

    it("admin credentials plus orgId scope the save with X-Grafana-Org-Id", async () => {
        const c = await p.create(await checked({ dashboard: JSON.stringify({ ...tutorial, uid: "prod-ov" }), orgId }));
        expect(c.id).toBe("prod-ov");
        const save = fake.requests.find((r) => r.path === "/api/dashboards/db")!;
        expect(save).toMatchObject({ auth: "basic", orgHeader: String(orgId) });
        expect(fake.dashboards(orgId).map((d) => d.uid)).toEqual(["prod-ov"]);
        expect(fake.dashboards(1)).toEqual([]);
    });

    it("refresh finds an out-of-band edit, and the next update puts the declared model back", async () => {
        const inputs = await checked({ dashboard: tutorial, orgId });
        const c = await p.create(inputs);
        expect((await p.read!(c.id, c.outs!)).props).toEqual(c.outs); // nothing changed: same outputs
        // someone edits it in Grafana
        await fetch(`${fake.url}/api/dashboards/db`, {
            method: "POST",
            headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
            body: JSON.stringify({ dashboard: { ...tutorial, uid: c.id, title: "Edited by hand", version: 1 } }),
        });
        const r = await p.read!(c.id, c.outs!);
        const refreshed = r.props!;
        expect(refreshed).toMatchObject({ version: 2, title: "Edited by hand" });
        // The live model becomes the old inputs: the CLI then shows `title: "Edited by hand" => "Production Overview"`.
        const live = parseModelText((r.inputs as unknown as DashboardInputs).dashboard);
        const declared = parseModelText(inputs.dashboard);
        expect(live).toEqual({ ...declared, title: "Edited by hand" });
        expect((await p.diff!(c.id, refreshed, inputs)).changes).toBe(true);
        const u = await p.update!(c.id, refreshed, inputs);
        expect(u.outs!.version).toBe(3);
        expect(fake.dashboards(orgId)[0].json.title).toBe("Production Overview");
    });

    it("without refresh, a stale version is Grafana's 412 with advice; overwrite saves over it", async () => {
        const inputs = await checked({ dashboard: tutorial, orgId });
        const c = await p.create(inputs);
        await fetch(`${fake.url}/api/dashboards/db`, {
            method: "POST",
            headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
            body: JSON.stringify({ dashboard: { ...tutorial, uid: c.id, title: "Edited by hand", version: 1 } }),
        });
        const edited = await checked({ dashboard: { ...tutorial, title: "Mine" }, orgId });
        const msg = await errorOf(p.update!(c.id, c.outs!, edited));
        expect(msg).toBe(
            'Dashboard "prod": Grafana POST /api/dashboards/db failed: 412 The dashboard has been changed by someone else. The dashboard was changed outside this stack: run `pulumi refresh` to see the change, or set overwrite: true to replace it',
        );
        const forced = await p.update!(c.id, c.outs!, { ...edited, overwrite: true });
        expect(forced.outs!.title).toBe("Mine");
    });

    it("a dashboard deleted out of band: read reports it gone, delete succeeds", async () => {
        const c = await p.create(await checked({ dashboard: tutorial, orgId }));
        await fetch(`${fake.url}/api/dashboards/uid/${c.id}`, { method: "DELETE", headers: { Authorization: `Bearer ${key}` } });
        expect(await p.read!(c.id, c.outs!)).toEqual({});
        await expect(p.delete!(c.id, c.outs!)).resolves.toBeUndefined();
    });

    it("moving to a folder is an update that sends the folderUid", async () => {
        await fetch(`${fake.url}/api/folders`, {
            method: "POST",
            headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
            body: JSON.stringify({ uid: "ops", title: "Ops" }),
        });
        const c = await p.create(await checked({ dashboard: tutorial, orgId }));
        const moved = await checked({ dashboard: tutorial, orgId, folderUid: "ops" });
        expect(await p.diff!(c.id, c.outs!, moved)).toMatchObject({ changes: true, replaces: [] });
        const u = await p.update!(c.id, c.outs!, moved);
        expect(u.outs!.folderUid).toBe("ops");
        expect(fake.dashboards(orgId)[0].folderUid).toBe("ops");
    });

    it("a uid taken by a dashboard we did not make is a clear error unless overwrite", async () => {
        await p.create(await checked({ dashboard: { ...tutorial, uid: "taken", title: "Theirs" }, orgId }));
        const mine = await checked({ dashboard: { ...tutorial, uid: "taken" }, orgId });
        const msg = await errorOf(p.create(mine));
        expect(msg).toMatch(
            /failed: 412 The dashboard has been changed by someone else\. A dashboard with uid "taken" already exists in this org with other content; set adopt: true/,
        );
    });

    it("a save whose answer was lost adopts its first attempt: one dashboard, no error", async () => {
        fake.inject({ method: "POST", path: "/api/dashboards/db" }, { applyThenReset: true });
        const c = await p.create(await checked({ dashboard: tutorial, orgId }));
        expect(fake.dashboards(orgId).map((d) => d.uid)).toEqual([c.id]);
    });

    it("an update whose answer was lost (retried into 412) is recognised as ours", async () => {
        const c = await p.create(await checked({ dashboard: tutorial, orgId }));
        fake.inject({ method: "POST", path: "/api/dashboards/db" }, { applyThenReset: true });
        const u = await p.update!(c.id, c.outs!, await checked({ dashboard: { ...tutorial, title: "Renamed" }, orgId }));
        expect(u.outs).toMatchObject({ version: 2, title: "Renamed" });
        expect(fake.dashboards(orgId).map((d) => [d.uid, d.version, d.json.title])).toEqual([[c.id, 2, "Renamed"]]);
    });

    it("when its org key was deleted, read and delete fall back to the stack's admin connection", async () => {
        const c = await p.create(await checked({ dashboard: tutorial, connection: { auth: key } }));
        const keyId = fake.apiKeys(orgId)[0].id;
        await fetch(`${fake.url}/api/auth/keys/${keyId}`, {
            method: "DELETE",
            headers: { Authorization: `Basic ${Buffer.from(process.env.GRAFANA_AUTH!).toString("base64")}`, "X-Grafana-Org-Id": String(orgId) },
        });
        expect((await p.read!(c.id, c.outs!)).id).toBe(c.id);
        await p.delete!(c.id, c.outs!);
        expect(fake.dashboards(orgId)).toEqual([]);
        const del = fake.requests.filter((r) => r.method === "DELETE" && r.path.startsWith("/api/dashboards/"));
        expect(del.map((r) => r.auth)).toEqual(["bearer", "basic"]);
    });

    it("a credential-only change writes nothing to Grafana", async () => {
        const inputs = await checked({ dashboard: tutorial, connection: { auth: key } });
        const c = await p.create(inputs);
        const before = writes(fake).length;
        const rotated = { ...inputs, connection: { auth: `${key}` + "" } };
        const d = await p.diff!(c.id, c.outs!, { ...rotated, connection: { url: fake.url, auth: key } });
        expect(d).toMatchObject({ changes: true, replaces: [] });
        await p.update!(c.id, c.outs!, { ...rotated, connection: { url: fake.url, auth: key } });
        expect(writes(fake).length).toBe(before);
    });
});

describe("Dashboard under real faults (fake Grafana imitating them)", () => {
    it("a save Grafana applied but answered 412 (SQLite re-run) counts as done: update", async () => {
        const c = await p.create(await checked({ dashboard: tutorial, orgId }));
        fake.inject(
            { method: "POST", path: "/api/dashboards/db" },
            { applyThenStatus: true, status: 412, body: { status: "version-mismatch", message: "The dashboard has been changed by someone else" } },
        );
        const u = await p.update!(c.id, c.outs!, await checked({ dashboard: { ...tutorial, title: "Renamed" }, orgId }));
        expect(u.outs).toMatchObject({ version: 2, title: "Renamed" });
        expect(fake.dashboards(orgId).map((d) => [d.uid, d.version, d.json.title])).toEqual([[c.id, 2, "Renamed"]]);
        expect(fake.requests.filter((r) => r.method === "POST" && r.path === "/api/dashboards/db")).toHaveLength(2); // not retried
    });

    it("a save Grafana applied but answered 412 counts as done: create", async () => {
        fake.inject(
            { method: "POST", path: "/api/dashboards/db" },
            { applyThenStatus: true, status: 412, body: { status: "version-mismatch", message: "The dashboard has been changed by someone else" } },
        );
        const c = await p.create(await checked({ dashboard: tutorial, orgId }));
        expect(c.outs).toMatchObject({ uid: "auto-prod-uid", version: 1 });
        expect(fake.dashboards(orgId)).toHaveLength(1);
    });

    it("a save SQLite refused with 412 without applying it (nobody else saved) is sent again, and the write limit halves", async () => {
        const c = await p.create(await checked({ dashboard: tutorial, orgId }));
        const locked412 = { status: 412, body: { status: "version-mismatch", message: "The dashboard has been changed by someone else" } };
        fake.inject({ method: "POST", path: "/api/dashboards/db" }, locked412, locked412);
        const u = await p.update!(c.id, c.outs!, await checked({ dashboard: { ...tutorial, title: "Renamed" }, orgId }));
        expect(u.outs).toMatchObject({ version: 2, title: "Renamed" });
        expect(fake.requests.filter((r) => r.method === "POST" && r.path === "/api/dashboards/db")).toHaveLength(4); // create + 2 refused + 1
        expect(processState().writeLimiters.get(fake.url)!.limit).toBeLessThan(4);
    });

    it("a real foreign change still fails with the hint", async () => {
        const c = await p.create(await checked({ dashboard: tutorial, orgId }));
        await fetch(`${fake.url}/api/dashboards/db`, {
            method: "POST",
            headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
            body: JSON.stringify({ dashboard: { ...tutorial, uid: c.id, title: "Theirs", version: 1 } }),
        });
        const msg = await errorOf(p.update!(c.id, c.outs!, await checked({ dashboard: { ...tutorial, title: "Mine" }, orgId })));
        expect(msg).toMatch(
            /412 The dashboard has been changed by someone else\. The dashboard was changed outside this stack: run `pulumi refresh`/,
        );
        expect(fake.dashboards(orgId)[0].json.title).toBe("Theirs");
    });

    it("Grafana saved it, then died before the read-back: the next create (a new up) adopts it, no duplicate", async () => {
        await fake.stop();
        fake = await startFake({ apiKeys: "legacy", uniqueDashboardTitles: true, version: "11.6.15" });
        orgId = (await organizationProvider.create({ name: "apiorg", __resourceName: "apiorg" })).outs!.orgId;
        const inputs = await checked({ dashboard: tutorial, orgId });
        fake.inject({ method: "GET", path: "/api/dashboards/uid/auto-prod-uid" }, ...Array.from({ length: 6 }, () => ({ reset: true })));
        await errorOf(p.create(inputs));
        expect(fake.dashboards(orgId)).toHaveLength(1); // saved, but the state never heard of it
        newProviderProcess(); // the next `pulumi up`
        const again = await p.create(inputs);
        expect(again.outs).toMatchObject({ uid: "auto-prod-uid", version: 1 });
        expect(fake.dashboards(orgId)).toHaveLength(1);
        // and if the program changed in between, our own first attempt is saved over
        const edited = await checked({ dashboard: { ...tutorial, title: "Changed meanwhile" }, orgId });
        const third = await p.create(edited);
        expect(third.outs).toMatchObject({ uid: "auto-prod-uid", version: 2, title: "Changed meanwhile" });
        expect(fake.dashboards(orgId)).toHaveLength(1);
    });

    it("a same-title dashboard that is not ours (Grafana 10) is named, with how to take it over", async () => {
        await fake.stop();
        fake = await startFake({ apiKeys: "legacy", uniqueDashboardTitles: true, version: "11.6.15" });
        orgId = (await organizationProvider.create({ name: "apiorg", __resourceName: "apiorg" })).outs!.orgId;
        await p.create(await checked({ dashboard: { ...tutorial, uid: "theirs" }, orgId }));
        const msg = await errorOf(p.create(await checked({ dashboard: tutorial, orgId })));
        expect(msg).toBe(
            'Dashboard "prod": Grafana POST /api/dashboards/db failed: 412 A dashboard with the same name in the folder already exists. A dashboard titled "Production Overview" already exists in the General folder with uid "theirs", not made by this resource: to take it over, set uid: "theirs" in the model and adopt: true (destroy then deletes it); or change the title',
        );
    });

    it("a folder that does not exist: which uid, and what to do", async () => {
        // 11.x saved into a missing folder (emulator profiles.ts); 10.0 refuses, as 12.0 does
        fake.stop();
        fake = await startFake({ apiKeys: "legacy", version: "10.0.0" });
        orgId = (await organizationProvider.create({ name: "apiorg", __resourceName: "apiorg" })).outs!.orgId;
        const msg = await errorOf(p.create(await checked({ dashboard: tutorial, orgId, folderUid: "nope" })));
        expect(msg).toBe(
            `Dashboard "prod": Grafana POST /api/dashboards/db failed: 400 folder not found. folderUid "nope" names no folder in org ${orgId}: create the folder first (a Folder resource, then folderUid: folder.uid) or fix folderUid`,
        );
    });

    it("an exported dashboard with inputs mapped saves resolved; unmapped inputs fail in check with no HTTP", async () => {
        const exported = { __inputs: [{ name: "DS_PROM", type: "datasource" }], title: "Exported", panels: [{ datasource: { uid: "${DS_PROM}" } }] };
        const before = fake.requests.length;
        const bad = await p.check!({} as never, { __resourceName: "prod", dashboard: JSON.stringify(exported), orgId } as never);
        expect(bad.failures!.map((f) => f.property)).toEqual(["dashboard.__inputs"]);
        expect(fake.requests.length).toBe(before);
        const c = await p.create(await checked({ dashboard: JSON.stringify(exported), inputs: { DS_PROM: "prom-1" }, orgId }));
        expect(fake.dashboards(orgId).find((d) => d.uid === c.id)!.json.panels).toEqual([{ datasource: { uid: "prom-1" } }]);
        expect(fake.dashboards(orgId).find((d) => d.uid === c.id)!.json).not.toHaveProperty("__inputs");
    });

    it("an HTML page (wrong path, proxy) is summarised in one line with the base URL", async () => {
        const page = `<!DOCTYPE html><html><head><title>Grafana</title></head><body>${"x".repeat(5000)}</body></html>`;
        fake.inject({ method: "POST", path: "/api/dashboards/db" }, { status: 404, html: page });
        const msg = await errorOf(p.create(await checked({ dashboard: tutorial, orgId })));
        expect(msg).toBe(
            `Dashboard "prod": Grafana POST /api/dashboards/db failed: 404 an HTML page ("Grafana") instead of Grafana's JSON API: is ${fake.url} the root URL of Grafana (including any sub-path)?`,
        );
    });
});

describe("Dashboard on a Grafana that rewrites schemaVersion on save (12.x)", () => {
    it("the rewrite is neither drift on refresh nor a change in diff", async () => {
        await fake.stop();
        fake = await startFake({ apiKeys: "legacy", rewriteSchemaVersion: 41 });
        orgId = (await organizationProvider.create({ name: "apiorg", __resourceName: "apiorg" })).outs!.orgId;
        const inputs = await checked({ dashboard: tutorial, orgId });
        const c = await p.create(inputs);
        expect(fake.dashboards(orgId)[0].json.schemaVersion).toBe(41);
        const refreshed = (await p.read!(c.id, c.outs!)).props!;
        expect(refreshed).toEqual(c.outs);
        expect((await p.diff!(c.id, refreshed, inputs)).changes).toBe(false);
    });
});
