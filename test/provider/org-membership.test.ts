import { orgMembershipProvider as p, OrgMembershipInputs } from "../../provider/org-membership";
import { organizationProvider } from "../../provider/organization";
import { FakeGrafana } from "../support/fake-grafana";
import { errorOf, startFake } from "../support/provider-env";

let fake: FakeGrafana;
let orgId: number;
beforeEach(async () => {
    fake = await startFake();
    orgId = (await organizationProvider.create({ name: "apiorg", __resourceName: "apiorg" })).outs!.orgId;
});
afterEach(() => fake.stop());

const m = (loginOrEmail: string, role: OrgMembershipInputs["role"], extra = {}): OrgMembershipInputs => ({ orgId, loginOrEmail, role, __resourceName: "member", ...extra });

describe("OrgMembership against a fake Grafana over HTTP", () => {
    it("adopts the org creator's existing membership (409) instead of failing, and leaves it on delete", async () => {
        const c = await p.create(m("admin", "Admin"));
        expect(c.outs).toMatchObject({ userId: 1, adopted: true, previousRole: "Admin" });
        expect(c.id).toBe(`${orgId}:1`);
        await p.delete!(c.id, c.outs!);
        expect(fake.orgUsers(orgId).map((u) => u.login)).toEqual(["admin"]);
        expect(fake.requests.some((r) => r.method === "DELETE")).toBe(false);
    });

    it("adds a user, changes the role in place, and removes it with the /api/orgs/:orgId/users form", async () => {
        const bob = fake.addUser("bob");
        const c = await p.create(m("bob", "Viewer"));
        expect(c.outs).toMatchObject({ userId: bob, adopted: false });
        const u = await p.update!(c.id, c.outs!, m("bob", "Editor"));
        expect(fake.orgUsers(orgId)).toContainEqual({ userId: bob, login: "bob", role: "Editor" });
        expect(fake.requests.filter((r) => r.method === "PATCH").map((r) => r.path)).toEqual([`/api/orgs/${orgId}/users/${bob}`]);
        const read = await p.read!(c.id, u.outs!);
        expect(read.props!.role).toBe("Editor");
        await p.delete!(c.id, u.outs!);
        expect(fake.orgUsers(orgId).map((x) => x.login)).toEqual(["admin"]);
        // never the /api/org/users form, which deletes a user who belongs to no other org
        expect(fake.requests.filter((r) => r.method === "DELETE").map((r) => r.path)).toEqual([`/api/orgs/${orgId}/users/${bob}`]);
        expect(await p.read!(c.id, u.outs!)).toEqual({});
        await expect(p.delete!(c.id, u.outs!)).resolves.toBeUndefined();
    });

    it("an adopted membership whose role we changed gets its old role back on delete", async () => {
        const carol = fake.addUser("carol");
        await p.create(m("carol", "Viewer")); // someone else's membership
        const c = await p.create(m("carol@localhost", "Editor"));
        expect(c.outs).toMatchObject({ userId: carol, adopted: true, previousRole: "Viewer" });
        expect(fake.orgUsers(orgId)).toContainEqual({ userId: carol, login: "carol", role: "Editor" });
        await p.delete!(c.id, c.outs!);
        expect(fake.orgUsers(orgId)).toContainEqual({ userId: carol, login: "carol", role: "Viewer" });
    });

    it("demoting the last Admin is Grafana's clear 400, not retried", async () => {
        const c = await p.create(m("admin", "Admin"));
        const before = fake.requests.length;
        const msg = await errorOf(p.update!(c.id, c.outs!, m("admin", "Viewer")));
        expect(msg).toBe(
            `OrgMembership "member": Grafana PATCH /api/orgs/${orgId}/users/1 failed: 400 Cannot change role so that there is no organization admin left. Every organization needs an Admin: make another user Admin first`,
        );
        expect(fake.requests.length - before).toBe(1);
    });

    it("removing the last Admin is a clear error", async () => {
        fake.addUser("dave");
        const c = await p.create(m("dave", "Viewer"));
        // make the admin leave so dave is promoted and alone
        await p.update!(c.id, c.outs!, m("dave", "Admin"));
        const adminM = await p.create(m("admin", "Admin"));
        await p.delete!(adminM.id, { ...adminM.outs!, adopted: false });
        const msg = await errorOf(p.delete!(c.id, { ...c.outs!, role: "Admin" }));
        expect(msg).toMatch(/failed: 400 Cannot remove last organization admin\. Every organization needs an Admin/);
    });

    it("an unknown user is Grafana's 404", async () => {
        const msg = await errorOf(p.create(m("nobody", "Viewer")));
        expect(msg).toBe(`OrgMembership "member": Grafana POST /api/orgs/${orgId}/users failed: 404 User not found`);
    });
});
