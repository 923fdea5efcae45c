import { dashboardProvider } from "../../provider/dashboard";
import { folderProvider as p, FolderInputs, FolderOutputs } from "../../provider/folder";
import { organizationProvider } from "../../provider/organization";
import { FakeGrafana, FakeGrafanaOptions } from "../support/fake-grafana";
import { errorOf, newProviderProcess, startFake, writes } from "../support/provider-env";

let fake: FakeGrafana;
let orgId: number;
async function setup(opts: FakeGrafanaOptions) {
    fake = await startFake(opts);
    orgId = (await organizationProvider.create({ name: "team", __resourceName: "team" })).outs!.orgId;
}
afterEach(() => fake?.stop());

const f = (extra: Partial<FolderInputs> = {}): FolderInputs => ({ __resourceName: "team-a", __autoUid: "auto-team-a", title: "Team A", ...extra });

async function check(inputs: Record<string, unknown>) {
    return (await p.check!({} as never, inputs as never)).failures ?? [];
}

async function dashboardIn(folderUid: string, title: string, uid: string) {
    return dashboardProvider.create({ __resourceName: uid, dashboard: JSON.stringify({ title }), uid, folderUid, orgId });
}

describe("Folder: check and diff (no HTTP)", () => {
    it("bad args fail in check, naming the field", async () => {
        expect(await check({ __resourceName: "x", title: "" })).toEqual([{ property: "title", reason: "title must be a non-empty string" }]);
        const bad = await check({ __resourceName: "x", title: "t", uid: "no spaces!", parentUid: 7, orgId: 0, forceDestroy: "yes" });
        expect(bad.map((x) => x.property)).toEqual(["uid", "parentUid", "orgId", "forceDestroy"]);
        const derived = await p.check!({} as never, { __resourceName: "x", title: "t", __autoUid: "auto-x" } as never);
        expect(derived.inputs).toMatchObject({ uid: "auto-x", __uidDerived: true }); // an input: previews of updates know it
        expect(
            (await p.check!({} as never, { __resourceName: "x", title: "t", uid: "mine", __autoUid: "auto-x" } as never)).inputs!.__uidDerived,
        ).toBeUndefined();
        expect(await check({ __resourceName: "x", title: "t", uid: "same", parentUid: "same" })).toEqual([
            { property: "parentUid", reason: "parentUid must not be the folder's own uid" },
        ]);
    });

    it("title and parent change in place; uid and org replace; a missing uid keeps the assigned one", async () => {
        const old = {
            ...f(),
            uid: "auto-team-a",
            orgId: 2,
            folderId: 1,
            url: "",
            version: 1,
            uidDeclared: false,
            orgIdDeclared: true,
        } as FolderOutputs;
        expect(await p.diff!("2:auto-team-a", old, f({ orgId: 2 }))).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
        expect(await p.diff!("x", old, f({ orgId: 2, title: "B" }))).toMatchObject({ changes: true, replaces: [] });
        expect(await p.diff!("x", old, f({ orgId: 2, parentUid: "p" }))).toMatchObject({ changes: true, replaces: [] });
        expect(await p.diff!("x", old, f({ orgId: 2, uid: "other" }))).toMatchObject({
            changes: true,
            replaces: ["uid"],
            deleteBeforeReplace: false,
        });
        expect(await p.diff!("x", old, f({ orgId: 3 }))).toMatchObject({ replaces: ["orgId"] });
    });
});

