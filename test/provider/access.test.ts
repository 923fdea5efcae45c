import { dashboardProvider } from "../../provider/dashboard";
import { dashboardPermissionsProvider as dp, DashboardPermissionsInputs } from "../../provider/dashboard-permissions";
import { folderProvider } from "../../provider/folder";
import { folderPermissionsProvider as fp, FolderPermissionsInputs } from "../../provider/folder-permissions";
import { organizationProvider } from "../../provider/organization";
import { teamProvider } from "../../provider/team";
import { teamMembershipProvider as mp } from "../../provider/team-membership";
import { UNKNOWN } from "../../provider/validate";
import { FakeGrafana } from "../support/fake-grafana";
import { ADMIN_PASSWORD, errorOf, startFake } from "../support/provider-env";

let fake: FakeGrafana;
let orgId: number;
let teamId: number;
let folderUid: string;
beforeEach(async () => {
    fake = await startFake();
    orgId = (await organizationProvider.create({ name: "access", __resourceName: "access" })).outs!.orgId;
    teamId = (await teamProvider.create({ __resourceName: "sre", name: "SRE", orgId })).outs!.teamId;
    folderUid = (await folderProvider.create({ __resourceName: "private", title: "Private", uid: "private", orgId })).outs!.uid;
});
afterEach(() => fake.stop());

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${fake.url}${path}`, {
        method,
        headers: {
            Authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString("base64")}`,
            "X-Grafana-Org-Id": String(orgId),
            "Content-Type": "application/json",
        },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
}

/** The folder's list as Grafana answers it, reduced to who and what. */
async function listed(path: string): Promise<string[]> {
    const items = (await api("GET", path)).body as { role: string; teamId: number; userId: number; permissionName: string; inherited?: boolean }[];
    return items
        .map((i) => `${i.inherited ? "inherited " : ""}${i.role || (i.teamId ? `team ${i.teamId}` : `user ${i.userId}`)}: ${i.permissionName}`)
        .sort();
}

describe("while a Team is updated, a preview does not know its id: no false change downstream", () => {
    it("TeamMembership and FolderPermissions take an unknown teamId for the one they have", async () => {
        const m = { __resourceName: "m", teamId: 3, user: "bob", orgId: 2 };
        const mOut = { ...m, userId: 5, adopted: false };
        expect(await mp.diff!("2:3:5", mOut, { ...m, teamId: UNKNOWN } as never)).toMatchObject({ changes: false, replaces: [] });
        expect(await mp.diff!("2:3:5", mOut, { ...m, user: "carol" })).toMatchObject({ replaces: ["user"] });
        const f = { __resourceName: "p", folderUid: "f", orgId: 2, items: [{ teamId: 3, permission: "Edit" as const }] };
        expect(await fp.diff!("2:f", f, { ...f, items: [{ teamId: UNKNOWN, permission: "Edit" }] } as never)).toMatchObject({ changes: false });
        expect(await fp.diff!("2:f", f, { ...f, items: [{ teamId: UNKNOWN, permission: "View" }] } as never)).toMatchObject({ changes: true });
    });
});

describe("TeamMembership", () => {
    it("adds a user by login or email, reads it, leaves a membership it found, and deletes idempotently", async () => {
        const bob = fake.addUser("bob", { email: "bob@example.com" });
        await api("POST", `/api/orgs/${orgId}/users`, { loginOrEmail: "bob", role: "Viewer" });
        const checked = await mp.check!({} as never, { __resourceName: "m", teamId, user: "BOB@example.com", orgId } as never);
        expect(checked.failures).toEqual([]);
        const c = await mp.create(checked.inputs!);
        expect(c.id).toBe(`${orgId}:${teamId}:${bob}`);
        expect(c.outs).toMatchObject({ userId: bob, adopted: false });
        expect(await mp.read!(c.id, c.outs!)).toMatchObject({ id: c.id });
        // Made again (an `up` killed before the state was written): the membership is there, adopted and left by delete.
        expect((await mp.create(checked.inputs!)).outs).toMatchObject({ userId: bob, adopted: true });
        await mp.delete!(c.id, c.outs!);
        expect((await api("GET", `/api/teams/${teamId}/members`)).body).toEqual([]);
        await mp.delete!(c.id, c.outs!);
        expect(await mp.read!(c.id, c.outs!)).toEqual({});
    });

    it("a user outside the org fails naming it; a missing teamId fails in check", async () => {
        fake.addUser("carol");
        expect(await errorOf(mp.create({ __resourceName: "m", teamId, user: "carol", orgId }))).toBe(
            `TeamMembership "m": user "carol" is not a member of org ${orgId}: add it to the org first (an OrgMembership, then dependsOn it)`,
        );
        expect((await mp.check!({} as never, { __resourceName: "m", user: "x" } as never)).failures).toEqual([
            { property: "teamId", reason: "teamId is required" },
        ]);
    });
});

