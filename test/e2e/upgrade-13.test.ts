// An in-place server upgrade: examples/team-stack made through the real CLI on the emulator's 10.0 profile, then the
// same server (data dir, store, port) restarted by emulator/bin/grafana-emulator as the 13.x profile. The stack keeps
// working: refresh finds no change, preview shows none, and destroy leaves nothing. Refresh on 13.x reads dashboards
// and folders through the app-platform API (the emulator's request log says so).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, OpMap, Stack } from "@pulumi/pulumi/automation";
import { e2eReady, missingForE2e, needsOwnServer, RealGrafana, startGrafana } from "../support/grafana-server";
import { missingPulumiBinaries, pulumiCommand, pulumiEnv } from "../support/pulumi-env";

jest.setTimeout(300_000);

const DIR = path.resolve(__dirname, "../../examples/team-stack");
const STACK = "upgrade-10-to-13";
const ownServer = needsOwnServer("it restarts the server as another profile");
const ready = e2eReady("upgrade 10.0 -> 13.x e2e", [...missingPulumiBinaries(), ...missingForE2e()]);
if (ready && ownServer) test.skip(`upgrade 10.0 -> 13.x [${ownServer}]`, () => undefined);

function changesOf(summary: OpMap | undefined): Record<string, number> {
    return Object.fromEntries(Object.entries(summary ?? {}).filter(([op, n]) => op !== "same" && (n ?? 0) > 0)) as Record<string, number>;
}

async function get(g: RealGrafana, p: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${g.url}${p}`, {
        headers: { Authorization: `Basic ${Buffer.from(`${g.adminUser}:${g.adminPassword}`).toString("base64")}` },
    });
    const text = await res.text();
    try {
        return { status: res.status, body: JSON.parse(text) };
    } catch {
        return { status: res.status, body: text };
    }
}

/** Request paths (method path status) the emulator logged since `from` lines. */
function logged(g: RealGrafana): string[] {
    return fs
        .readFileSync(path.join(g.dataDir, "logs", "grafana.log"), "utf8")
        .split("\n")
        .map((l) => / method=(\S+) path=(\S+) status=(\d+)/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => `${m[1]} ${m[2]} ${m[3]}`);
}

if (ready && !ownServer)
    describe("team-stack made on the 10.0 profile, the server then upgraded in place to 13.x", () => {
        let g: RealGrafana;
        let stack: Stack;
        let stateDir: string;
        let linesBefore = 0;

        beforeAll(async () => {
            g = await startGrafana("10.0");
            stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "pgd-upgrade13-"));
            fs.rmSync(path.join(DIR, `Pulumi.${STACK}.yaml`), { force: true });
            stack = await LocalWorkspace.createOrSelectStack(
                { stackName: STACK, workDir: DIR },
                { envVars: pulumiEnv(stateDir), pulumiCommand: await pulumiCommand() },
            );
            await stack.setAllConfig({
                "grafana:url": { value: g.url },
                "grafana:auth": { value: `${g.adminUser}:${g.adminPassword}`, secret: true },
                orgName: { value: "team-upgrade" },
                prometheusToken: { value: "prom-Bearer-up13", secret: true },
            });
        });

        afterAll(async () => {
            await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
            await g?.stop();
            if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
        });

        test("up on 10.0 creates the stack", async () => {
            // the stack and its 10 resources, the team with its private folder and permission list among them
            expect(changesOf((await stack.up()).summary.resourceChanges)).toEqual({ create: 11 });
            expect(((await get(g, "/api/health")).body as { version: string }).version).toBe("10.0.0");
        });

        test("the same data dir restarted as 13.x (same store and port)", async () => {
            await g.halt();
            const cfgFile = path.join(g.dataDir, "emulator.json");
            const cfg = JSON.parse(fs.readFileSync(cfgFile, "utf8")) as Record<string, unknown>;
            fs.writeFileSync(cfgFile, JSON.stringify({ ...cfg, profile: "13.x" }));
            await g.restart();
            expect(((await get(g, "/api/health")).body as { version: string }).version).toMatch(/^13\./);
            linesBefore = logged(g).length;
        });

        test("refresh on 13.x: no changes, read through /apis; a preview after it: no changes", async () => {
            expect(changesOf((await stack.refresh()).summary.resourceChanges)).toEqual({});
            const since = logged(g).slice(linesBefore);
            expect(since.filter((l) => /^GET \/apis\/dashboard\.grafana\.app\/v1\/namespaces\/org-\d+\/dashboards\/\S+ 200$/.test(l))).toHaveLength(
                2,
            );
            expect(since.filter((l) => /^GET \/apis\/folder\.grafana\.app\/v1\/namespaces\/org-\d+\/folders\/\S+ 200$/.test(l))).toHaveLength(2);
            // permission lists stay on the legacy API (13.x serves them there); nothing else does
            expect(since.filter((l) => /^GET \/api\/(dashboards|folders)\//.test(l) && !/\/permissions /.test(l))).toEqual([]);
            expect(since.filter((l) => /^GET \/api\/folders\/\S+\/permissions 200$/.test(l))).toHaveLength(1);
            expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
        });

        test("destroy on 13.x removes everything", async () => {
            // everything up made (the stack and its 10 resources)
            expect(changesOf((await stack.destroy()).summary.resourceChanges)).toEqual({ delete: 11 });
            expect((await get(g, "/api/orgs")).body).toEqual([{ id: 1, name: "Main Org." }]);
        });
    });
