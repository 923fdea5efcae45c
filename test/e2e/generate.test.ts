// `generate` end to end, through the real Pulumi CLI, on each e2e profile: a Grafana made by hand (two orgs, nested
// folders, two dashboards with the same title, a data source with a secret, a service account with a token, an Editor
// user) -> `generate` -> `npm install` (this package from `npm pack`) -> the printed `config set` lines -> `pulumi up`
// makes no write to Grafana (its request log) and leaves every dashboard version as it was -> `preview
// --expect-no-changes` exits 0 -> a one-panel edit in a generated file previews as one update -> a second `generate`
// writes the same files -> no secret in the files, the state or the CLI output.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, OpMap, Stack } from "@pulumi/pulumi/automation";
import { e2eProfiles, e2eReady, missingForE2e, needsOwnServer, RealGrafana, startGrafana } from "../support/grafana-server";
import { api, seedGrafana, Seeded, V2_UID } from "../support/generate-seed";
import { missingPulumiBinaries, pulumiCommand, pulumiEnv } from "../support/pulumi-env";

jest.setTimeout(600_000);

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "dist", "generate", "cli.js");
const ownServer = needsOwnServer("it seeds a Grafana with fixed names");
const ready = e2eReady("generate e2e", [
    ...missingPulumiBinaries(),
    ...missingForE2e(),
    ...(fs.existsSync(CLI) ? [] : ["dist/ (run npm run build)"]),
]);
if (ready && ownServer) test.skip(`generate e2e [${ownServer}]`, () => undefined);
const run = ready && !ownServer;

function changesOf(summary: OpMap | undefined): Record<string, number> {
    return Object.fromEntries(Object.entries(summary ?? {}).filter(([op, n]) => op !== "same" && (n ?? 0) > 0)) as Record<string, number>;
}

/** Every file under dir except what npm and the stack add, as relative path -> text. */
function generatedTree(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            if (["node_modules", "package-lock.json"].includes(e.name) || /^Pulumi\..+\.yaml$/.test(e.name)) continue;
            const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p);
            else out[path.relative(dir, p)] = fs.readFileSync(p, "utf8");
        }
    };
    walk(dir);
    return out;
}

const WRITE = /msg="Request Completed" method=(POST|PUT|PATCH|DELETE) path=(\S+)/;

let tmp: string;
let tarball: string;

beforeAll(() => {
    if (!run) return;
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "pgd-generate-e2e-")));
    // This package as users get it: `npm pack` (prepare builds dist/); the generated package.json names the tarball.
    const packed = JSON.parse(
        execFileSync("npm", ["pack", "--json", "--pack-destination", tmp], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
    ) as { filename: string }[];
    tarball = path.join(tmp, packed[0].filename);
}, 300_000);

afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