describe("FolderPermissions: the whole list, authoritative", () => {
    const f = (items: FolderPermissionsInputs["items"]): FolderPermissionsInputs => ({ __resourceName: "p", folderUid, items, orgId });

    it("check names bad items before any call", async () => {
        const r = await fp.check!(
            {} as never,
            f([
                { role: "Admin", permission: "Edit" },
                { teamId: 1, userId: 2, permission: "View" },
                { teamId: 1, permission: "Own" },
            ] as never) as never,
        );
        expect(r.failures!.map((x) => x.property)).toEqual(["items[0].role", "items[1]", "items[2].permission"]);
        const dup = await fp.check!(
            {} as never,
            f([
                { teamId: 1, permission: "View" },
                { teamId: 1, permission: "Edit" },
            ]) as never,
        );
        expect(dup.failures!.map((x) => x.reason)).toEqual(["items[1] names the same teamId as an earlier item: one item per role, team or user"]);
    });

    it("replaces Grafana's defaults, shows an item added by hand on read, update removes it, destroy puts the defaults back", async () => {
        expect(await listed(`/api/folders/${folderUid}/permissions`)).toEqual(["Editor: Edit", "Viewer: View"]);
        const declared = f([{ teamId, permission: "Edit" }]);
        const c = await fp.create((await fp.check!({} as never, declared as never)).inputs!);
        expect(c.id).toBe(`${orgId}:${folderUid}`);
        expect(await listed(`/api/folders/${folderUid}/permissions`)).toEqual([`team ${teamId}: Edit`]);
        // By hand: Viewers may view again.
        await api("POST", `/api/folders/${folderUid}/permissions`, {
            items: [
                { teamId, permission: 2 },
                { role: "Viewer", permission: 1 },
            ],
        });
        const read = await fp.read!(c.id, c.outs!);
        expect(read.props!.items).toEqual([
            { role: "Viewer", permission: "View" },
            { teamId, permission: "Edit" },
        ]);
        expect(await fp.diff!(c.id, read.props!, c.outs!)).toMatchObject({ changes: true, replaces: [] });
        await fp.update!(c.id, read.props!, declared);
        expect(await listed(`/api/folders/${folderUid}/permissions`)).toEqual([`team ${teamId}: Edit`]);
        expect(await fp.diff!(c.id, c.outs!, (await fp.check!({} as never, declared as never)).inputs!)).toMatchObject({ changes: false });
        await fp.delete!(c.id, c.outs!);
        expect(await listed(`/api/folders/${folderUid}/permissions`)).toEqual(["Editor: Edit", "Viewer: View"]);
    });

    it("a missing folder: create says so, read and delete find it gone", async () => {
        const msg = await errorOf(fp.create({ ...f([]), folderUid: "nope" }));
        expect(msg).toContain(`FolderPermissions "p": Grafana POST /api/folders/nope/permissions failed: 404`);
        expect(msg).toContain("No such folder in the org: check folderUid and orgId");
        expect(await fp.read!(`${orgId}:nope`, { ...f([]), folderUid: "nope", orgId } as never)).toEqual({});
        await fp.delete!(`${orgId}:nope`, { ...f([]), folderUid: "nope", orgId } as never);
    });
});

describe("DashboardPermissions: the dashboard's own items, not the folder's", () => {
    it("lists only its own items; destroy leaves a dashboard in a folder inheriting only", async () => {
        const d = await dashboardProvider.create({ __resourceName: "d", dashboard: JSON.stringify({ title: "D" }), uid: "d1", folderUid, orgId });
        const declared: DashboardPermissionsInputs = {
            __resourceName: "dp",
            dashboardUid: d.id,
            items: [{ role: "Viewer", permission: "View" }],
            orgId,
        };
        const c = await dp.create(declared);
        expect(c.id).toBe(`${orgId}:d1`);
        expect(await listed(`/api/dashboards/uid/d1/permissions`)).toEqual(["Viewer: View", "inherited Editor: Edit", "inherited Viewer: View"]);
        expect((await dp.read!(c.id, c.outs!)).props!.items).toEqual([{ role: "Viewer", permission: "View" }]);
        await dp.delete!(c.id, c.outs!);
        expect(await listed(`/api/dashboards/uid/d1/permissions`)).toEqual(["inherited Editor: Edit", "inherited Viewer: View"]);
    });
});
