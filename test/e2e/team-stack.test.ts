// examples/team-stack through the real Pulumi CLI (Automation API, file:// backend) against the Grafana API emulator
// (each e2e profile) or a real Grafana given by GRAFANA_URL: folder, data source, service account with a rotating token, a typed and an exported dashboard.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, OpMap, Stack } from "@pulumi/pulumi/automation";
import { e2eProfiles, e2eReady, missingForE2e, RealGrafana, realGrafanaTarget, startGrafana } from "../support/grafana-server";
import { missingPulumiBinaries, pulumiBinDir, pulumiCommand, pulumiEnv } from "../support/pulumi-env";

jest.setTimeout(300_000);

const DIR = path.resolve(__dirname, "../../examples/team-stack");
const PROJECT = "grafana-team-stack";
const PROM_TOKEN = "prom-Bearer-7f1e2d9c";
const real = realGrafanaTarget() !== undefined;
const ready = e2eReady("team-stack e2e", [...missingPulumiBinaries(), ...missingForE2e()]);

interface Http {
    status: number;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test-only JSON from Grafana
    body: any;
}

async function http(g: RealGrafana, method: string, p: string, opts: { auth?: string; orgId?: number; body?: unknown } = {}): Promise<Http> {
    const auth = opts.auth ?? `${g.adminUser}:${g.adminPassword}`;
    const headers: Record<string, string> = {
        Authorization: auth.includes(":") ? `Basic ${Buffer.from(auth).toString("base64")}` : `Bearer ${auth}`,
        "Content-Type": "application/json",
    };
    if (opts.orgId) headers["X-Grafana-Org-Id"] = String(opts.orgId);
    const res = await fetch(`${g.url}${p}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await res.text();
    let body: unknown = text;
    try {
        body = JSON.parse(text);
    } catch {
        /* not JSON */
    }
    return { status: res.status, body };
}

function changesOf(summary: OpMap | undefined): Record<string, number> {
    return Object.fromEntries(Object.entries(summary ?? {}).filter(([op, n]) => op !== "same" && (n ?? 0) > 0)) as Record<string, number>;
}

if (ready)
    describe.each(e2eProfiles())("team-stack example, real Pulumi CLI, Grafana %s", (profile) => {
        let g: RealGrafana;
        // On a real Grafana, an org name of this run only.
        const orgName = real ? `team-a-e2e-${Date.now().toString(36)}` : "team-a";
        /** Org 1's view before the run (a real Grafana holds other things): destroy must leave it so. */
        const before: Record<string, unknown> = {};
        const ORG1_VIEWS = ["/api/orgs", "/api/search?query=", "/api/datasources", "/api/serviceaccounts/search"];
        let stack: Stack;
        let stateDir: string;
        let orgId: number;
        let folderUid: string;
        let key: string;
        const out = async () => stack.outputs();

        beforeAll(async () => {
            g = await startGrafana(profile);
            for (const p of ORG1_VIEWS) before[p] = (await http(g, "GET", p)).body;
            stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `pgd-team-${profile}-`));
            // A run killed mid-suite (no afterAll) leaves its stack config in the program dir.
            fs.rmSync(path.join(DIR, `Pulumi.team-${profile}.yaml`), { force: true });
            stack = await LocalWorkspace.createOrSelectStack(
                { stackName: `team-${profile}`, workDir: DIR },
                { envVars: pulumiEnv(stateDir), pulumiCommand: await pulumiCommand() },
            );
            await stack.setAllConfig({
                "grafana:url": { value: g.url },
                "grafana:auth": { value: `${g.adminUser}:${g.adminPassword}`, secret: true },
                orgName: { value: orgName },
                prometheusToken: { value: PROM_TOKEN, secret: true },
                // The team and its private folder are test/e2e/team-access.test.ts's.
                privateTeam: { value: "false" },
            });
        });

        afterAll(async () => {
            await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
            await g?.stop();
            if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
        });

        test("up creates org, folder, data source, service account, token and both dashboards in the folder, saved with the token", async () => {
            const up = await stack.up();
            expect(changesOf(up.summary.resourceChanges)).toEqual({ create: 8 });
            const o = up.outputs;
            orgId = o.orgId.value;
            folderUid = o.folderUid.value;
            key = o.tokenKey.value;
            expect(o.tokenKey.secret).toBe(true);
            expect(o.tokenName.value).toMatch(/^dashboards-1-[0-9a-f]{6}$/);
            expect((await http(g, "GET", "/api/org", { auth: key })).body).toMatchObject({ id: orgId, name: orgName });
            expect((await http(g, "GET", `/api/folders/${folderUid}`, { orgId })).body).toMatchObject({ uid: folderUid, title: "Team A" });
            const ds = (await http(g, "GET", `/api/datasources/uid/${o.dataSourceUid.value}`, { orgId })).body;
            expect(ds).toMatchObject({ name: "Prometheus", type: "prometheus", jsonData: { httpMethod: "POST", httpHeaderName1: "Authorization" } });
            expect(ds.secureJsonFields).toEqual({ httpHeaderValue1: true });
            const sa = (await http(g, "GET", `/api/serviceaccounts/${o.serviceAccountId.value}`, { orgId })).body;
            expect(sa).toMatchObject({ name: "dashboards-bot", role: "Editor", isDisabled: false });
            const typed = (await http(g, "GET", `/api/dashboards/uid/${o.typedDashboardUid.value}`, { auth: key })).body;
            expect(typed.meta.folderUid).toBe(folderUid);
            expect(typed.dashboard).toMatchObject({
                title: "API latency",
                schemaVersion: 42,
                panels: [{ type: "timeseries", datasource: { uid: o.dataSourceUid.value } }],
            });
            const file = (await http(g, "GET", `/api/dashboards/uid/${o.fileDashboardUid.value}`, { auth: key })).body;
            expect(file.meta.folderUid).toBe(folderUid);
            expect(file.dashboard.panels[0].datasource.uid).toBe(o.dataSourceUid.value);
            expect(file.dashboard.panels[0].targets[0].expr).toBe('rate(http_requests_total{job="api"}[5m])');
            expect(file.dashboard.__inputs).toBeUndefined();
        });

        test("a second preview shows no changes (the typed model's builder defaults are no perpetual diff)", async () => {
            expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
        });

        test("folder title, bot role, data source URL and typed dashboard title are in-place updates", async () => {
            const before = await out();
            await stack.setAllConfig({
                folderTitle: { value: "Team A (renamed)" },
                botRole: { value: "Admin" },
                prometheusUrl: { value: "http://prometheus.invalid:9091" },
                typedTitle: { value: "API latency (p99)" },
            });
            const up = await stack.up();
            expect(changesOf(up.summary.resourceChanges)).toEqual({ update: 4 });
            for (const k of ["folderUid", "dataSourceUid", "serviceAccountId", "typedDashboardUid", "tokenName"])
                expect(up.outputs[k].value).toEqual(before[k].value);
            expect((await http(g, "GET", `/api/folders/${folderUid}`, { orgId })).body).toMatchObject({ title: "Team A (renamed)", version: 2 });
            expect((await http(g, "GET", `/api/serviceaccounts/${before.serviceAccountId.value}`, { orgId })).body.role).toBe("Admin");
            expect((await http(g, "GET", `/api/datasources/uid/${before.dataSourceUid.value}`, { orgId })).body.url).toBe(
                "http://prometheus.invalid:9091",
            );
            expect((await http(g, "GET", `/api/dashboards/uid/${before.typedDashboardUid.value}`, { auth: key })).body.dashboard.title).toBe(
                "API latency (p99)",
            );
            expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
        });

        test("a folder uid change replaces the folder: the new one first, the dashboards move to it, then the old one goes", async () => {
            await stack.setAllConfig({ folderUid: { value: "team-a-dashboards" }, folderTitle: { value: "Team A dashboards" } });
            const up = await stack.up();
            expect(changesOf(up.summary.resourceChanges)).toEqual({ replace: 1, update: 2 });
            expect(up.outputs.folderUid.value).toBe("team-a-dashboards");
            expect((await http(g, "GET", `/api/folders/${folderUid}`, { orgId })).status).toBe(404);
            folderUid = "team-a-dashboards";
            for (const uid of [up.outputs.typedDashboardUid.value, up.outputs.fileDashboardUid.value]) {
                expect((await http(g, "GET", `/api/dashboards/uid/${uid}`, { auth: key })).body.meta.folderUid).toBe(folderUid);
            }
            expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
        });

        test("refresh finds changes made in Grafana (folder title, secure field removed, role); up puts them back", async () => {
            const o = await out();
            await http(g, "PUT", `/api/folders/${folderUid}`, { orgId, body: { title: "by hand", overwrite: true } });
            const ds = (await http(g, "GET", `/api/datasources/uid/${o.dataSourceUid.value}`, { orgId })).body;
            const dropped = await http(g, "PUT", `/api/datasources/uid/${o.dataSourceUid.value}`, {
                orgId,
                body: { ...ds, secureJsonData: { httpHeaderValue1: "" } },
            });
            expect(dropped.body.datasource.secureJsonFields).toEqual({});
            await http(g, "PATCH", `/api/serviceaccounts/${o.serviceAccountId.value}`, { orgId, body: { role: "Viewer" } });
            const r = await stack.refresh();
            expect(changesOf(r.summary.resourceChanges)).toEqual({ update: 3 });
            // Only the three: the folder's and data source's uids and the service account's id stay known in the
            // preview, so neither the dashboards nor the token show a change.
            expect(changesOf((await stack.preview()).changeSummary)).toEqual({ update: 3 });
            await stack.up();
            expect((await http(g, "GET", `/api/folders/${folderUid}`, { orgId })).body.title).toBe("Team A dashboards");
            expect((await http(g, "GET", `/api/datasources/uid/${o.dataSourceUid.value}`, { orgId })).body.secureJsonFields).toEqual({
                httpHeaderValue1: true,
            });
            expect((await http(g, "GET", `/api/serviceaccounts/${o.serviceAccountId.value}`, { orgId })).body.role).toBe("Admin");
            expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
        });

        test("inside the rotation window (clock faked with PGD_TEST_NOW): a new token first, dashboards move to it, the old one is deleted", async () => {
            const before = await out();
            const expires = Date.parse(before.tokenExpiration.value);
            expect(expires - Date.now()).toBeGreaterThan(29 * 24 * 3600_000);
            // One day before expiry: inside the 7-day window.
            stack.workspace.envVars.PGD_TEST_NOW = new Date(expires - 24 * 3600_000).toISOString();
            try {
                expect(changesOf((await stack.preview()).changeSummary)).toEqual({ replace: 1, update: 2 });
                const up = await stack.up();
                expect(changesOf(up.summary.resourceChanges)).toEqual({ replace: 1, update: 2 });
                const newKey = up.outputs.tokenKey.value as string;
                expect(newKey).not.toBe(key);
                expect(up.outputs.tokenName.value).toMatch(/^dashboards-2-[0-9a-f]{6}$/);
                expect((await http(g, "GET", "/api/org", { auth: newKey })).status).toBe(200);
                expect((await http(g, "GET", "/api/org", { auth: key })).status).toBe(401);
                const tokens = (await http(g, "GET", `/api/serviceaccounts/${before.serviceAccountId.value}/tokens`, { orgId })).body as {
                    name: string;
                }[];
                expect(tokens.map((t) => t.name)).toEqual([up.outputs.tokenName.value]);
                key = newKey;
            } finally {
                delete stack.workspace.envVars.PGD_TEST_NOW;
            }
            expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
        });

        test("the state holds neither the token, the data source secret nor the admin password in plaintext", async () => {
            const env = { ...process.env, ...pulumiEnv(stateDir) };
            const exported = execFileSync(path.join(pulumiBinDir(), "pulumi"), ["stack", "export", "--stack", stack.name], {
                cwd: DIR,
                env,
            }).toString();
            for (const secret of [key, PROM_TOKEN, g.adminPassword]) expect(exported).not.toContain(secret);
            expect(exported).toContain("4dabf18193072939515e22adb298388d");
        });

        test("destroy: the stack's dashboards go first, the folder refuses while a foreign dashboard is in it; forceDestroy then removes everything", async () => {
            const o = await out();
            const foreign = await http(g, "POST", "/api/dashboards/db", {
                orgId,
                body: { dashboard: { title: "Made by hand", uid: "by-hand" }, folderUid },
            });
            expect(foreign.status).toBe(200);
            let message = "";
            await stack.destroy().catch((e: Error) => (message = e.message));
            expect(message).toContain(
                `refusing to delete folder "${folderUid}": Grafana would delete what it still holds, which this stack does not manage: dashboard "Made by hand" (uid by-hand)`,
            );
            expect((await http(g, "GET", `/api/dashboards/uid/${o.typedDashboardUid.value}`, { orgId })).status).toBe(404);
            expect((await http(g, "GET", `/api/dashboards/uid/by-hand`, { orgId })).status).toBe(200);
            expect((await http(g, "GET", `/api/folders/${folderUid}`, { orgId })).status).toBe(200);
            // forceDestroy recorded on the folder alone, then destroy.
            await stack.setConfig("forceDestroy", { value: "true" });
            const target = await stack.up({ target: [`urn:pulumi:${stack.name}::${PROJECT}::pulumi-nodejs:dynamic/grafana:Folder::team-folder`] });
            expect(changesOf(target.summary.resourceChanges)).toEqual({ update: 1 });
            // What the refused destroy left (the folder, the org and what else it had not reached): all of it goes now.
            const left = (await stack.exportStack()).deployment.resources as { type: string }[];
            const leftTypes = left.filter((r) => !r.type.startsWith("pulumi:providers:")).map((r) => r.type);
            expect(leftTypes).toEqual(expect.arrayContaining(["pulumi-nodejs:dynamic/grafana:Folder", "pulumi-nodejs:dynamic/grafana:Organization"]));
            expect(leftTypes).not.toContain("pulumi-nodejs:dynamic/grafana:Dashboard");
            const d = await stack.destroy();
            expect(changesOf(d.summary.resourceChanges)).toEqual({ delete: leftTypes.length });
            expect((await http(g, "GET", `/api/dashboards/uid/by-hand`, { orgId })).status).toBe(404);
            expect((await http(g, "GET", `/api/orgs/${orgId}`)).status).toBe(404);
            expect((await http(g, "GET", "/api/org", { auth: key })).status).toBe(401);
            for (const p of ORG1_VIEWS) expect({ [p]: (await http(g, "GET", p)).body }).toEqual({ [p]: before[p] });
            const exported = JSON.parse(
                execFileSync(path.join(pulumiBinDir(), "pulumi"), ["stack", "export", "--stack", stack.name], {
                    cwd: DIR,
                    env: { ...process.env, ...pulumiEnv(stateDir) },
                }).toString(),
            );
            expect(exported.deployment.resources ?? []).toEqual([]);
        });
    });
