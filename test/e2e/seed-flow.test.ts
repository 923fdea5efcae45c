// The seed example through the real Pulumi CLI (Automation API, file:// backend) against real Grafana
// servers this test starts itself, checking Grafana over HTTP after every step.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineEvent, LocalWorkspace, OpMap, Stack } from "@pulumi/pulumi/automation";
import { grafanaHttp } from "../support/grafana-http";
import {
    e2eProfiles,
    e2eReady,
    missingForE2e,
    needsOwnServer,
    REAL,
    RealGrafana,
    realGrafanaTarget,
    startGrafana,
    testUnless,
} from "../support/grafana-server";
import { e2eNodeMajors, missingPulumiBinaries, pulumiBinDir, pulumiCommand, pulumiEnv } from "../support/pulumi-env";

jest.setTimeout(300_000);

const SEED_DIR = path.resolve(__dirname, "../../examples/seed");
const real = realGrafanaTarget() !== undefined;
const ready = e2eReady("seed-flow end-to-end suite", [...missingPulumiBinaries(), ...missingForE2e()]);

/** What POST /api/auth/keys answers on each profile: the ApiKey resource makes a legacy key, or a service account on 410 and 404. */
const KEYS_STATUS: Record<string, number> = { "10.0": 200, "11.6": 410, "12.x": 404, "13.x": 404 };

/** Legacy API keys exist before Grafana 11.3 (the emulator's 10.0 profile). */
function makesLegacyKeys(g: RealGrafana): boolean {
    if (g.profile !== REAL) return g.profile === "10.0";
    const [major, minor] = g.version.split(".").map(Number);
    return major < 11 || (major === 11 && minor < 3);
}

/** Changes other than "same" in an operation summary. */
function changesOf(summary: OpMap | undefined): Record<string, number> {
    return Object.fromEntries(Object.entries(summary ?? {}).filter(([op, n]) => op !== "same" && (n ?? 0) > 0)) as Record<string, number>;
}

const http = grafanaHttp;

// Every e2e profile on every Node.js major setup installed (24 and 22): the language host and the provider host run
// the `node` first on PATH (test/e2e/node-versions.test.ts checks which one really ran). And 11.6 on Node 24, so the
// ApiKey's 410 path runs through the real CLI too (12.x answers 404).
function matrix(): [string, string][] {
    const nodes = e2eNodeMajors();
    const rows = e2eProfiles().flatMap((p) => nodes.map((n): [string, string] => [p, n]));
    if (!real && !process.env.E2E_PROFILES && !rows.some(([p]) => p === "11.6") && nodes.length > 0) rows.push(["11.6", nodes[0]]);
    return rows;
}

