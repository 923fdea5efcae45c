// examples/ci: the commands the pull-request workflow runs (examples/ci/preview.sh), run here with the real CLI against
// the Grafana API emulator (each e2e profile) or a real Grafana given by GRAFANA_URL: a one-panel edit in a 20-panel dashboard previews as a short line diff naming the changed field.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { e2eProfiles, e2eReady, missingForE2e, RealGrafana, startGrafana } from "../support/grafana-server";
import { missingPulumiBinaries, pulumiCommand, pulumiEnv } from "../support/pulumi-env";

jest.setTimeout(300_000);

const CI_DIR = path.resolve(__dirname, "../../examples/ci");
const PROGRAM_DIR = path.join(CI_DIR, "program");
const ready = e2eReady("examples/ci preview suite", [...missingPulumiBinaries(), ...missingForE2e()]);

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
    return new Promise((resolve) => {
        execFile(cmd, args, { env, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
        });
    });
}

if (ready)
    describe.each(e2eProfiles())("examples/ci: preview --diff of a pull request, real CLI, Grafana %s", (profile) => {
        let g: RealGrafana;
        let stack: Stack;
        let stateDir: string;
        let env: Record<string, string>;

        beforeAll(async () => {
            g = await startGrafana(profile);
            stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `pgd-ci-${profile}-`));
            env = pulumiEnv(stateDir);
            stack = await LocalWorkspace.createOrSelectStack(
                { stackName: `ci-${profile}`, workDir: PROGRAM_DIR },
                { envVars: env, pulumiCommand: await pulumiCommand() },
            );
            await stack.setAllConfig({
                "grafana:url": { value: g.url },
                "grafana:auth": { value: `${g.adminUser}:${g.adminPassword}`, secret: true },
                orgId: { value: "1" },
            });
            const up = await stack.up();
            expect(up.summary.resourceChanges).toMatchObject({ create: 2 });
        });

        afterAll(async () => {
            await stack?.destroy().catch(() => undefined);
            await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
            await g?.stop();
            if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
        });

        test("a one-panel edit: the preview names the changed field in a few lines, writes nothing, shows no secret", async () => {
            await stack.setAllConfig({ editedPanel: { value: "7" }, editedTitle: { value: "p99 latency, service 8" } });
            const before = await (
                await fetch(`${g.url}/api/search?type=dash-db`, {
                    headers: { Authorization: `Basic ${Buffer.from(`${g.adminUser}:${g.adminPassword}`).toString("base64")}` },
                })
            ).json();
            const { code, out } = await run("bash", [path.join(CI_DIR, "preview.sh")], {
                ...process.env,
                ...env,
                STACK: `ci-${profile}`,
                PROGRAM_DIR,
            });
            expect(code).toBe(0);
            const lines = out.trimEnd().split("\n");
            // What the workflow's log shows for the dashboard: from its header to the summary.
            const start = lines.findIndex((l) => l.includes("grafana:Dashboard: (update)"));
            const end = lines.findIndex((l, i) => i > start && l.startsWith("Resources:"));
            const section = lines.slice(start, end);
            process.stdout.write(`ci-preview: ${lines.length} lines in all, ${section.length} for the dashboard\n${section.join("\n")}\n`);
            expect(start).toBeGreaterThan(-1);
            expect(section.length).toBeLessThanOrEqual(40);
            expect(section.some((l) => /^\s*-\s+"title":"HTTP 5xx rate, service 8"/.test(l))).toBe(true);
            expect(section.some((l) => /^\s*\+\s+"title":"p99 latency, service 8"/.test(l))).toBe(true);
            expect(out).not.toContain(g.adminPassword);
            expect(out).toMatch(/1 to update/);
            // preview is read-only
            const after = await (
                await fetch(`${g.url}/api/search?type=dash-db`, {
                    headers: { Authorization: `Basic ${Buffer.from(`${g.adminUser}:${g.adminPassword}`).toString("base64")}` },
                })
            ).json();
            expect(after).toEqual(before);
            expect(fs.readFileSync(path.join(PROGRAM_DIR, "preview.txt"), "utf8")).toContain('"title":"p99 latency, service 8"');
        });

        test("a check failure on a ~470 KB exported dashboard is reported in a few lines, never by printing the model", async () => {
            const dir = path.resolve(__dirname, "programs/invalid-big");
            const bad = await LocalWorkspace.createOrSelectStack(
                { stackName: "invalid", workDir: dir },
                { envVars: env, pulumiCommand: await pulumiCommand() },
            );
            try {
                await bad.setAllConfig({
                    "grafana:url": { value: g.url },
                    "grafana:auth": { value: `${g.adminUser}:${g.adminPassword}`, secret: true },
                });
                const err = await bad.preview().then(
                    () => undefined,
                    (e: Error) => e.message,
                );
                expect(err).toBeDefined();
                const lines = err!.split("\n");
                process.stdout.write(`invalid-big: preview failed with ${lines.length} lines, ${err!.length} bytes\n`);
                expect(err).toMatch(/dashboard\.__inputs.*needs inputs it was not given: DS_PROMETHEUS \(datasource\)/);
                expect(lines.length).toBeLessThan(60);
                expect(err!.length).toBeLessThan(8000);
            } finally {
                await bad.workspace.removeStack("invalid", { force: true }).catch(() => undefined);
            }
        });
    });
