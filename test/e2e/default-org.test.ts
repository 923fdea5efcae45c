// The org rule through the real Pulumi CLI: stack config grafana:orgId names a second org, and a Folder, a Dashboard
// in it, a DataSource, a ServiceAccount and its token, none with orgId, all land in that org (not the admin's current
// org 1). A later change of grafana:orgId is a replace the preview shows; destroy leaves nothing.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, OpMap, Stack } from "@pulumi/pulumi/automation";
import { e2eProfiles, e2eReady, missingForE2e, RealGrafana, realGrafanaTarget, startGrafana } from "../support/grafana-server";
import { missingPulumiBinaries, pulumiCommand, pulumiEnv } from "../support/pulumi-env";

jest.setTimeout(300_000);

const DIR = path.resolve(__dirname, "programs/default-org");
const ready = e2eReady("default-org e2e", [...missingPulumiBinaries(), ...missingForE2e()]);
const real = realGrafanaTarget() !== undefined;

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
    try {
        return { status: res.status, body: JSON.parse(text) };
    } catch {
        return { status: res.status, body: text };
    }
}

function changesOf(summary: OpMap | undefined): Record<string, number> {
    return Object.fromEntries(Object.entries(summary ?? {}).filter(([op, n]) => op !== "same" && (n ?? 0) > 0)) as Record<string, number>;
}

if (ready)
    describe.each(e2eProfiles())("grafana:orgId decides the org of every resource without orgId, real Pulumi CLI, Grafana %s", (profile) => {
        let g: RealGrafana;
        let stack: Stack;
        let stateDir: string;
        let second: number;
        const orgName = real ? `default-org-e2e-${Date.now().toString(36)}` : "default-org";

        beforeAll(async () => {
            g = await startGrafana(profile);
            const made = await http(g, "POST", "/api/orgs", { body: { name: orgName } });
            expect(made.status).toBe(200);
            second = Number(made.body.orgId);
            // The admin's current org stays 1: the old trap put the folder there and the dashboard in `second`.
            expect((await http(g, "GET", "/api/org")).body.id).not.toBe(second);
            stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `pgd-default-org-${profile}-`));
            fs.rmSync(path.join(DIR, `Pulumi.default-org-${profile}.yaml`), { force: true });
            stack = await LocalWorkspace.createOrSelectStack(
                { stackName: `default-org-${profile}`, workDir: DIR },
                { envVars: pulumiEnv(stateDir), pulumiCommand: await pulumiCommand() },
            );
            await stack.setAllConfig({
                "grafana:url": { value: g.url },
                "grafana:auth": { value: `${g.adminUser}:${g.adminPassword}`, secret: true },
                "grafana:orgId": { value: String(second) },
            });
        });

        afterAll(async () => {
            await stack?.destroy().catch(() => undefined);
            await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
            if (g && second) await http(g, "DELETE", `/api/orgs/${second}`).catch(() => undefined);
            await g?.stop();
            if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
        });

        test("up: folder, dashboard in it, data source, service account and token all land in grafana:orgId's org", async () => {
            const up = await stack.up();
            expect(changesOf(up.summary.resourceChanges)).toEqual({ create: 6 }); // and the stack
            const o = up.outputs;
            for (const k of ["folderOrg", "dashboardOrg", "dataSourceOrg", "serviceAccountOrg", "tokenOrg"]) {
                expect({ [k]: o[k].value }).toEqual({ [k]: second });
            }
            expect((await http(g, "GET", `/api/folders/${o.folderUid.value}`, { orgId: second })).status).toBe(200);
            const dash = (await http(g, "GET", `/api/dashboards/uid/${o.dashboardUid.value}`, { orgId: second })).body;
            expect(dash.meta.folderUid).toBe(o.folderUid.value);
            expect((await http(g, "GET", `/api/datasources/uid/${o.dataSourceUid.value}`, { orgId: second })).status).toBe(200);
            const sa = (await http(g, "GET", `/api/serviceaccounts/${o.serviceAccountId.value}`, { orgId: second })).body;
            expect(sa).toMatchObject({ name: "default-org-bot", orgId: second });
            // The token signs in to that org.
            expect((await http(g, "GET", "/api/org", { auth: o.tokenKey.value })).body.id).toBe(second);
            // And nothing in org 1.
            expect((await http(g, "GET", `/api/folders/${o.folderUid.value}`, { orgId: 1 })).status).toBe(404);
            expect((await http(g, "GET", `/api/datasources/uid/${o.dataSourceUid.value}`, { orgId: 1 })).status).toBe(404);
            expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
        });

        test("a change of grafana:orgId is a visible diff: the preview replaces every resource that took the default", async () => {
            await stack.setConfig("grafana:orgId", { value: "1" });
            try {
                expect(changesOf((await stack.preview()).changeSummary)).toEqual({ replace: 5 });
            } finally {
                await stack.setConfig("grafana:orgId", { value: String(second) });
            }
            expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
        });

        test("destroy leaves nothing in the org", async () => {
            const o = await stack.outputs();
            const d = await stack.destroy();
            expect(changesOf(d.summary.resourceChanges)).toEqual({ delete: 6 });
            expect((await http(g, "GET", `/api/folders/${o.folderUid.value}`, { orgId: second })).status).toBe(404);
            expect((await http(g, "GET", `/api/dashboards/uid/${o.dashboardUid.value}`, { orgId: second })).status).toBe(404);
            expect((await http(g, "GET", `/api/datasources/uid/${o.dataSourceUid.value}`, { orgId: second })).status).toBe(404);
            expect((await http(g, "GET", `/api/serviceaccounts/${o.serviceAccountId.value}`, { orgId: second })).status).toBe(404);
        });
    });
