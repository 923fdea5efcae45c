// Behind scripts/measure-faults: wall times and error lines of the real CLI when Grafana (here the Grafana API emulator)
// is down or dies.
// Not a test: it prints figures (and writes them as JSON to $MEASURE_OUT when set).
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { RealGrafana, startGrafana } from "../../test/support/grafana-server";
import { grafanaHttp, listDashboards, sleep } from "../../test/support/grafana-http";
import { pulumiBinDir, pulumiEnv } from "../../test/support/pulumi-env";

const PROGRAM = path.resolve(__dirname, "..", "..", "test", "e2e", "programs", "fault-dashboards");
// 0: the same `up` with nothing to create, the CLI's and the program's own cost on this machine (the floor).
const CLOSED_SIZES = (process.env.MEASURE_CLOSED_SIZES ?? "0,20,200").split(",").filter(Boolean).map(Number);
const KILL_SIZE = Number(process.env.MEASURE_KILL_SIZE ?? 50);
const KILL_REPS = Number(process.env.MEASURE_KILL_REPS ?? 3);
// An `up` still running after this is stopped and reported as such (the old code needs ~11.5 s per dashboard).
const CAP_S = Number(process.env.MEASURE_CAP_S ?? 300);
const which = (process.env.MEASURE ?? "closed,kill").split(",");
// The Grafana API emulator's profile the kill measurement runs on (10.0, 11.6, 12.x).
const PROFILE = process.env.MEASURE_PROFILE ?? "12.x";

let tmp = "";
let current: ChildProcess | undefined;

function log(msg: string): void {
    process.stderr.write(`measure: ${msg}\n`);
}

interface Run {
    code: number | null;
    ms: number;
    out: string;
    capped: boolean;
}

/** The real CLI in its own process group (so the cap can stop it with its plugins); output captured. */
function pulumi(args: string[], opts: { stdin?: string; capS?: number } = {}): Promise<Run> {
    return new Promise((resolve, reject) => {
        const start = Date.now();
        const child = spawn(path.join(pulumiBinDir(), "pulumi"), args, {
            cwd: PROGRAM,
            env: { ...process.env, ...pulumiEnv(tmp) },
            detached: true,
            stdio: ["pipe", "pipe", "pipe"],
        });
        current = child;
        let out = "";
        let capped = false;
        child.stdout!.on("data", (d) => (out += d));
        child.stderr!.on("data", (d) => (out += d));
        child.stdin!.end(opts.stdin ?? "");
        const timer = opts.capS
            ? setTimeout(() => {
                  capped = true;
                  process.kill(-child.pid!, "SIGKILL");
              }, opts.capS * 1000)
            : undefined;
        child.on("error", reject);
        child.on("close", (code) => {
            if (timer) clearTimeout(timer);
            current = undefined;
            resolve({ code, ms: Date.now() - start, out, capped });
        });
    });
}

async function must(args: string[], stdin?: string): Promise<string> {
    const r = await pulumi(args, { stdin });
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed (${r.code}):\n${r.out.slice(-3000)}`);
    return r.out;
}

async function newStack(name: string, config: Record<string, string>, secret: Record<string, string>): Promise<string[]> {
    const cfg = path.join(tmp, `Pulumi.${name}.yaml`);
    await must(["stack", "init", name, "--non-interactive"]);
    // stack init writes the config file into the program dir; keep it in the temp dir instead.
    fs.renameSync(path.join(PROGRAM, `Pulumi.${name}.yaml`), cfg);
    const common = ["--stack", name, "--config-file", cfg, "--non-interactive"];
    for (const [k, v] of Object.entries(config)) await must(["config", "set", k, ...common], v);
    // Through stdin: the credential never shows in the process list.
    for (const [k, v] of Object.entries(secret)) await must(["config", "set", "--secret", k, ...common], v);
    return common;
}

interface ErrorSummary {
    /** resources with at least one error line */
    resourcesWithErrors: number;
    /** error lines per resource in the Diagnostics section: value -> number of resources */
    errorLinesPerResource: Record<string, number>;
    /** distinct error messages (resource name replaced by <name>) -> count */
    messages: Record<string, number>;
    /** resources the progress output reported as failed */
    failedInProgress: number;
    /** distinct resources the engine started an operation on (the engine starts no new one after a failure) */
    started: number;
}

/** Reads the CLI's "Diagnostics:" section: one block per resource, "error:" lines in it. */
function summarizeErrors(out: string): ErrorSummary {
    const perResource = new Map<string, string[]>();
    const diag = out.indexOf("Diagnostics:");
    if (diag >= 0) {
        let currentRes = "";
        for (const line of out.slice(diag).split("\n").slice(1)) {
            const head = /^ {2}(\S+) \((.+)\):\s*$/.exec(line);
            if (head) {
                currentRes = `${head[1]} (${head[2]})`;
                continue;
            }
            if (/^\S/.test(line)) break; // the next section (Resources:, Duration:)
            const err = /^\s+error: (.*)$/.exec(line);
            if (err && currentRes && !currentRes.startsWith("pulumi:pulumi:Stack"))
                perResource.set(currentRes, [...(perResource.get(currentRes) ?? []), err[1]]);
        }
    }
    const errorLinesPerResource: Record<string, number> = {};
    const messages: Record<string, number> = {};
    for (const [res, lines] of perResource) {
        errorLinesPerResource[lines.length] = (errorLinesPerResource[lines.length] ?? 0) + 1;
        const name = /\((.+)\)$/.exec(res)?.[1] ?? "";
        for (const l of lines) {
            const generic = l
                .split(name)
                .join("<name>")
                .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:<port>");
            messages[generic] = (messages[generic] ?? 0) + 1;
        }
    }
    return {
        resourcesWithErrors: perResource.size,
        errorLinesPerResource,
        messages,
        failedInProgress: (out.match(/(creating|updating|deleting) failed/g) ?? []).length,
        started: new Set([...out.matchAll(/:Dashboard (\S+) (creating|updating|deleting) \(/g)].map((m) => m[1])).size,
    };
}

async function freeClosedPort(): Promise<number> {
    return new Promise((resolve) => {
        const s = net.createServer();
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

interface ClosedResult {
    dashboards: number;
    seconds: number;
    exitCode: number | null;
    capped: boolean;
    errors: ErrorSummary;
}

async function closedPort(n: number): Promise<ClosedResult> {
    const port = await freeClosedPort();
    const common = await newStack(
        `closed-${n}`,
        { count: String(n), orgId: "1", "grafana:url": `http://127.0.0.1:${port}` },
        { "grafana:auth": "admin:not-used" },
    );
    const r = await pulumi(["up", "--yes", "--skip-preview", ...common], { capS: CAP_S });
    const result = { dashboards: n, seconds: r.ms / 1000, exitCode: r.code, capped: r.capped, errors: summarizeErrors(r.out) };
    fs.writeFileSync(path.join(tmp, `closed-${n}.out`), r.out);
    log(
        `closed port, ${n} dashboards: ${result.seconds.toFixed(1)} s${r.capped ? ` (stopped at the ${CAP_S} s cap)` : ""}, exit ${r.code}, ${JSON.stringify(result.errors)}`,
    );
    return result;
}

