// A stack written by pulumi-grafana-dynamic 0.1.0 (test/fixtures/upgrade-0.1.0: the state from the real CLI on
// Grafana 10.0, secrets encrypted under a test passphrase, and an emulator snapshot holding the same orgs, users, key and
// dashboard its ids and keys name) must keep working with this version, on every e2e profile (made on 10.0, then served
// by 12.x: an upgraded Grafana): installed into the program from `npm pack`, it previews with no changes, refreshes
// with no changes and destroys, leaving nothing in Grafana. Read and delete run the installed library with the state 0.1.0 wrote.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, OpMap, Stack } from "@pulumi/pulumi/automation";
import { e2eProfiles, e2eReady, missingForE2e, needsOwnServer, RealGrafana, startGrafana } from "../support/grafana-server";
import { e2eNodeMajors, missingPulumiBinaries, pulumiCommand, pulumiEnv } from "../support/pulumi-env";

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, "../..");
const FIXTURE = path.join(ROOT, "test/fixtures/upgrade-0.1.0");
// Test data only (see the fixture's README).
const ADMIN_PASSWORD = "upgrade-fixture-admin-pw";
const PASSPHRASE = "upgrade-fixture-passphrase";
const SNAPSHOT = path.join(FIXTURE, "emulator-store.json.gz");
const ownServer = needsOwnServer("it starts a server from the fixture's snapshot");
const ready = e2eReady("upgrade test", [
    ...missingPulumiBinaries(),
    ...(ownServer ? [] : missingForE2e()),
    ...(fs.existsSync(SNAPSHOT) ? [] : [`the fixture's emulator snapshot (${path.relative(ROOT, SNAPSHOT)})`]),
]);
if (ready && ownServer) test.skip(`upgrade test [${ownServer}]`, () => undefined);
const run = ready && !ownServer;

function changesOf(summary: OpMap | undefined): Record<string, number> {
    return Object.fromEntries(Object.entries(summary ?? {}).filter(([op, n]) => op !== "same" && (n ?? 0) > 0)) as Record<string, number>;
}

async function http(g: RealGrafana, p: string, auth = `admin:${ADMIN_PASSWORD}`): Promise<{ status: number; body: unknown }> {
    const authorization = auth.includes(":") ? `Basic ${Buffer.from(auth).toString("base64")}` : `Bearer ${auth}`;
    const res = await fetch(`${g.url}${p}`, { headers: { Authorization: authorization } });
    const text = await res.text();
    try {
        return { status: res.status, body: JSON.parse(text) };
    } catch {
        return { status: res.status, body: text };
    }
}

let tmp: string;
let program: string;

beforeAll(() => {
    if (!run) return;
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "pgd-upgrade-")));
    // This version as users get it: `npm pack` (prepare builds dist/), installed from the tarball.
    const packed = JSON.parse(
        execFileSync("npm", ["pack", "--json", "--pack-destination", tmp], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
    ) as { filename: string }[];
    program = path.join(tmp, "program");
    fs.cpSync(path.join(FIXTURE, "program"), program, { recursive: true });
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", path.join(tmp, packed[0].filename)], {
        cwd: program,
        stdio: "ignore",
    });
}, 300_000);

afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const matrix = (): [string, string][] => e2eProfiles().flatMap((p) => e2eNodeMajors().map((n): [string, string] => [p, n]));
if (run)
    describe.each(matrix())("a 0.1.0 stack with this version, Grafana emulator %s, Node %s", (profile, node) => {
        let g: RealGrafana;
        let stack: Stack;
        let stateDir: string;
        const old = JSON.parse(fs.readFileSync(path.join(FIXTURE, "stack.json"), "utf8")) as {
            deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] };
        };
        const outputsOf = (type: string) => old.deployment.resources.find((r) => r.type === `pulumi-nodejs:dynamic/grafana:${type}`)!.outputs!;
        const orgId = outputsOf("Organization").orgId as number;
        const uid = outputsOf("Dashboard").uid as string;

        beforeAll(async () => {
            g = await startGrafana(profile, { from: { db: SNAPSHOT, adminPassword: ADMIN_PASSWORD } });
            stateDir = fs.mkdtempSync(path.join(tmp, `state-${profile}-${node}-`));
            fs.copyFileSync(path.join(FIXTURE, "stack-config.yaml"), path.join(program, "Pulumi.upgrade.yaml"));
            const envVars = { ...pulumiEnv(stateDir, node), PULUMI_CONFIG_PASSPHRASE: PASSPHRASE };
            stack = await LocalWorkspace.createOrSelectStack(
                { stackName: "upgrade", workDir: program },
                { envVars, pulumiCommand: await pulumiCommand() },
            );
            // Grafana now listens on another port. refresh and destroy take the connection from the default provider's
            // state (the engine keeps the stack config there), so it moves too: the only edit made to the 0.1.0 state.
            const state = JSON.parse(fs.readFileSync(path.join(FIXTURE, "stack.json"), "utf8")) as {
                deployment: { resources: { type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] };
            };
            for (const r of state.deployment.resources.filter((r) => r.type === "pulumi:providers:pulumi-nodejs")) {
                for (const props of [r.inputs, r.outputs]) if (props && "grafana:url" in props) props["grafana:url"] = g.url;
            }
            await stack.importStack(state as unknown as Parameters<Stack["importStack"]>[0]);
            await stack.setConfig("grafana:url", { value: g.url });
        });

        afterAll(async () => {
            await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
            await g?.stop();
        });

        test("the restored store holds what 0.1.0 made", async () => {
            expect((await http(g, `/api/orgs/${orgId}`)).body).toMatchObject({ id: orgId, name: "apiorg" });
            expect((await http(g, `/api/dashboards/uid/${uid}`)).status).toBe(404); // in org 1's view: it lives in the new org
        });

        test("preview with this version: no changes", async () => {
            expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
        });

        test("refresh with this version: no changes, and a preview after it still none", async () => {
            expect(changesOf((await stack.refresh()).summary.resourceChanges)).toEqual({});
            expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
        });

        test("destroy removes the org, its key and its dashboard", async () => {
            const key = (await stack.outputs()).apiKey.value as string;
            expect((await http(g, "/api/org", key)).body).toMatchObject({ id: orgId });
            const d = await stack.destroy();
            expect(changesOf(d.summary.resourceChanges)).toEqual({ delete: 5 }); // stack + org + membership + key + dashboard
            expect((await http(g, "/api/orgs")).body).toEqual([{ id: 1, name: "Main Org." }]);
            expect((await http(g, `/api/orgs/${orgId}`)).status).toBe(404);
            expect((await http(g, "/api/org", key)).status).toBe(401);
            expect((await http(g, "/api/search?query=Production")).body).toEqual([]);
            expect((await http(g, "/api/users/lookup?loginOrEmail=admin")).status).toBe(200);
        });
    });
