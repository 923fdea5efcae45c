import { organizationProvider } from "../../provider/organization";
import { processState } from "../../provider/connection";
import { teamProvider as p, TeamInputs } from "../../provider/team";
import { FakeGrafana } from "../support/fake-grafana";
import { ADMIN_PASSWORD, errorOf, startFake } from "../support/provider-env";

let fake: FakeGrafana;
let orgId: number;
beforeEach(async () => {
    fake = await startFake();
    orgId = (await organizationProvider.create({ name: "teams", __resourceName: "teams" })).outs!.orgId;
});
afterEach(() => fake.stop());

const t = (extra: Partial<TeamInputs> = {}): TeamInputs => ({ __resourceName: "sre", name: "SRE", orgId, ...extra });

/** Grafana's view, as an admin sees it over HTTP. */
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

describe("Team: check and diff (no HTTP)", () => {
    it("bad args fail in check naming the field; the default org is filled in", async () => {
        const bad = await p.check!({} as never, { __resourceName: "x", name: "", email: 3, orgId: 0 } as never);
        expect(bad.failures!.map((f) => f.property)).toEqual(["name", "email", "orgId"]);
        processState().stackConfig = { orgId: 7 };
        try {
            expect((await p.check!({} as never, { __resourceName: "x", name: "a" } as never)).inputs!.orgId).toBe(7);
        } finally {
            processState().stackConfig = {};
        }
    });

    it("name and email change in place, another org replaces, an absent orgId keeps the one in use", async () => {
        const old = { ...t({ email: "a@example.com" }), teamId: 1, adopted: false, orgId: 2 };
        expect(await p.diff!("2:1", old, t({ orgId: 2, email: "a@example.com" }))).toEqual({
            changes: false,
            replaces: [],
            deleteBeforeReplace: false,
        });
        expect(await p.diff!("2:1", old, t({ orgId: 2, name: "Ops", email: "a@example.com" }))).toMatchObject({ changes: true, replaces: [] });
        expect(await p.diff!("2:1", old, t({ orgId: 2 }))).toMatchObject({ changes: true, replaces: [] });
        expect(await p.diff!("2:1", old, t({ orgId: 3, email: "a@example.com" }))).toMatchObject({ replaces: ["orgId"] });
        expect(await p.diff!("2:1", old, t({ orgId: undefined, email: "a@example.com" }))).toMatchObject({ changes: false });
        // No email declared and none stored is no change (Grafana answers "").
        expect(await p.diff!("2:1", { ...old, email: undefined }, t({ orgId: 2 }))).toMatchObject({ changes: false });
    });
});

describe("Team against the emulator", () => {
    it("creates, reads a rename made in Grafana, updates in place, deletes idempotently", async () => {
        const c = await p.create(t({ email: "sre@example.com" }));
        expect(c.id).toBe(`${orgId}:${c.outs!.teamId}`);
        expect(c.outs).toMatchObject({ orgId, name: "SRE", email: "sre@example.com", adopted: false });
        expect((await api("GET", `/api/teams/${c.outs!.teamId}`)).body).toMatchObject({ name: "SRE", email: "sre@example.com", memberCount: 0 });

        await api("PUT", `/api/teams/${c.outs!.teamId}`, { name: "by hand", email: "sre@example.com" });
        const read = await p.read!(c.id, c.outs!);
        expect(read.props).toMatchObject({ name: "by hand" });
        const u = await p.update!(c.id, read.props!, t({ name: "SRE", email: undefined }));
        expect(u.outs).toMatchObject({ teamId: c.outs!.teamId, name: "SRE" });
        expect((await api("GET", `/api/teams/${c.outs!.teamId}`)).body).toMatchObject({ name: "SRE", email: "" });

        await p.delete!(c.id, u.outs!);
        expect((await api("GET", `/api/teams/${c.outs!.teamId}`)).status).toBe(404);
        await p.delete!(c.id, u.outs!); // gone is gone
        expect(await p.read!(c.id, u.outs!)).toEqual({});
    });

    it("without orgId, create takes the credential's org", async () => {
        const c = await p.create(t({ orgId: undefined }));
        expect(c.outs!.orgId).toBe(1);
        expect(c.id).toBe(`1:${c.outs!.teamId}`);
    });

    it("adopts its own lost attempt (same name and email, no members) and refuses a team that is not its own", async () => {
        const first = await p.create(t());
        const again = await p.create(t()); // an `up` killed before the state was written
        expect(again.outs).toMatchObject({ teamId: first.outs!.teamId, adopted: true });

        const bob = fake.addUser("bob");
        await api("POST", `/api/orgs/${orgId}/users`, { loginOrEmail: "bob", role: "Viewer" });
        expect((await api("POST", `/api/teams/${first.outs!.teamId}/members`, { userId: bob })).status).toBe(200);
        const msg = await errorOf(p.create(t()));
        expect(msg).toContain('Team "sre": Grafana POST /api/teams failed: 409 Team name taken. A team named "SRE" already exists in org');
        expect(msg).toContain("1 members), not made by this resource");
    });
});