describe.each(["10.0.0", "12.1.0"])("Folder against a fake Grafana %s", (version) => {
    it("create with the derived uid, rename in place (PUT), read, delete; gone twice is fine", async () => {
        await setup({ version });
        const c = await p.create(f({ orgId }));
        expect(c.id).toBe(`${orgId}:auto-team-a`);
        expect(c.outs).toMatchObject({ uid: "auto-team-a", orgId, title: "Team A", version: 1, url: `${fake.url}/dashboards/f/auto-team-a/team-a` });
        expect(fake.requests.find((r) => r.method === "POST" && r.path === "/api/folders")?.orgHeader).toBe(String(orgId));
        const u = await p.update!(c.id, c.outs!, f({ orgId, title: "Team A (renamed)" }));
        expect(u.outs).toMatchObject({ title: "Team A (renamed)", version: 2, uid: "auto-team-a" });
        expect(fake.folderList(orgId)).toEqual([{ uid: "auto-team-a", title: "Team A (renamed)", parentUid: "", version: 2 }]);
        // Renamed in Grafana: read shows it, so the next diff plans the update back.
        await fetch(`${fake.url}/api/folders/auto-team-a`, {
            method: "PUT",
            headers: {
                Authorization: `Basic ${Buffer.from(process.env.GRAFANA_AUTH!).toString("base64")}`,
                "X-Grafana-Org-Id": String(orgId),
                "Content-Type": "application/json",
            },
            body: JSON.stringify({ title: "by hand", overwrite: true }),
        });
        const r = await p.read!(c.id, u.outs!);
        expect(r.props).toMatchObject({ title: "by hand", version: 3 });
        expect(await p.diff!(c.id, r.props!, f({ orgId, title: "Team A (renamed)" }))).toMatchObject({ changes: true, replaces: [] });
        await p.delete!(c.id, r.props!);
        expect(fake.folderList(orgId)).toEqual([]);
        expect(await p.read!(c.id, r.props!)).toEqual({});
        await expect(p.delete!(c.id, r.props!)).resolves.toBeUndefined();
    });

    it("a create whose answer was lost adopts its own folder on the retry, and after a crash on the next up", async () => {
        await setup({ version });
        fake.inject({ method: "POST", path: "/api/folders" }, { applyThenReset: true });
        const c = await p.create(f({ orgId }));
        expect(c.outs).toMatchObject({ uid: "auto-team-a", title: "Team A" });
        expect(fake.folderList(orgId)).toHaveLength(1);
        // The next `up` after a crash (state never written): same derived uid, taken over, title brought up to date.
        newProviderProcess();
        const again = await p.create(f({ orgId, title: "Team A v2" }));
        expect(again.outs).toMatchObject({ uid: "auto-team-a", title: "Team A v2" });
        expect(fake.folderList(orgId).map((x) => x.title)).toEqual(["Team A v2"]);
    });

    it("a declared uid held by someone else's folder fails with its title, and is not changed", async () => {
        await setup({ version });
        await p.create(f({ orgId, uid: "shared", title: "Theirs", __resourceName: "theirs" }));
        const msg = await errorOf(p.create(f({ orgId, uid: "shared", title: "Ours" })));
        expect(msg).toContain('Folder "team-a": Grafana POST /api/folders failed: ');
        expect(msg).toContain(
            version === "10.0.0" ? "412 the folder has been changed by someone else" : "409 a folder with the same UID already exists",
        );
        expect(msg).toContain('A folder with uid "shared" already exists in org');
        expect(msg).toContain('(title "Theirs")');
        expect(fake.folderList(orgId).map((x) => x.title)).toEqual(["Theirs"]);
    });

    it("delete refuses while the folder holds a dashboard this stack does not manage; forceDestroy deletes both", async () => {
        await setup({ version });
        const c = await p.create(f({ orgId }));
        await dashboardIn("auto-team-a", "Foreign", "foreign-1");
        await dashboardIn("", "Elsewhere", "elsewhere-1"); // in General: not in the folder (10.0's search answers it too)
        const msg = await errorOf(p.delete!(c.id, c.outs!));
        expect(msg).toBe(
            'Folder "team-a": refusing to delete folder "auto-team-a": Grafana would delete what it still holds, which this stack does not manage: dashboard "Foreign" (uid foreign-1). Move or delete them, or set forceDestroy: true on this Folder (run `pulumi up` to record it, then destroy)',
        );
        expect(writes(fake).filter((w) => w.method === "DELETE")).toEqual([]);
        const forced = (await p.update!(c.id, c.outs!, f({ orgId, forceDestroy: true }))).outs!;
        expect(writes(fake).filter((w) => w.path.startsWith("/api/folders/"))).toEqual([]); // forceDestroy alone calls nothing
        await p.delete!(c.id, forced);
        expect(fake.folderList(orgId)).toEqual([]);
        expect(fake.dashboards(orgId).map((d) => d.uid)).toEqual(["elsewhere-1"]);
    });
});

describe("Folder: nested folders", () => {
    it("Grafana 10.0 without the nestedFolders toggle: parentUid fails clearly and leaves no folder behind", async () => {
        await setup({ version: "10.0.0" });
        await p.create(f({ orgId, uid: "parent", title: "Parent", __resourceName: "parent" }));
        const msg = await errorOf(p.create(f({ orgId, parentUid: "parent" })));
        expect(msg).toMatch(
            /^Folder "team-a": Grafana at http:\/\/127\.0\.0\.1:\d+ ignored parentUid "parent": it has no nested folders\. Grafana 10\.x needs the feature toggle nestedFolders/,
        );
        expect(fake.folderList(orgId).map((x) => x.uid)).toEqual(["parent"]);
        // Moving an existing folder is refused the same way.
        const c = await p.create(f({ orgId }));
        expect(await errorOf(p.update!(c.id, c.outs!, f({ orgId, parentUid: "parent" })))).toContain(
            'ignored parentUid "parent": it has no nested folders',
        );
    });

    it("Grafana 12.x: created under its parent, moved in place, and a parent delete refuses while a foreign subfolder remains", async () => {
        await setup({ version: "12.1.0" });
        const parent = await p.create(f({ orgId, uid: "parent", title: "Parent", __resourceName: "parent" }));
        const child = await p.create(f({ orgId, parentUid: "parent" }));
        expect(fake.folderList(orgId).find((x) => x.uid === "auto-team-a")?.parentUid).toBe("parent");
        expect(await errorOf(p.delete!(parent.id, parent.outs!))).toContain('folder "Team A" (uid auto-team-a)');
        const moved = await p.update!(child.id, child.outs!, f({ orgId }));
        expect(fake.folderList(orgId).find((x) => x.uid === "auto-team-a")?.parentUid).toBe("");
        expect(moved.outs!.parentUid).toBeUndefined();
        await p.delete!(parent.id, parent.outs!);
    });
});