if (run)
    describe.each(e2eProfiles())("generate, then the real CLI on the generated program, Grafana emulator %s", (profile) => {
        let g: RealGrafana;
        let seeded: Seeded;
        let program: string;
        let stack: Stack;
        let env: Record<string, string>;
        let printed: string;
        let cliOutput = "";
        const admin = () => `${g.adminUser}:${g.adminPassword}`;
        const generate = (out: string) =>
            spawnSync(process.execPath, [CLI, "generate", "--out", out, "--url", g.url, "--auth", admin(), "--package-spec", `file:${tarball}`], {
                encoding: "utf8",
                env: { ...process.env, GRAFANA_URL: "", GRAFANA_AUTH: "" },
            });
        const versions = async () =>
            Promise.all(
                seeded.dashboards.map(async (d) => {
                    if (d.v2) {
                        // the legacy GET answers 406 for a v2-stored dashboard (12.1+): its generation is its version
                        const o = (await api(
                            g.url,
                            admin(),
                            "GET",
                            `/apis/dashboard.grafana.app/v2/namespaces/default/dashboards/${d.uid}`,
                            undefined,
                            d.orgId,
                        )) as {
                            metadata: { generation: number };
                        };
                        return `${d.orgId}/${d.uid}@${o.metadata.generation}`;
                    }
                    const got = (await api(g.url, admin(), "GET", `/api/dashboards/uid/${d.uid}`, undefined, d.orgId)) as {
                        meta: { version: number };
                    };
                    return `${d.orgId}/${d.uid}@${got.meta.version}`;
                }),
            );
        const logLines = () => fs.readFileSync(path.join(g.dataDir, "logs", "grafana.log"), "utf8").split("\n");
        const cli = (args: string[], input?: string) => {
            const r = spawnSync("pulumi", [...args, "--stack", stack.name, "--non-interactive"], {
                cwd: program,
                env: { ...process.env, ...env },
                input,
                encoding: "utf8",
            });
            if (args[0] !== "stack") cliOutput += r.stdout + r.stderr;
            return r;
        };

        beforeAll(async () => {
            g = await startGrafana(profile);
            seeded = await seedGrafana(g.url, admin(), profile !== "10.0");
            program = path.join(tmp, `program-${profile}`);
            const r = generate(program);
            cliOutput += r.stdout + r.stderr;
            expect(r.status).toBe(0);
            printed = r.stdout;
            process.stdout.write(`generate (${profile}):\n${r.stderr}${r.stdout}`);
            execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: program, stdio: "ignore" });
            const stateDir = fs.mkdtempSync(path.join(tmp, `state-${profile}-`));
            env = pulumiEnv(stateDir);
            stack = await LocalWorkspace.createOrSelectStack(
                { stackName: `adopt-${profile.replace(".", "-")}`, workDir: program },
                { envVars: env, pulumiCommand: await pulumiCommand() },
            );
        });

        afterAll(async () => {
            await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
            await g?.stop();
        });

        test("the printed config lines run as printed; `up` adopts everything with 0 writes and unchanged dashboard versions", async () => {
            const lines = printed.split("\n").filter((l) => l.startsWith("pulumi config set"));
            expect(lines.map((l) => l.replace(/\s+#.*$/, ""))).toEqual([
                `pulumi config set grafana:url ${g.url}`,
                "pulumi config set --secret grafana:auth",
                "pulumi config set --secret mainOrgPrometheusHttpHeaderValue1",
                "pulumi config set --secret acmeCorpPrometheusHttpHeaderValue1",
            ]);
            const values: Record<string, string> = { "grafana:auth": admin(), ...seeded.dataSourceSecrets };
            for (const l of lines) {
                const args = l
                    .replace(/\s+#.*$/, "")
                    .split(/\s+/)
                    .slice(1);
                const key = args[args.length - 1];
                // A line without a value reads it from stdin, as the comment says.
                const r = cli(args, key in values ? values[key] : undefined);
                expect(`${l}: ${r.status} ${r.stderr}`).toBe(`${l}: 0 `);
            }
            const before = await versions();
            const from = logLines().length;
            expect(logLines().some((l) => WRITE.test(l))).toBe(true); // the log does record writes (the seed's)
            const up = await stack.up({ onOutput: (s) => (cliOutput += s) });
            // 2 orgs, 2 members, 2 data sources, 2 service accounts, 6 folders, 8 dashboards (9 with the v2 one), and the stack
            expect(changesOf(up.summary.resourceChanges)).toEqual({ create: 23 + seeded.dashboards.filter((d) => d.v2).length });
            const writes = logLines()
                .slice(from)
                .filter((l) => WRITE.test(l));
            expect(writes).toEqual([]);
            expect(await versions()).toEqual(before);
        });

        test("a schema v2 dashboard (where the seed has one) is written as the v2 resource, without the server's metadata", () => {
            const v2 = seeded.dashboards.filter((d) => d.v2);
            const file = path.join(program, "dashboards", "main-org", "ops", `${V2_UID}.json`);
            expect(fs.existsSync(file)).toBe(v2.length > 0);
            if (v2.length === 0) return;
            const model = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
            expect(Object.keys(model)).toEqual(["apiVersion", "kind", "metadata", "spec"]);
            expect([model.apiVersion, model.kind, model.metadata]).toEqual(["dashboard.grafana.app/v2", "Dashboard", { name: V2_UID }]);
            expect((model.spec as { title: string }).title).toBe("Service (v2)");
        });

        test("`pulumi preview --expect-no-changes` exits 0", () => {
            const r = cli(["preview", "--expect-no-changes"]);
            expect(`${r.status} ${r.status === 0 ? "" : r.stdout + r.stderr}`).toBe("0 ");
        });

        test("a one-panel edit in a generated dashboard file previews as exactly 1 update (v1; and v2 where the seed has one)", async () => {
            const edits: [string, (m: Record<string, unknown>) => void][] = [
                [
                    path.join("acme-corp", "ops", "lat-ops-acme.json"),
                    (m) => ((m as { panels: { title: string }[] }).panels[1].title = "Latency p99 (edited)"),
                ],
            ];
            if (seeded.dashboards.some((d) => d.v2)) {
                edits.push([
                    path.join("main-org", "ops", `${V2_UID}.json`),
                    (m) =>
                        ((m as { spec: { elements: Record<string, { spec: { title: string } }> } }).spec.elements["panel-1"].spec.title =
                            "Errors (edited)"),
                ]);
            }
            for (const [rel, edit] of edits) {
                const file = path.join(program, "dashboards", rel);
                const original = fs.readFileSync(file, "utf8");
                const model = JSON.parse(original) as Record<string, unknown>;
                edit(model);
                fs.writeFileSync(file, JSON.stringify(model, null, 2) + "\n");
                try {
                    const p = await stack.preview({ onOutput: (s) => (cliOutput += s) });
                    expect(`${rel}: ${JSON.stringify(changesOf(p.changeSummary))}`).toBe(`${rel}: {"update":1}`);
                } finally {
                    fs.writeFileSync(file, original);
                }
            }
        });

        test("generate again: byte-identical files", () => {
            const again = path.join(tmp, `again-${profile}`);
            const r = generate(again);
            expect(r.status).toBe(0);
            expect(generatedTree(again)).toEqual(generatedTree(program));
        });

        test("no secret value in the output directory, the state or the CLI output", async () => {
            // What `pulumi stack export` prints (the Automation API's exportStack decrypts secrets).
            const exported = cli(["stack", "export"]);
            expect(exported.status).toBe(0);
            const state = exported.stdout;
            expect(state).toContain("4dabf18193072939515e22adb298388d"); // secrets are there, encrypted
            const files = generatedTree(program);
            for (const s of [...seeded.secrets, g.adminPassword]) {
                expect(`state: ${state.includes(s) ? state.slice(Math.max(0, state.indexOf(s) - 600), state.indexOf(s) + 100) : ""}`).toBe("state: ");
                expect(`cli: ${cliOutput.includes(s) ? s : ""}`).toBe("cli: ");
                for (const [f, text] of Object.entries(files)) expect(`${f}: ${text.includes(s)}`).toBe(`${f}: false`);
            }
        });

        test("destroy right after generating refuses: every resource is protected", () => {
            const from = logLines().length;
            const r = cli(["destroy", "--yes"]);
            expect(r.status).not.toBe(0);
            expect(r.stdout + r.stderr).toMatch(/protect/);
            expect(
                logLines()
                    .slice(from)
                    .filter((l) => WRITE.test(l)),
            ).toEqual([]);
        });
    });