if (ready)
    describe.each(matrix())("seed example, real Pulumi CLI, Grafana %s, Node %s", (profile, node) => {
        let g: RealGrafana;
        // On a real Grafana, names of this run only: the server holds other things, maybe an earlier run's.
        const suffix = real ? `-e2e-${Date.now().toString(36)}` : "";
        const orgName = `apiorg${suffix}`;
        const bob = `bob${suffix}`;
        let orgsBefore: unknown;
        let searchBefore: unknown;
        let saBefore: unknown;
        let stack: Stack;
        let stateDir: string;
        let orgId: number;
        let dashboardUid: string;
        let key: string;

        beforeAll(async () => {
            g = await startGrafana(profile);
            stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `pgd-e2e-${profile}-node${node}-`));
            // A run killed mid-suite (no afterAll) leaves its stack config (e.g. useServiceAccount) in the program dir.
            fs.rmSync(path.join(SEED_DIR, `Pulumi.e2e-${profile}-node${node}.yaml`), { force: true });
            orgsBefore = (await http(g, "GET", "/api/orgs")).body;
            searchBefore = (await http(g, "GET", "/api/search?query=Production")).body;
            saBefore = (await http(g, "GET", "/api/serviceaccounts/search?query=apikeycurl")).body;
            // A second user, to show a role change in place.
            const made = await http(g, "POST", "/api/admin/users", { body: { login: bob, email: `${bob}@example.com`, password: "bob-pass-123" } });
            expect(made.status).toBe(200);
            stack = await LocalWorkspace.createOrSelectStack(
                { stackName: `e2e-${profile}-node${node}`, workDir: SEED_DIR },
                { envVars: pulumiEnv(stateDir, node), pulumiCommand: await pulumiCommand() },
            );
            await stack.setAllConfig({
                "grafana:url": { value: g.url },
                "grafana:auth": { value: `${g.adminUser}:${g.adminPassword}`, secret: true },
                orgName: { value: orgName },
                adminLogin: { value: g.adminUser },
                memberLogin: { value: bob },
                memberRole: { value: "Viewer" },
            });
        });

        afterAll(async () => {
            await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
            // The user this suite made (a real Grafana keeps it otherwise).
            const user = g && (await http(g, "GET", `/api/users/lookup?loginOrEmail=${bob}`).catch(() => undefined));
            const userId = (user?.body as { id?: number } | undefined)?.id;
            if (userId) await http(g, "DELETE", `/api/admin/users/${userId}`);
            await g?.stop();
            if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
        });

        test("preview of a new stack plans the creates and writes nothing to Grafana", async () => {
            const p = await stack.preview();
            expect(changesOf(p.changeSummary)).toEqual({ create: 6 }); // stack + org + 2 memberships + key + dashboard
            const orgs = await http(g, "GET", "/api/orgs");
            expect(orgs.body).toEqual(real ? orgsBefore : [{ id: 1, name: "Main Org." }]);
            expect((await http(g, "GET", "/api/search?query=Production")).body).toEqual(searchBefore);
        });

        test("up creates org, memberships, key and dashboard; the key authenticates as the new org", async () => {
            const up = await stack.up();
            expect(changesOf(up.summary.resourceChanges)).toEqual({ create: 6 });
            orgId = up.outputs.orgId.value as number;
            dashboardUid = up.outputs.dashboardUid.value as string;
            key = up.outputs.apiKey.value as string;
            expect(up.outputs.apiKey.secret).toBe(true);
            expect(up.outputs.apiKeyKind.value).toBe(makesLegacyKeys(g) ? "apikey" : "serviceaccount");
            if (g.dataDir) {
                // The ApiKey tried a legacy key first: made on 10.0, refused with 410 on 11.6 and 404 on 12.x, where it
                // made a service account and token instead (the emulator's request log says what it answered).
                const answered = (method: string, p: RegExp) =>
                    fs
                        .readFileSync(path.join(g.dataDir, "logs", "grafana.log"), "utf8")
                        .split("\n")
                        .map((l) => / method=(\S+) path=(\S+) status=(\d+)/.exec(l))
                        .filter((m): m is RegExpExecArray => m !== null && m[1] === method && p.test(m[2]))
                        .map((m) => Number(m[3]));
                expect(answered("POST", /^\/api\/auth\/keys$/)).toEqual([KEYS_STATUS[profile]]);
                expect(answered("POST", /^\/api\/serviceaccounts\/\d+\/tokens$/)).toEqual(KEYS_STATUS[profile] === 200 ? [] : [200]);
            }

            const org = await http(g, "GET", "/api/org", { auth: key });
            expect(org).toMatchObject({ status: 200, body: { id: orgId, name: orgName } });
            const dash = await http(g, "GET", `/api/dashboards/uid/${dashboardUid}`, { auth: key });
            expect(dash).toMatchObject({ status: 200, body: { dashboard: { title: "Production Overview", uid: dashboardUid } } });
            const users = (await http(g, "GET", `/api/orgs/${orgId}/users`)).body as { login: string; role: string }[];
            expect(users.map((u) => [u.login, u.role]).sort()).toEqual(
                [
                    [g.adminUser, "Admin"],
                    [bob, "Viewer"],
                ].sort(),
            );
        });

        test("the state names the package (linked here as an npm workspace) and holds no path of this machine", async () => {
            const state = JSON.stringify((await stack.exportStack()).deployment);
            const providers = [...state.matchAll(/"__provider":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
            expect(providers.length).toBeGreaterThanOrEqual(5);
            for (const text of providers) {
                expect(text).toMatch(/pulumi-grafana-dynamic\/dist\/host\/[a-z-]+\.js/);
                for (const abs of [path.resolve(__dirname, "../.."), os.homedir(), os.tmpdir()]) expect(text).not.toContain(abs);
            }
        });

        test("a second preview reports no changes", async () => {
            const p = await stack.preview();
            expect(changesOf(p.changeSummary)).toEqual({});
        });

        test("org rename, role change and dashboard title edit are in-place updates (ids unchanged)", async () => {
            await stack.setAllConfig({
                orgName: { value: `${orgName}-renamed` },
                memberRole: { value: "Editor" },
                dashboardTitle: { value: "Production Overview (edited)" },
            });
            const up = await stack.up();
            expect(changesOf(up.summary.resourceChanges)).toEqual({ update: 3 });
            expect(up.outputs.orgId.value).toBe(orgId);
            expect(up.outputs.dashboardUid.value).toBe(dashboardUid);
            expect((await http(g, "GET", `/api/orgs/${orgId}`)).body).toMatchObject({ id: orgId, name: `${orgName}-renamed` });
            const users = (await http(g, "GET", `/api/orgs/${orgId}/users`)).body as { login: string; role: string }[];
            expect(users.find((u) => u.login === bob)?.role).toBe("Editor");
            const dash = await http(g, "GET", `/api/dashboards/uid/${dashboardUid}`, { auth: key });
            expect(dash.body).toMatchObject({ dashboard: { title: "Production Overview (edited)" }, meta: { version: 2 } });
            expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
        });

        test("switching the key to a service account replaces the key and updates the dashboard's credential", async () => {
            await stack.setConfig("useServiceAccount", { value: "true" });
            const up = await stack.up();
            expect(changesOf(up.summary.resourceChanges)).toEqual({ replace: 1, update: 1 });
            expect(up.outputs.apiKeyKind.value).toBe("serviceaccount");
            const oldKey = key;
            key = up.outputs.apiKey.value as string;
            expect(key).not.toBe(oldKey);
            expect((await http(g, "GET", "/api/org", { auth: key })).body).toMatchObject({ id: orgId });
            expect((await http(g, "GET", "/api/org", { auth: oldKey })).status).toBe(401);
            const sas = (await http(g, "GET", "/api/serviceaccounts/search?query=apikeycurl", { orgId })).body as {
                serviceAccounts: { name: string; role: string }[];
            };
            expect(sas.serviceAccounts.map((s) => [s.name, s.role])).toEqual([["apikeycurl", "Admin"]]);
            if (makesLegacyKeys(g)) {
                expect((await http(g, "GET", "/api/auth/keys", { orgId })).body).toEqual([]);
            }
        });

        test("a dashboard deleted out of band is found by refresh and recreated by the next up", async () => {
            expect((await http(g, "DELETE", `/api/dashboards/uid/${dashboardUid}`, { auth: key })).status).toBe(200);
            const r = await stack.refresh();
            expect(changesOf(r.summary.resourceChanges)).toEqual({ delete: 1 });
            const up = await stack.up();
            expect(changesOf(up.summary.resourceChanges)).toEqual({ create: 1 });
            dashboardUid = up.outputs.dashboardUid.value as string;
            expect((await http(g, "GET", `/api/dashboards/uid/${dashboardUid}`, { auth: key })).status).toBe(200);
        });

        test("a dashboard edited out of band is found by refresh and put back by the next up", async () => {
            const current = (await http(g, "GET", `/api/dashboards/uid/${dashboardUid}`, { auth: key })).body as {
                dashboard: Record<string, unknown>;
            };
            const edited = await http(g, "POST", "/api/dashboards/db", {
                auth: key,
                body: { dashboard: { ...current.dashboard, title: "Edited by hand" }, overwrite: true },
            });
            expect(edited.status).toBe(200);
            await stack.refresh();
            const preview = await stack.preview({ diff: true });
            expect(changesOf(preview.changeSummary)).toEqual({ update: 1 });
            // Field level: the changed line with its old and new value, not a hash and not the whole model.
            const lines = preview.stdout.split("\n");
            expect(lines.some((l) => /^\s*-\s+"title":"Edited by hand"/.test(l))).toBe(true);
            expect(lines.some((l) => /^\s*\+\s+"title":"Production Overview \(edited\)"/.test(l))).toBe(true);
            expect(preview.stdout).not.toMatch(/dashboardHash|changed-in-grafana|__resourceName|__autoUid/);
            await stack.up();
            const back = (await http(g, "GET", `/api/dashboards/uid/${dashboardUid}`, { auth: key })).body as { dashboard: { title: string } };
            expect(back.dashboard.title).toBe("Production Overview (edited)");
            expect(changesOf((await stack.refresh()).summary.resourceChanges)).toEqual({});
        });

        testUnless(needsOwnServer("it changes the server admin's password"))(
            "an admin password rotation replaces and updates no Grafana resource",
            async () => {
                const newPassword = `${g.adminPassword}-rotated`;
                const changed = await http(g, "PUT", "/api/user/password", {
                    body: { oldPassword: g.adminPassword, newPassword, confirmNew: newPassword },
                });
                expect(changed.status).toBe(200);
                g.adminPassword = newPassword;
                await stack.setConfig("grafana:auth", { value: `${g.adminUser}:${newPassword}`, secret: true });
                // The engine records stack config in the default provider's state: that is the one update (refresh and
                // destroy read the provider config from the state, so `up` must run once after a rotation).
                const ops: string[] = [];
                const onEvent = (e: EngineEvent) => {
                    const m = e.resourcePreEvent?.metadata;
                    if (m && m.op !== "same") ops.push(`${m.op} ${m.type}`);
                };
                await stack.preview({ onEvent });
                expect(ops).toEqual(["update pulumi:providers:pulumi-nodejs"]);
                ops.length = 0;
                await stack.up({ onEvent });
                expect(ops).toEqual(["update pulumi:providers:pulumi-nodejs"]);
                expect(changesOf((await stack.refresh()).summary.resourceChanges)).toEqual({});
                expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
            },
        );

        test("pulumi stack export and the state file hold neither the admin password nor the key in plaintext", async () => {
            const env = { ...process.env, ...pulumiEnv(stateDir, node) };
            const exported = execFileSync(path.join(pulumiBinDir(), "pulumi"), ["stack", "export", "--stack", stack.name], {
                cwd: SEED_DIR,
                env,
            }).toString();
            const stateFiles = execFileSync("find", [stateDir, "-name", "*.json", "-path", "*stacks*"]).toString().trim().split("\n");
            expect(stateFiles.length).toBeGreaterThan(0);
            for (const text of [exported, ...stateFiles.map((f) => fs.readFileSync(f, "utf8"))]) {
                expect(text).not.toContain(g.adminPassword);
                expect(text).not.toContain(key);
                expect(text).toContain("4dabf18193072939515e22adb298388d"); // Pulumi's secret signature: secrets are there, encrypted
            }
            // and the key is in there, encrypted: the CLI gives it back with --show-secrets
            expect(
                execFileSync(path.join(pulumiBinDir(), "pulumi"), ["stack", "output", "apiKey", "--show-secrets", "--stack", stack.name], {
                    cwd: SEED_DIR,
                    env,
                })
                    .toString()
                    .trim(),
            ).toBe(key);
        });

        test("destroy removes everything; Grafana shows no leftover org, key, service account or dashboard", async () => {
            const d = await stack.destroy();
            expect(changesOf(d.summary.resourceChanges)).toEqual({ delete: 6 });
            expect((await http(g, "GET", "/api/orgs")).body).toEqual(orgsBefore);
            expect((await http(g, "GET", `/api/orgs/${orgId}`)).status).toBe(404);
            expect((await http(g, "GET", "/api/org", { auth: key })).status).toBe(401);
            expect((await http(g, "GET", "/api/search?query=Production")).body).toEqual(searchBefore);
            const sas = (await http(g, "GET", "/api/serviceaccounts/search?query=apikeycurl")).body;
            expect(sas).toEqual(saBefore);
            // Removing a membership never deletes the user.
            expect((await http(g, "GET", `/api/users/lookup?loginOrEmail=${bob}`)).status).toBe(200);
        });
    });
