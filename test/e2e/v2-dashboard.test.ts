// Schema v2 dashboards through the real CLI on the 13.x profile: a v2 resource as Grafana 13 exports it and one from
// the foundation SDK's v2 builders go up, a second preview shows no changes (the server's defaults are no diff), and
// a one-panel edit previews as a short line diff naming the changed field.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, OpMap, Stack } from "@pulumi/pulumi/automation";
import { e2eProfiles, e2eReady, missingForE2e, RealGrafana, startGrafana } from "../support/grafana-server";
import { missingPulumiBinaries, pulumiCommand, pulumiEnv } from "../support/pulumi-env";

jest.setTimeout(300_000);

const DIR = path.resolve(__dirname, "programs/v2-dashboards");
const ready = e2eReady("v2 dashboards e2e", [...missingPulumiBinaries(), ...missingForE2e()]);

function changesOf(summary: OpMap | undefined): Record<string, number> {
    return Object.fromEntries(Object.entries(summary ?? {}).filter(([op, n]) => op !== "same" && (n ?? 0) > 0)) as Record<string, number>;
}

if (ready)
    describe.each(e2eProfiles(["13.x"]))("v2 dashboards, real Pulumi CLI, Grafana %s", (profile) => {
        let g: RealGrafana;
        let stack: Stack;
        let stateDir: string;
        const auth = () => `Basic ${Buffer.from(`${g.adminUser}:${g.adminPassword}`).toString("base64")}`;

        beforeAll(async () => {
            g = await startGrafana(profile);
            stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `pgd-v2-${profile}-`));
            fs.rmSync(path.join(DIR, `Pulumi.v2-${profile}.yaml`), { force: true });
            stack = await LocalWorkspace.createOrSelectStack(
                { stackName: `v2-${profile}`, workDir: DIR },
                { envVars: pulumiEnv(stateDir), pulumiCommand: await pulumiCommand() },
            );
            await stack.setAllConfig({
                "grafana:url": { value: g.url },
                "grafana:auth": { value: `${g.adminUser}:${g.adminPassword}`, secret: true },
            });
        });

        afterAll(async () => {
            await stack?.destroy().catch(() => undefined);
            await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
            await g?.stop();
            if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
        });

        test("up saves both as v2 (the legacy API then answers 406 for them)", async () => {
            const up = await stack.up();
            expect(changesOf(up.summary.resourceChanges)).toEqual({ create: 3 });
            for (const uid of [up.outputs.exportedUid.value as string, up.outputs.sdkUid.value as string]) {
                const v2 = await fetch(`${g.url}/apis/dashboard.grafana.app/v2/namespaces/default/dashboards/${uid}`, {
                    headers: { Authorization: auth() },
                });
                expect(v2.status).toBe(200);
                expect(((await v2.json()) as { spec: { elements: object } }).spec.elements).toBeDefined();
                expect((await fetch(`${g.url}/api/dashboards/uid/${uid}`, { headers: { Authorization: auth() } })).status).toBe(406);
            }
            expect(up.outputs.exportedUid.value).toBe("e2e-v2-exported");
        });

        test("a second preview shows no changes, and so does one after a refresh", async () => {
            expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
            expect(changesOf((await stack.refresh()).summary.resourceChanges)).toEqual({});
            expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
        });

        test("a one-panel edit previews in under 40 lines naming the field, then goes up in place", async () => {
            await stack.setAllConfig({ editedPanel: { value: "7" }, editedTitle: { value: "p99 latency, service 7" } });
            const pv = await stack.preview({ diff: true });
            const lines = pv.stdout.trimEnd().split("\n");
            const start = lines.findIndex((l) => l.includes("grafana:Dashboard: (update)"));
            const end = lines.findIndex((l, i) => i > start && l.startsWith("Resources:"));
            const section = lines.slice(start, end);
            process.stdout.write(`v2 one-panel edit: ${section.length} lines for the dashboard\n${section.join("\n")}\n`);
            expect(start).toBeGreaterThan(-1);
            expect(section.length).toBeLessThan(40);
            expect(section.some((l) => /^\s*-.*"title":\s*"HTTP 5xx rate, service 7"/.test(l))).toBe(true);
            expect(section.some((l) => /^\s*\+.*"title":\s*"p99 latency, service 7"/.test(l))).toBe(true);
            expect(changesOf((await stack.up()).summary.resourceChanges)).toEqual({ update: 1 });
            expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
        });

        test("destroy removes both", async () => {
            expect(changesOf((await stack.destroy()).summary.resourceChanges)).toEqual({ delete: 3 });
            const list = await fetch(`${g.url}/apis/dashboard.grafana.app/v2/namespaces/default/dashboards`, { headers: { Authorization: auth() } });
            expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);
        });
    });
