import { Emulator as FakeGrafana, EmulatorOptions as FakeGrafanaOptions } from "../src";

const basic = (user: string, pass: string): string => "Basic " + Buffer.from(`${user}:${pass}`).toString("base64");
const ADMIN = basic("admin", "admin");

interface Res {
    status: number;
    body: Record<string, unknown>;
    list: Record<string, unknown>[];
    headers: Headers;
}

async function call(
    g: FakeGrafana,
    method: string,
    path: string,
    opts: { auth?: string; org?: number; body?: unknown; raw?: string } = {},
): Promise<Res> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (opts.auth) headers.authorization = opts.auth;
    if (opts.org !== undefined) headers["x-grafana-org-id"] = String(opts.org);
    const r = await fetch(g.url + path, {
        method,
        headers,
        body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
    const text = await r.text();
    const parsed: unknown = text ? JSON.parse(text) : {};
    const isList = Array.isArray(parsed);
    return {
        status: r.status,
        body: isList ? {} : (parsed as Record<string, unknown>),
        list: isList ? (parsed as Record<string, unknown>[]) : [],
        headers: r.headers,
    };
}

describe("Grafana API emulator (in-process)", () => {
    let g: FakeGrafana;
    const start = async (opts?: FakeGrafanaOptions): Promise<FakeGrafana> => {
        g = await FakeGrafana.start(opts);
        return g;
    };
    afterEach(async () => {
        await g?.stop();
    });

    test("health is unauthenticated and reports the version", async () => {
        await start({ version: "11.6.0" });
        const r = await call(g, "GET", "/api/health");
        expect(r.status).toBe(200);
        expect(r.body).toEqual({ commit: "emulator-11.6", database: "ok", version: "11.6.0" });
    });

    test("tutorial flow: org, membership 409, legacy key scoped by X-Grafana-Org-Id, dashboard via key", async () => {
        await start({ apiKeys: "legacy", version: "10.4.0" });
        const created = await call(g, "POST", "/api/orgs", { auth: ADMIN, body: { name: "Team A" } });
        expect(created.status).toBe(200);
        expect(created.body.message).toBe("Organization created");
        const orgId = created.body.orgId as number;
        expect(orgId).toBe(2);

        const dupOrg = await call(g, "POST", "/api/orgs", { auth: ADMIN, body: { name: "Team A" } });
        expect(dupOrg.status).toBe(409);
        expect(dupOrg.body.message).toBe("Organization name taken");

        const member = await call(g, "POST", `/api/orgs/${orgId}/users`, {
            auth: ADMIN,
            body: { loginOrEmail: "admin", role: "Admin" },
        });
        expect(member.status).toBe(409);
        expect(member.body).toEqual({ message: "User is already member of this organization", userId: 1 });

        const key = await call(g, "POST", "/api/auth/keys", {
            auth: ADMIN,
            org: orgId,
            body: { name: "pulumi", role: "Admin", secondsToLive: 0 },
        });
        expect(key.status).toBe(200);
        expect(key.body.name).toBe("pulumi");
        const token = key.body.key as string;
        expect(g.apiKeys(orgId)).toEqual([{ id: key.body.id, name: "pulumi", role: "Admin" }]);
        expect(g.apiKeys(1)).toEqual([]);

        const dupKey = await call(g, "POST", "/api/auth/keys", {
            auth: ADMIN,
            org: orgId,
            body: { name: "pulumi", role: "Viewer" },
        });
        expect(dupKey.status).toBe(409);
        expect(dupKey.body.message).toBe("API key, organization ID and name must be unique");

        const dash = await call(g, "POST", "/api/dashboards/db", {
            auth: `Bearer ${token}`,
            body: { dashboard: { title: "My Dash", panels: [] }, overwrite: false },
        });
        expect(dash.status).toBe(200);
        expect(dash.body).toEqual({
            id: expect.any(Number),
            status: "success",
            slug: "my-dash",
            version: 1,
            uid: expect.any(String),
            url: expect.any(String),
        }); // observed 10.0: no folderUid
        const uid = dash.body.uid as string;
        expect(uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/); // observed 10.0: a UUID
        expect(dash.body.url).toBe(`/d/${uid}/my-dash`);
        expect(g.dashboards(orgId)).toHaveLength(1);
        expect(g.dashboards(1)).toHaveLength(0);
        expect(g.dashboards(orgId)[0].json).toEqual({ title: "My Dash", panels: [], id: dash.body.id, uid, version: 1 });

        const org = await call(g, "GET", "/api/org", { auth: `Bearer ${token}` });
        expect(org.status).toBe(200);
        expect(org.body).toMatchObject({ id: orgId, name: "Team A" });

        const got = await call(g, "GET", `/api/dashboards/uid/${uid}`, { auth: `Bearer ${token}` });
        expect(got.status).toBe(200);
        expect((got.body.meta as Record<string, unknown>).url).toBe(`/d/${uid}/my-dash`);

        const mismatch = await call(g, "GET", "/api/org", { auth: `Bearer ${token}`, org: 1 });
        // observed 10.0: a key sent with another org's header is answered in the key's own org
        expect(mismatch.status).toBe(200);
        expect(mismatch.body.id).toBe(orgId);

        const adminOnly = await call(g, "POST", "/api/orgs", { auth: `Bearer ${token}`, body: { name: "X" } });
        expect(adminOnly.status).toBe(403);
        expect(adminOnly.body.message).toMatch(/Permissions needed: orgs:create/);

        const del = await call(g, "DELETE", `/api/auth/keys/${key.body.id as number}`, { auth: ADMIN, org: orgId });
        expect(del.status).toBe(200);
        expect(del.body.message).toBe("API key deleted");
        const delAgain = await call(g, "DELETE", `/api/auth/keys/${key.body.id as number}`, { auth: ADMIN, org: orgId });
        expect(delAgain.status).toBe(404);
        expect(delAgain.body.message).toBe("Failed to delete API key");

        const gone = await call(g, "GET", "/api/org", { auth: `Bearer ${token}` });
        expect(gone.status).toBe(401);
        expect(gone.body).toEqual({ message: "invalid API key", traceID: "" }); // observed 10.0

        expect(g.requests.some((r) => r.path === "/api/auth/keys" && r.orgHeader === String(orgId) && r.auth === "basic")).toBe(true);
    });

    test("orgs: lookups, update conflicts, delete rules and cascade", async () => {
        await start();
        const a = await call(g, "POST", "/api/orgs", { auth: ADMIN, body: { name: "A" } });
        await call(g, "POST", "/api/orgs", { auth: ADMIN, body: { name: "B" } });
        const aId = a.body.orgId as number;

        expect((await call(g, "GET", "/api/orgs/name/A", { auth: ADMIN })).body).toMatchObject({ id: aId, name: "A" });
        expect((await call(g, "GET", "/api/orgs?name=B", { auth: ADMIN })).list).toEqual([{ id: aId + 1, name: "B" }]);
        const nf = await call(g, "GET", "/api/orgs/999", { auth: ADMIN });
        expect([nf.status, nf.body.message]).toEqual([404, "Organization not found"]);

        const taken = await call(g, "PUT", `/api/orgs/${aId}`, { auth: ADMIN, body: { name: "B" } });
        expect([taken.status, taken.body.message]).toEqual([400, "Organization name taken"]);

        const cur = await call(g, "DELETE", "/api/orgs/1", { auth: ADMIN });
        expect([cur.status, cur.body.message]).toEqual([400, "Cannot delete your active organization"]);
        const unknown = await call(g, "DELETE", "/api/orgs/999", { auth: ADMIN });
        expect([unknown.status, unknown.body.message]).toEqual([404, "Failed to delete organization. ID not found"]);

        await call(g, "POST", "/api/dashboards/db", { auth: ADMIN, org: aId, body: { dashboard: { title: "d" } } });
        expect(g.dashboards(aId)).toHaveLength(1);
        const ok = await call(g, "DELETE", `/api/orgs/${aId}`, { auth: ADMIN });
        expect([ok.status, ok.body.message]).toEqual([200, "Organization deleted"]);
        expect(g.orgs().map((o) => o.name)).toEqual(["Main Org.", "B"]);
        expect(g.dashboards(aId)).toHaveLength(0);
        expect(g.orgUsers(aId)).toEqual([]);
    });

    test("org users: add, role changes, last admin rules, lookup", async () => {
        await start();
        const bob = g.addUser("bob", { password: "pw" });
        expect(g.orgUsers(1)).toContainEqual({ userId: bob, login: "bob", role: "Viewer" });
        const org = (await call(g, "POST", "/api/orgs", { auth: ADMIN, body: { name: "O" } })).body.orgId as number;

        const badRole = await call(g, "POST", `/api/orgs/${org}/users`, { auth: ADMIN, body: { loginOrEmail: "bob", role: "Boss" } });
        expect([badRole.status, badRole.body.message]).toEqual([400, "Invalid role specified"]);
        const noUser = await call(g, "POST", `/api/orgs/${org}/users`, { auth: ADMIN, body: { loginOrEmail: "nobody", role: "Viewer" } });
        expect([noUser.status, noUser.body.message]).toEqual([404, "User not found"]);
        const added = await call(g, "POST", `/api/orgs/${org}/users`, {
            auth: ADMIN,
            body: { loginOrEmail: "bob@localhost", role: "Editor" },
        });
        expect(added.status).toBe(200);
        expect(added.body).toEqual({ message: "User added to organization", userId: bob });

        const lastAdmin = await call(g, "PATCH", `/api/orgs/${org}/users/1`, { auth: ADMIN, body: { role: "Viewer" } });
        expect([lastAdmin.status, lastAdmin.body.message]).toEqual([400, "Cannot change role so that there is no organization admin left"]);
        const removeLast = await call(g, "DELETE", `/api/orgs/${org}/users/1`, { auth: ADMIN });
        expect([removeLast.status, removeLast.body.message]).toEqual([400, "Cannot remove last organization admin"]);

        const promote = await call(g, "PATCH", `/api/orgs/${org}/users/${bob}`, { auth: ADMIN, body: { role: "Admin" } });
        expect([promote.status, promote.body.message]).toEqual([200, "Organization user updated"]);
        const removed = await call(g, "DELETE", `/api/orgs/${org}/users/1`, { auth: ADMIN });
        expect([removed.status, removed.body.message]).toEqual([200, "User removed from organization"]);
        expect(g.orgUsers(org)).toEqual([{ userId: bob, login: "bob", role: "Admin" }]);

        const patchMissing = await call(g, "PATCH", `/api/orgs/${org}/users/999`, { auth: ADMIN, body: { role: "Viewer" } });
        expect([patchMissing.status, patchMissing.body.message]).toEqual([500, "Failed update org user"]);

        const look = await call(g, "GET", "/api/users/lookup?loginOrEmail=bob", { auth: ADMIN });
        expect(look.body).toMatchObject({ id: bob, login: "bob" });
        const lookMissing = await call(g, "GET", "/api/users/lookup?loginOrEmail=zed", { auth: ADMIN });
        expect([lookMissing.status, lookMissing.body.message]).toEqual([404, "user not found"]);

        // a non-server-admin cannot use server-admin routes
        const bobOrgs = await call(g, "GET", "/api/orgs", { auth: basic("bob", "pw") });
        expect(bobOrgs.status).toBe(403);
        expect(bobOrgs.body.title).toBe("Access denied");
    });

    test("mode 'gone410': POST /api/auth/keys answers 410, GET/DELETE still work", async () => {
        await start({ apiKeys: "gone410" });
        const r = await call(g, "POST", "/api/auth/keys", { auth: ADMIN, body: { name: "k", role: "Admin" } });
        expect(r.status).toBe(410);
        expect(r.body.message).toBe(
            "this endpoint has been removed, please use POST /api/serviceaccounts and POST /api/serviceaccounts/{id}/tokens instead",
        );
        const list = await call(g, "GET", "/api/auth/keys", { auth: ADMIN });
        expect(list.status).toBe(200);
        expect(list.list).toEqual([]);
        const del = await call(g, "DELETE", "/api/auth/keys/5", { auth: ADMIN });
        expect([del.status, del.body.message]).toEqual([404, "Failed to delete API key"]);
    });

    test("mode 'removed404' (default for 12.1): every /api/auth/keys route is an unknown route", async () => {
        await start();
        for (const [method, path] of [
            ["POST", "/api/auth/keys"],
            ["GET", "/api/auth/keys"],
            ["DELETE", "/api/auth/keys/1"],
        ]) {
            const r = await call(g, method, path, { auth: ADMIN, body: method === "POST" ? { name: "k", role: "Admin" } : undefined });
            expect(r.status).toBe(404);
            expect(r.body).toEqual({ message: "Not found" });
        }
        const unknown = await call(g, "GET", "/api/nope", { auth: ADMIN });
        expect([unknown.status, unknown.body.message]).toEqual([404, "Not found"]);
    });

    test("service account token flow", async () => {
        await start();
        const org = (await call(g, "POST", "/api/orgs", { auth: ADMIN, body: { name: "SA org" } })).body.orgId as number;
        const sa = await call(g, "POST", "/api/serviceaccounts", {
            auth: ADMIN,
            org,
            body: { name: "pulumi", role: "Admin", isDisabled: false },
        });
        expect(sa.status).toBe(201);
        expect(sa.body).toMatchObject({ name: "pulumi", role: "Admin", orgId: org, isDisabled: false });
        const saId = sa.body.id as number;

        const dup = await call(g, "POST", "/api/serviceaccounts", { auth: ADMIN, org, body: { name: "pulumi", role: "Admin" } });
        expect(dup.status).toBe(400);
        expect(dup.body).toMatchObject({
            message: "service account already exists",
            messageId: "serviceaccounts.ErrAlreadyExists",
            statusCode: 400,
        });

        const tok = await call(g, "POST", `/api/serviceaccounts/${saId}/tokens`, { auth: ADMIN, org, body: { name: "t1" } });
        expect(tok.status).toBe(200);
        expect(tok.body.name).toBe("t1");
        const key = tok.body.key as string;
        expect(key).toMatch(/^glsa_/);

        const dupTok = await call(g, "POST", `/api/serviceaccounts/${saId}/tokens`, { auth: ADMIN, org, body: { name: "t1" } });
        expect(dupTok.status).toBe(400);
        expect(dupTok.body.message).toBe("service account token with given name already exists in the organization");

        const cur = await call(g, "GET", "/api/org", { auth: `Bearer ${key}` });
        expect(cur.body).toMatchObject({ id: org, name: "SA org" });

        const search = await call(g, "GET", "/api/serviceaccounts/search?query=pul", { auth: `Bearer ${key}` });
        expect(search.body.totalCount).toBe(1);

        const otherOrg = await call(g, "GET", `/api/serviceaccounts/${saId}`, { auth: ADMIN });
        expect(otherOrg.status).toBe(404);
        expect(otherOrg.body.message).toBe("service account not found");

        const patched = await call(g, "PATCH", `/api/serviceaccounts/${saId}`, { auth: ADMIN, org, body: { role: "Editor" } });
        expect([patched.status, patched.body.message]).toEqual([200, "Service account updated"]);
        expect(g.serviceAccounts(org)).toEqual([{ id: saId, name: "pulumi", role: "Editor", tokens: [{ id: tok.body.id, name: "t1" }] }]);

        const tokens = await call(g, "GET", `/api/serviceaccounts/${saId}/tokens`, { auth: ADMIN, org });
        expect(tokens.list.map((t) => t.name)).toEqual(["t1"]);

        const delTok = await call(g, "DELETE", `/api/serviceaccounts/${saId}/tokens/${tok.body.id as number}`, { auth: ADMIN, org });
        expect([delTok.status, delTok.body.message]).toEqual([200, "Service account token deleted"]);
        const after = await call(g, "GET", "/api/org", { auth: `Bearer ${key}` });
        expect([after.status, after.body.message]).toEqual([401, "Invalid API key"]);

        const delSa = await call(g, "DELETE", `/api/serviceaccounts/${saId}`, { auth: ADMIN, org });
        expect([delSa.status, delSa.body.message]).toEqual([200, "Service account deleted"]);
        const delAgain = await call(g, "DELETE", `/api/serviceaccounts/${saId}`, { auth: ADMIN, org });
        expect([delAgain.status, delAgain.body.message]).toEqual([404, "service account not found"]);
    });

    test("dashboards: version mismatch 412, overwrite, validation, folders, delete", async () => {
        await start();
        const first = await call(g, "POST", "/api/dashboards/db", {
            auth: ADMIN,
            body: { dashboard: { uid: "abc", title: "Dash" } },
        });
        expect(first.body).toMatchObject({ uid: "abc", version: 1 });

        const stale = await call(g, "POST", "/api/dashboards/db", {
            auth: ADMIN,
            body: { dashboard: { uid: "abc", title: "Dash", version: 0 } },
        });
        expect(stale.status).toBe(412);
        expect(stale.body).toEqual({ status: "version-mismatch", message: "The dashboard has been changed by someone else" });

        const next = await call(g, "POST", "/api/dashboards/db", {
            auth: ADMIN,
            body: { dashboard: { uid: "abc", title: "Dash", version: 1 } },
        });
        expect(next.body).toMatchObject({ status: "success", version: 2, id: first.body.id });
        const forced = await call(g, "POST", "/api/dashboards/db", {
            auth: ADMIN,
            body: { dashboard: { uid: "abc", title: "Dash", version: 0 }, overwrite: true },
        });
        expect(forced.body.version).toBe(3);

        // 12.x: same title in the same folder with another uid is allowed
        const same = await call(g, "POST", "/api/dashboards/db", { auth: ADMIN, body: { dashboard: { uid: "other", title: "Dash" } } });
        expect(same.status).toBe(200);

        const empty = await call(g, "POST", "/api/dashboards/db", { auth: ADMIN, body: { dashboard: { title: " " } } });
        expect([empty.status, empty.body.message]).toEqual([400, "Dashboard title cannot be empty"]);
        const long = await call(g, "POST", "/api/dashboards/db", { auth: ADMIN, body: { dashboard: { title: "t", uid: "a".repeat(41) } } });
        expect([long.status, long.body.message]).toEqual([400, "uid too long, max 40 characters"]);
        const bad = await call(g, "POST", "/api/dashboards/db", { auth: ADMIN, body: { dashboard: { title: "t", uid: "a b" } } });
        expect([bad.status, bad.body.message]).toEqual([400, "uid contains illegal characters"]);
        const noFolder = await call(g, "POST", "/api/dashboards/db", {
            auth: ADMIN,
            body: { dashboard: { title: "t" }, folderUid: "missing" },
        });
        expect([noFolder.status, noFolder.body.message]).toEqual([400, "folder not found"]);

        const folder = await call(g, "POST", "/api/folders", { auth: ADMIN, body: { uid: "f1", title: "Folder 1" } });
        expect(folder.body).toMatchObject({ uid: "f1", title: "Folder 1" });
        const moved = await call(g, "POST", "/api/dashboards/db", {
            auth: ADMIN,
            body: { dashboard: { uid: "abc", title: "Dash", version: 3 }, folderUid: "f1" },
        });
        expect(moved.body.folderUid).toBe("f1");
        const meta = (await call(g, "GET", "/api/dashboards/uid/abc", { auth: ADMIN })).body.meta as Record<string, unknown>;
        expect(meta).toMatchObject({ folderUid: "f1", folderTitle: "Folder 1", version: 4, provisioned: false, canSave: true });
        const root = await call(g, "POST", "/api/dashboards/db", { auth: ADMIN, body: { dashboard: { uid: "abc", title: "Dash", version: 4 } } });
        expect(root.body.folderUid).toBe("");
        expect(g.dashboards(1).find((d) => d.uid === "abc")?.folderUid).toBe("");

        const del = await call(g, "DELETE", "/api/dashboards/uid/abc", { auth: ADMIN });
        expect(del.body).toEqual({ id: expect.any(Number), title: "Dash", message: "Dashboard Dash deleted" }); // docs dashboard: no uid in the answer
        const missing = await call(g, "GET", "/api/dashboards/uid/abc", { auth: ADMIN });
        expect([missing.status, missing.body.message]).toEqual([404, "Dashboard not found"]);
        const delMissing = await call(g, "DELETE", "/api/dashboards/uid/abc", { auth: ADMIN });
        expect(delMissing.status).toBe(404);
    });

    test("wrong or missing credentials answer 401; bad JSON answers 400", async () => {
        await start();
        const wrong = await call(g, "GET", "/api/org", { auth: basic("admin", "nope") });
        expect(wrong.status).toBe(401);
        expect(wrong.body).toMatchObject({ message: "Invalid username or password", messageId: "password-auth.failed" });
        const none = await call(g, "GET", "/api/org");
        expect(none.status).toBe(401);
        expect(none.body).toMatchObject({ message: "Unauthorized", messageId: "auth.unauthorized" });
        const badKey = await call(g, "GET", "/api/org", { auth: "Bearer glsa_nope" });
        expect([badKey.status, badKey.body.message]).toEqual([401, "Invalid API key"]);
        const badJson = await call(g, "POST", "/api/orgs", { auth: ADMIN, raw: "{not json" });
        expect([badJson.status, badJson.body.message]).toEqual([400, "bad request data"]);
        expect(g.requests.map((r) => r.auth)).toEqual(["basic", "none", "bearer", "basic"]);
    });

    test("injected faults are consumed once, in order", async () => {
        await start();
        g.inject(
            { method: "POST", path: "/api/orgs" },
            { status: 500, body: { message: "Failed to create organization", traceID: "" } },
            { status: 429, body: { message: "Too many requests" }, headers: { "retry-after": "0" } },
        );
        const r1 = await call(g, "POST", "/api/orgs", { auth: ADMIN, body: { name: "F" } });
        expect([r1.status, r1.body.message]).toEqual([500, "Failed to create organization"]);
        const r2 = await call(g, "POST", "/api/orgs", { auth: ADMIN, body: { name: "F" } });
        expect([r2.status, r2.body.message, r2.headers.get("retry-after")]).toEqual([429, "Too many requests", "0"]);
        expect(g.orgs()).toHaveLength(1);
        const r3 = await call(g, "POST", "/api/orgs", { auth: ADMIN, body: { name: "F" } });
        expect(r3.status).toBe(200);
        expect(g.orgs()).toHaveLength(2);
        expect(g.requests.filter((r) => r.path === "/api/orgs")).toHaveLength(3);
    });

    test("applyThenReset commits then drops the connection; reset drops without applying", async () => {
        await start();
        g.inject({ path: /^\/api\/orgs$/ }, { applyThenReset: true }, { reset: true, delayMs: 10 });
        await expect(call(g, "POST", "/api/orgs", { auth: ADMIN, body: { name: "Half" } })).rejects.toThrow();
        expect(g.orgs().map((o) => o.name)).toContain("Half");
        await expect(call(g, "POST", "/api/orgs", { auth: ADMIN, body: { name: "Never" } })).rejects.toThrow();
        expect(g.orgs().map((o) => o.name)).not.toContain("Never");
        const again = await call(g, "POST", "/api/orgs", { auth: ADMIN, body: { name: "Half" } });
        expect([again.status, again.body.message]).toEqual([409, "Organization name taken"]);
    });

    test("teams: a name is unique per org (409), members only of the org, a non-admin sees only its own teams; an org's deletion takes its teams", async () => {
        await start({ version: "12.1.0" });
        const orgId = (await call(g, "POST", "/api/orgs", { auth: ADMIN, body: { name: "Teams" } })).body.orgId as number;
        const made = await call(g, "POST", "/api/teams", { auth: ADMIN, org: orgId, body: { name: "SRE" } });
        expect(made.body).toEqual({ message: "Team created", teamId: expect.any(Number) });
        const teamId = made.body.teamId as number;
        expect((await call(g, "POST", "/api/teams", { auth: ADMIN, org: orgId, body: { name: "sre" } })).status).toBe(409);
        // The same name in another org is another team.
        expect((await call(g, "POST", "/api/teams", { auth: ADMIN, org: 1, body: { name: "SRE" } })).status).toBe(200);
        const bob = g.addUser("bob", { password: "bob-pw" });
        // bob is in org 1 only: not a member of orgId, so not addable there
        expect((await call(g, "POST", `/api/teams/${teamId}/members`, { auth: ADMIN, org: orgId, body: { userId: bob } })).status).toBe(404);
        await call(g, "POST", `/api/orgs/${orgId}/users`, { auth: ADMIN, body: { loginOrEmail: "bob", role: "Viewer" } });
        expect((await call(g, "POST", `/api/teams/${teamId}/members`, { auth: ADMIN, org: orgId, body: { userId: bob } })).status).toBe(200);
        expect((await call(g, "POST", `/api/teams/${teamId}/members`, { auth: ADMIN, org: orgId, body: { userId: bob } })).status).toBe(400);
        const bobAuth = basic("bob", "bob-pw");
        expect((await call(g, "GET", "/api/teams/search", { auth: bobAuth, org: orgId })).body.totalCount).toBe(1);
        expect((await call(g, "POST", "/api/teams", { auth: bobAuth, org: orgId, body: { name: "Viewers' own" } })).status).toBe(403);
        expect((await call(g, "DELETE", `/api/orgs/${orgId}`, { auth: ADMIN })).status).toBe(200);
        expect((await call(g, "GET", `/api/teams/${teamId}`, { auth: ADMIN, org: 1 })).status).toBe(404);
    });

    test("folder permissions are enforced for non-admins: a Viewer outside a private folder's team cannot open it or its dashboards; a team member with Edit saves there", async () => {
        await start({ version: "12.1.0" });
        const orgId = (await call(g, "POST", "/api/orgs", { auth: ADMIN, body: { name: "Private" } })).body.orgId as number;
        const member = g.addUser("member", { password: "member-pw" });
        g.addUser("viewer", { password: "viewer-pw" });
        for (const login of ["member", "viewer"])
            await call(g, "POST", `/api/orgs/${orgId}/users`, { auth: ADMIN, body: { loginOrEmail: login, role: "Viewer" } });
        const teamId = (await call(g, "POST", "/api/teams", { auth: ADMIN, org: orgId, body: { name: "SRE" } })).body.teamId as number;
        await call(g, "POST", `/api/teams/${teamId}/members`, { auth: ADMIN, org: orgId, body: { userId: member } });
        await call(g, "POST", "/api/folders", { auth: ADMIN, org: orgId, body: { uid: "private", title: "Private" } });
        await call(g, "POST", "/api/dashboards/db", {
            auth: ADMIN,
            org: orgId,
            body: { dashboard: { uid: "secret", title: "Secret" }, folderUid: "private" },
        });
        const viewer = basic("viewer", "viewer-pw");
        const mem = basic("member", "member-pw");
        // Grafana's defaults: every Viewer views; nobody but Editors saves.
        expect((await call(g, "GET", "/api/dashboards/uid/secret", { auth: viewer, org: orgId })).status).toBe(200);
        const save = { dashboard: { uid: "by-member", title: "By member" }, folderUid: "private" };
        expect((await call(g, "POST", "/api/dashboards/db", { auth: mem, org: orgId, body: save })).status).toBe(403);
        // Private: the team edits, no role item.
        expect(
            (await call(g, "POST", "/api/folders/private/permissions", { auth: ADMIN, org: orgId, body: { items: [{ teamId, permission: 2 }] } }))
                .status,
        ).toBe(200);
        expect((await call(g, "GET", "/api/folders/private", { auth: viewer, org: orgId })).status).toBe(403);
        expect((await call(g, "GET", "/api/dashboards/uid/secret", { auth: viewer, org: orgId })).status).toBe(403);
        expect((await call(g, "GET", "/api/search?query=Secret", { auth: viewer, org: orgId })).list).toEqual([]);
        expect((await call(g, "GET", "/api/dashboards/uid/secret", { auth: mem, org: orgId })).status).toBe(200);
        expect((await call(g, "POST", "/api/dashboards/db", { auth: mem, org: orgId, body: save })).status).toBe(200);
        expect((await call(g, "POST", "/api/dashboards/db", { auth: viewer, org: orgId, body: { ...save, overwrite: true } })).status).toBe(403);
        // The General folder still takes the org role: a Viewer saves nothing there.
        expect((await call(g, "POST", "/api/dashboards/db", { auth: mem, org: orgId, body: { dashboard: { title: "Root" } } })).status).toBe(403);
    });

    test("legacy folder and dashboard writes check the permission list: an org Editor outside a private folder's team cannot rename, move or delete it or delete its dashboards", async () => {
        await start({ version: "12.1.0" });
        const orgId = (await call(g, "POST", "/api/orgs", { auth: ADMIN, body: { name: "Private" } })).body.orgId as number;
        g.addUser("editor", { password: "editor-pw" });
        await call(g, "POST", `/api/orgs/${orgId}/users`, { auth: ADMIN, body: { loginOrEmail: "editor", role: "Editor" } });
        const teamId = (await call(g, "POST", "/api/teams", { auth: ADMIN, org: orgId, body: { name: "SRE" } })).body.teamId as number;
        for (const uid of ["private", "open"]) await call(g, "POST", "/api/folders", { auth: ADMIN, org: orgId, body: { uid, title: uid } });
        await call(g, "POST", "/api/dashboards/db", {
            auth: ADMIN,
            org: orgId,
            body: { dashboard: { uid: "secret", title: "Secret" }, folderUid: "private" },
        });
        await call(g, "POST", "/api/folders/private/permissions", { auth: ADMIN, org: orgId, body: { items: [{ teamId, permission: 2 }] } });
        const editor = basic("editor", "editor-pw");
        const refused = [
            await call(g, "PUT", "/api/folders/private", { auth: editor, org: orgId, body: { title: "Renamed", overwrite: true } }),
            await call(g, "POST", "/api/folders/private/move", { auth: editor, org: orgId, body: { parentUid: "open" } }),
            await call(g, "POST", "/api/folders/open/move", { auth: editor, org: orgId, body: { parentUid: "private" } }),
            await call(g, "DELETE", "/api/dashboards/uid/secret", { auth: editor, org: orgId }),
            await call(g, "DELETE", "/api/folders/private", { auth: editor, org: orgId }),
        ];
        expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403]);
        expect((await call(g, "GET", "/api/dashboards/uid/secret", { auth: ADMIN, org: orgId })).status).toBe(200);
        // Grafana's defaults on the other folder: an Editor edits it.
        expect((await call(g, "PUT", "/api/folders/open", { auth: editor, org: orgId, body: { title: "Open", overwrite: true } })).status).toBe(200);
        expect((await call(g, "DELETE", "/api/folders/open", { auth: editor, org: orgId })).status).toBe(200);
    });

    // The same rules on the app-platform routes that 12.x/13.x clients (the provider among them) read and save through.
    test.each([
        ["12.4.0", "v1beta1"],
        ["13.0.0", "v1"],
    ])(
        "%s /apis: a Viewer outside the team gets 403 on a private folder and dashboard and lists neither; a member with Edit creates and updates there",
        async (version, v) => {
            await start({ version });
            const orgId = (await call(g, "POST", "/api/orgs", { auth: ADMIN, body: { name: "Private" } })).body.orgId as number;
            const member = g.addUser("member", { password: "member-pw" });
            g.addUser("viewer", { password: "viewer-pw" });
            for (const login of ["member", "viewer"])
                await call(g, "POST", `/api/orgs/${orgId}/users`, { auth: ADMIN, body: { loginOrEmail: login, role: "Viewer" } });
            const teamId = (await call(g, "POST", "/api/teams", { auth: ADMIN, org: orgId, body: { name: "SRE" } })).body.teamId as number;
            await call(g, "POST", `/api/teams/${teamId}/members`, { auth: ADMIN, org: orgId, body: { userId: member } });
            const ns = `org-${orgId}`;
            const dashes = `/apis/dashboard.grafana.app/${v}/namespaces/${ns}/dashboards`;
            const folders = `/apis/folder.grafana.app/${v}/namespaces/${ns}/folders`;
            const viewer = basic("viewer", "viewer-pw");
            const mem = basic("member", "member-pw");
            const inPrivate = (name: string, title: string) => ({
                metadata: { name, annotations: { "grafana.app/folder": "private" } },
                spec: { title, panels: [], schemaVersion: 41 },
            });
            expect(
                (await call(g, "POST", folders, { auth: ADMIN, org: orgId, body: { metadata: { name: "private" }, spec: { title: "Private" } } }))
                    .status,
            ).toBe(201);
            expect((await call(g, "POST", dashes, { auth: ADMIN, org: orgId, body: inPrivate("secret", "Secret") })).status).toBe(201);
            const names = async (path: string, auth: string) =>
                ((await call(g, "GET", path, { auth, org: orgId })).body.items as { metadata: { name: string } }[]).map((x) => x.metadata.name);
            // Grafana's defaults: every Viewer reads; a Viewer creates nothing even in the folder.
            expect((await call(g, "GET", `${dashes}/secret`, { auth: viewer, org: orgId })).status).toBe(200);
            expect((await call(g, "POST", dashes, { auth: mem, org: orgId, body: inPrivate("by-member", "By member") })).status).toBe(403);
            // Private: the team edits, no role item.
            const acl = { items: [{ teamId, permission: 2 }] };
            expect((await call(g, "POST", "/api/folders/private/permissions", { auth: ADMIN, org: orgId, body: acl })).status).toBe(200);
            for (const path of [`${dashes}/secret`, `${folders}/private`]) {
                const r = await call(g, "GET", path, { auth: viewer, org: orgId });
                expect(r.status).toBe(403);
                expect(r.body).toMatchObject({ kind: "Status", status: "Failure", reason: "Forbidden", code: 403 });
            }
            expect(await names(dashes, viewer)).toEqual([]);
            expect(await names(folders, viewer)).toEqual([]);
            expect(await names(dashes, mem)).toEqual(["secret"]);
            expect(await names(folders, mem)).toEqual(["private"]);
            // The member creates and updates in the folder; the Viewer's create, update and delete there are 403.
            expect((await call(g, "POST", dashes, { auth: mem, org: orgId, body: inPrivate("by-member", "By member") })).status).toBe(201);
            expect((await call(g, "PUT", `${dashes}/by-member`, { auth: mem, org: orgId, body: inPrivate("by-member", "By member 2") })).status).toBe(
                200,
            );
            expect((await call(g, "GET", `${dashes}/by-member`, { auth: ADMIN, org: orgId })).body).toMatchObject({ spec: { title: "By member 2" } });
            const refused = await call(g, "POST", dashes, { auth: viewer, org: orgId, body: inPrivate("by-viewer", "By viewer") });
            expect(refused.status).toBe(403);
            expect(refused.body).toMatchObject({ kind: "Status", reason: "Forbidden", code: 403 });
            expect((await call(g, "PUT", `${dashes}/secret`, { auth: viewer, org: orgId, body: inPrivate("secret", "Taken") })).status).toBe(403);
            expect((await call(g, "DELETE", `${dashes}/secret`, { auth: viewer, org: orgId })).status).toBe(403);
            expect((await call(g, "DELETE", `${folders}/private`, { auth: viewer, org: orgId })).status).toBe(403);
            expect((await call(g, "GET", `${dashes}/by-viewer`, { auth: ADMIN, org: orgId })).status).toBe(404);
            expect((await call(g, "GET", `${dashes}/secret`, { auth: ADMIN, org: orgId })).body).toMatchObject({ spec: { title: "Secret" } });
            // Moving a dashboard out to the General folder takes the org role there: the member (a Viewer) may not.
            const out = { metadata: { name: "by-member" }, spec: { title: "Out" } };
            expect((await call(g, "PUT", `${dashes}/by-member`, { auth: mem, org: orgId, body: out })).status).toBe(403);
            expect((await call(g, "DELETE", `${dashes}/by-member`, { auth: mem, org: orgId })).status).toBe(200);
        },
    );
});