interface KillResult {
    rep: number;
    killedAfterSaved: number;
    /** from the SIGKILL to the end of the failing `up` */
    giveUpSeconds: number;
    firstUpExit: number | null;
    firstUpErrors: ErrorSummary;
    /** after restarting Grafana on the same data dir and port */
    nextUpExit: number | null;
    nextUpSeconds: number;
    nextUpErrors: ErrorSummary;
    dashboardsAfter: number;
    distinctTitlesAfter: number;
}

async function killDuringUp(g: RealGrafana, orgId: number, rep: number): Promise<KillResult> {
    const n = KILL_SIZE;
    const common = await newStack(
        `kill-${rep}`,
        { count: String(n), orgId: String(orgId), "grafana:url": g.url },
        { "grafana:auth": `admin:${g.adminPassword}` },
    );
    const before = (await listDashboards(g, orgId)).length;
    const killAt = before + Math.floor(n / 2);
    let done = false;
    const up = pulumi(["up", "--yes", "--skip-preview", ...common], { capS: CAP_S }).finally(() => (done = true));
    let saved = 0;
    while (!done) {
        saved = (await listDashboards(g, orgId).catch(() => [])).length;
        if (saved >= killAt) break;
        await sleep(40);
    }
    await g.kill();
    const killedAt = Date.now();
    const first = await up;
    const giveUpSeconds = (Date.now() - killedAt) / 1000;
    fs.writeFileSync(path.join(tmp, `kill-${rep}-first.out`), first.out);
    await g.restart();
    const next = await pulumi(["up", "--yes", "--skip-preview", ...common], { capS: CAP_S });
    fs.writeFileSync(path.join(tmp, `kill-${rep}-next.out`), next.out);
    const after = await listDashboards(g, orgId);
    const result: KillResult = {
        rep,
        killedAfterSaved: saved - before,
        giveUpSeconds,
        firstUpExit: first.code,
        firstUpErrors: summarizeErrors(first.out),
        nextUpExit: next.code,
        nextUpSeconds: next.ms / 1000,
        nextUpErrors: summarizeErrors(next.out),
        dashboardsAfter: after.length - before,
        distinctTitlesAfter: new Set(after.map((d) => d.title)).size - before,
    };
    log(`kill during up of ${n}, rep ${rep}: ${JSON.stringify(result)}`);
    // Leave the org empty for the next rep, converged or not.
    await pulumi(["destroy", "--yes", "--skip-preview", ...common], { capS: CAP_S });
    for (const d of await listDashboards(g, orgId)) await grafanaHttp(g, "DELETE", `/api/dashboards/uid/${d.uid}`, { orgId });
    return result;
}

async function main(): Promise<void> {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pgd-measure-"));
    log(`work dir ${tmp} (CLI outputs kept there)`);
    const results: { closedPort: ClosedResult[]; killDuringUp: KillResult[] } = { closedPort: [], killDuringUp: [] };
    if (which.includes("closed")) {
        for (const n of CLOSED_SIZES) results.closedPort.push(await closedPort(n));
    }
    if (which.includes("kill")) {
        const g = await startGrafana(PROFILE);
        log(`kill: the Grafana API emulator, profile ${PROFILE} (reports ${g.version}), at ${g.url}`);
        try {
            const org = await grafanaHttp(g, "POST", "/api/orgs", { body: { name: "measure" } });
            const orgId = (org.body as { orgId: number }).orgId;
            for (let rep = 1; rep <= KILL_REPS; rep++) results.killDuringUp.push(await killDuringUp(g, orgId, rep));
        } finally {
            await g.stop();
        }
    }
    const json = JSON.stringify(results, null, 2);
    if (process.env.MEASURE_OUT) fs.writeFileSync(process.env.MEASURE_OUT, json);
    process.stdout.write(`${json}\n`);
}

process.on("SIGINT", () => {
    if (current?.pid) process.kill(-current.pid, "SIGKILL");
    process.exit(130);
});

main().catch((e: unknown) => {
    process.stderr.write(`measure: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
});
