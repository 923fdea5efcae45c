// The benchmark behind scripts/bench (npm run bench). See the header of scripts/bench for what it measures.
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pgdHome, RealGrafana, startGrafana } from "../test/support/grafana-server";
import { pulumiBinDir, pulumiEnv } from "../test/support/pulumi-env";
import { benchDashboard } from "./dashboard-model";
import { appendHistory } from "./history";
import { PeakRss, RssMonitor } from "./peak-rss";
import { CountingProxy, RequestCounts } from "./proxy";

const SIZES = (process.env.BENCH_SIZES ?? "50,200").split(",").map(Number);
// "3" for every size, or one count per size ("3,2").
const REPS_LIST = (process.env.BENCH_REPS ?? "3").split(",").map(Number);
const repsFor = (sizeIndex: number) => REPS_LIST[Math.min(sizeIndex, REPS_LIST.length - 1)];
if (SIZES.some((n) => !(n > 0)) || REPS_LIST.some((r) => !(r > 0))) {
    throw new Error(`bad BENCH_SIZES / BENCH_REPS: ${process.env.BENCH_SIZES} / ${process.env.BENCH_REPS}`);
}

const PROGRAMS = { ours: path.join(__dirname, "programs", "grafana"), floor: path.join(__dirname, "programs", "noop") };
const RESOURCE_TYPES = { ours: "pulumi-nodejs:dynamic/grafana:Dashboard", floor: "pulumi-nodejs:dynamic/bench:NoopDashboard" };
const PHASES = ["up (create)", "preview (no change)", "up (edit titles)", "refresh", "destroy"] as const;
type Phase = (typeof PHASES)[number];
type Kind = keyof typeof PROGRAMS;

interface PhaseRun {
    ms: number;
    requests: RequestCounts;
    rss: PeakRss;
    /** the "Resources:" summary the CLI printed */
    summary: string;
}

interface StateSize {
    /** compact JSON of one resource from `pulumi stack export` (inputs + outputs + metadata), mean */
    resourceBytes: number;
    /** compact JSON of the dashboard model, mean */
    modelBytes: number;
    overheadBytes: number;
    providerBytes: number;
    providerAlsoInOutputs: boolean;
    exportBytesPerDashboard: number;
}

interface LoopRun {
    ms: number;
    requests: RequestCounts;
}

interface Rep {
    ours: Record<Phase, PhaseRun>;
    floor: Record<Phase, PhaseRun>;
    state: Record<Kind, StateSize>;
    apiCreate: LoopRun;
    apiDelete: LoopRun;
}

const warnings: string[] = [];
let tmp = "";
let grafana: RealGrafana | undefined;
let proxy: CountingProxy | undefined;
let current: ChildProcess | undefined;
let logFile = "";

function log(msg: string): void {
    process.stderr.write(`bench: ${msg}\n`);
}

interface CmdResult {
    ms: number;
    out: string;
    rss: PeakRss;
}

/** Runs the real CLI; wall time of the whole command. Output goes to the log, and into the error on failure. */
function pulumi(cwd: string, args: string[], stdin?: string): Promise<CmdResult> {
    return new Promise((resolve, reject) => {
        const env = { ...process.env, ...pulumiEnv(tmp) };
        const start = process.hrtime.bigint();
        // Own process group, so an abort can stop the CLI together with its plugins.
        const child = spawn(path.join(pulumiBinDir(), "pulumi"), args, { cwd, env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
        current = child;
        const monitor = new RssMonitor(child.pid!);
        let out = "";
        child.stdout!.on("data", (d) => (out += d));
        child.stderr!.on("data", (d) => (out += d));
        child.stdin!.end(stdin ?? "");
        child.on("error", reject);
        child.on("close", (code) => {
            const ms = Number(process.hrtime.bigint() - start) / 1e6;
            const rss = monitor.stop();
            current = undefined;
            fs.appendFileSync(logFile, `\n$ pulumi ${args.join(" ")}  (${cwd}, ${ms.toFixed(0)} ms, exit ${code})\n${out}`);
            if (code === 0) resolve({ ms, out, rss });
            else reject(new Error(`pulumi ${args.join(" ")} failed (exit ${code}):\n${out.split("\n").slice(-40).join("\n")}`));
        });
    });
}

function resourcesSummary(out: string): string {
    const m = /Resources:\s*\n([\s\S]*?)(\n\s*\n|Duration:|$)/.exec(out);
    return m ? m[1].trim().replace(/\s+/g, " ") : "";
}

async function grafanaApi(base: string, method: string, p: string, body?: unknown, orgId?: number): Promise<unknown> {
    const headers: Record<string, string> = {
        Authorization: `Basic ${Buffer.from(`admin:${grafana!.adminPassword}`).toString("base64")}`,
        "Content-Type": "application/json",
    };
    if (orgId) headers["X-Grafana-Org-Id"] = String(orgId);
    const res = await fetch(`${base}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`Grafana ${method} ${p}: ${res.status} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : undefined;
}

function stateSize(exported: string, kind: Kind, n: number): StateSize {
    const resources = (JSON.parse(exported).deployment.resources as Record<string, any>[]).filter((r) => r.type === RESOURCE_TYPES[kind]);
    if (resources.length !== n) throw new Error(`stack export has ${resources.length} ${RESOURCE_TYPES[kind]} resources, expected ${n}`);
    const resourceBytes = resources.reduce((s, r) => s + Buffer.byteLength(JSON.stringify(r)), 0) / n;
    let modelBytes = 0;
    for (let i = 0; i < n; i++) modelBytes += Buffer.byteLength(JSON.stringify(benchDashboard(i)));
    modelBytes /= n;
    return {
        resourceBytes: Math.round(resourceBytes),
        modelBytes: Math.round(modelBytes),
        overheadBytes: Math.round(resourceBytes - modelBytes),
        providerBytes: Buffer.byteLength(String(resources[0].inputs?.__provider ?? "")),
        providerAlsoInOutputs: resources[0].outputs?.__provider !== undefined,
        exportBytesPerDashboard: Math.round(Buffer.byteLength(exported) / n),
    };
}

/** One stack of one program through every phase, then removed. */
async function runStack(kind: Kind, n: number, rep: number, proxyUrl: string, orgId: number): Promise<{ phases: Record<Phase, PhaseRun>; state: StateSize }> {
    const dir = PROGRAMS[kind];
    const stack = `bench-${kind}-${n}-${rep}`;
    const cfg = path.join(tmp, `Pulumi.${stack}.yaml`);
    await pulumi(dir, ["stack", "init", stack, "--non-interactive"]);
    // stack init writes the passphrase salt into the program dir; keep the stack's config in the temp dir instead.
    fs.renameSync(path.join(dir, `Pulumi.${stack}.yaml`), cfg);
    const common = ["--stack", stack, "--config-file", cfg, "--non-interactive"];
    // Values through stdin: the credential never shows in the process list.
    const set = (key: string, value: string, secret = false) => pulumi(dir, ["config", "set", ...(secret ? ["--secret"] : []), key, ...common], value);
    await set("count", String(n));
    await set("orgId", String(orgId));
    await set("grafana:url", proxyUrl);
    await set("grafana:auth", `admin:${grafana!.adminPassword}`, true);

    const phases = {} as Record<Phase, PhaseRun>;
    const timed = async (phase: Phase, args: string[], expect?: string) => {
        proxy!.reset();
        const r = await pulumi(dir, [...args, ...common]);
        const run: PhaseRun = { ms: r.ms, requests: proxy!.reset(), rss: r.rss, summary: resourcesSummary(r.out) };
        phases[phase] = run;
        if (expect && !run.summary.includes(expect)) warnings.push(`N=${n} rep ${rep} ${kind} ${phase}: expected "${expect}", got "${run.summary}"`);
        log(`N=${n} rep ${rep} ${kind.padEnd(5)} ${phase.padEnd(19)} ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${run.requests.total} requests  [${run.summary}]`);
    };

    let state: StateSize;
    try {
        await timed("up (create)", ["up", "--yes", "--skip-preview"], `${n + 1} created`);
        state = stateSize((await pulumi(dir, ["stack", "export", "--stack", stack])).out, kind, n);
        await timed("preview (no change)", ["preview", "--expect-no-changes"]);
        await set("titleSuffix", " (edited)");
        await timed("up (edit titles)", ["up", "--yes", "--skip-preview"], `${n} updated`);
        await timed("refresh", ["refresh", "--yes", "--skip-preview"]);
        await timed("destroy", ["destroy", "--yes", "--skip-preview"], `${n + 1} deleted`);
    } catch (e) {
        // Leave Grafana empty for the next stack; the temp dir (state) goes anyway.
        await pulumi(dir, ["destroy", "--yes", "--skip-preview", ...common]).catch(() => undefined);
        throw e;
    }
    await pulumi(dir, ["stack", "rm", stack, "--yes", "--force", "--preserve-config", "--non-interactive"]);
    return { phases, state };
}

/** The API's floor: one request per dashboard, sequential, same JSON, through the same proxy. */
async function apiLoop(proxyUrl: string, orgId: number, n: number, method: "POST" | "DELETE"): Promise<LoopRun> {
    proxy!.reset();
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
        if (method === "POST") {
            const dashboard = { ...benchDashboard(i), id: null };
            await grafanaApi(proxyUrl, "POST", "/api/dashboards/db", { dashboard, folderUid: "", overwrite: false }, orgId);
        } else {
            await grafanaApi(proxyUrl, "DELETE", `/api/dashboards/uid/bench-${i}`, undefined, orgId);
        }
    }
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, requests: proxy!.reset() };
}

// ---- statistics and report ----

const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const secs = (xs: number[]) => {
    const f = (ms: number) => (ms / 1000).toFixed(2);
    return xs.length > 1 ? `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})` : f(xs[0]);
};
/** A count that should be the same every rep: "x", or "min–max" when it was not. */
const count = (xs: number[]) => (Math.min(...xs) === Math.max(...xs) ? String(xs[0]) : `${Math.min(...xs)}–${Math.max(...xs)}`);
const verdict = (ok: boolean) => (ok ? "ok" : "**MISS**");

interface RequestTarget {
    text: string;
    ok: (c: RequestCounts) => boolean;
}

function requestTarget(phase: Phase, n: number): RequestTarget {
    switch (phase) {
        case "preview (no change)":
            return { text: "0 requests", ok: (c) => c.total === 0 };
        case "refresh":
            return { text: `${n} GETs, 0 writes`, ok: (c) => c.gets === n && c.writes === 0 };
        case "up (create)":
        case "up (edit titles)":
        case "destroy":
            return { text: `${n} writes`, ok: (c) => c.writes === n };
    }
}

function table(n: number, reps: Rep[]): string {
    const lines = [
        `### N = ${n} dashboards, ${reps.length} rep(s)`,
        "",
        "Times in seconds: median (min–max) of the whole CLI command. Requests: what Grafana received during the phase (ours), per rep. RSS: max over reps.",
        "",
        "| phase | ours (s) | no-op floor (s) | ours / floor | target | requests total / writes / GETs / non-2xx | request target | 5xx + 429 | provider host peak RSS MB, ours / floor | lang host + program peak RSS MB, ours / floor |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ];
    for (const phase of PHASES) {
        const ours = reps.map((r) => r.ours[phase]);
        const floor = reps.map((r) => r.floor[phase]);
        const ratio = median(ours.map((r) => r.ms)) / median(floor.map((r) => r.ms));
        const isUp = phase.startsWith("up");
        const target = requestTarget(phase, n);
        const retriable = ours.reduce((s, r) => s + r.requests.retriable, 0);
        const maxRss = (runs: PhaseRun[], f: (r: PeakRss) => number) => Math.max(...runs.map((r) => f(r.rss))).toFixed(0);
        lines.push(
            `| ${phase} | ${secs(ours.map((r) => r.ms))} | ${secs(floor.map((r) => r.ms))} | ${ratio.toFixed(2)}x | ${isUp ? `≤ 1.2x: ${verdict(ratio <= 1.2)}` : ""} | ` +
                `${count(ours.map((r) => r.requests.total))} / ${count(ours.map((r) => r.requests.writes))} / ${count(ours.map((r) => r.requests.gets))} / ${count(ours.map((r) => r.requests.non2xx))} | ` +
                `${target.text}: ${verdict(ours.every((r) => target.ok(r.requests)))} | ${retriable} (target 0: ${verdict(retriable === 0)}) | ` +
                `${maxRss(ours, (r) => r.providerHostMb)} / ${maxRss(floor, (r) => r.providerHostMb)} | ${maxRss(ours, (r) => r.languageHostPlusProgramMb)} / ${maxRss(floor, (r) => r.languageHostPlusProgramMb)} |`,
        );
    }
    const up = median(reps.map((r) => r.ours["up (create)"].ms));
    const down = median(reps.map((r) => r.ours.destroy.ms));
    const apiCreate = reps.map((r) => r.apiCreate.ms);
    const apiDelete = reps.map((r) => r.apiDelete.ms);
    lines.push(
        "",
        `API floor (a sequential loop over the proxy, same JSON): ${n} × POST /api/dashboards/db ${secs(apiCreate)} s ` +
            `(our up (create) is ${(up / median(apiCreate)).toFixed(1)}x); ${n} × DELETE /api/dashboards/uid/:uid ${secs(apiDelete)} s ` +
            `(our destroy is ${(down / median(apiDelete)).toFixed(1)}x). 5xx + 429 in the loops: ${reps.reduce((s, r) => s + r.apiCreate.requests.retriable + r.apiDelete.requests.retriable, 0)}.`,
        "",
    );
    const s = reps[0].state;
    const kb = (b: number) => `${b} B (${(b / 1024).toFixed(1)} KB)`;
    lines.push(
        "| state, per dashboard (`pulumi stack export`, after create, compact JSON) | ours | no-op floor | target |",
        "| --- | --- | --- | --- |",
        `| resource JSON | ${kb(s.ours.resourceBytes)} | ${kb(s.floor.resourceBytes)} | |`,
        `| of which the dashboard model itself | ${kb(s.ours.modelBytes)} | ${kb(s.floor.modelBytes)} | |`,
        `| overhead (resource − model) | ${kb(s.ours.overheadBytes)} | ${kb(s.floor.overheadBytes)} | ≤ 4 KB: ${verdict(s.ours.overheadBytes <= 4096)} |`,
        `| serialized provider (\`__provider\` input) | ${kb(s.ours.providerBytes)} | ${kb(s.floor.providerBytes)} | ≤ 8 KB: ${verdict(s.ours.providerBytes <= 8192)} |`,
        `| \`__provider\` also in outputs | ${s.ours.providerAlsoInOutputs ? "yes" : "no"} | ${s.floor.providerAlsoInOutputs ? "yes" : "no"} | |`,
        `| whole \`stack export\` (pretty-printed, with stack and default provider) / N | ${kb(s.ours.exportBytesPerDashboard)} | ${kb(s.floor.exportBytesPerDashboard)} | |`,
        "",
        "Requests by route (ours, last rep):",
        "",
    );
    const last = reps[reps.length - 1];
    for (const phase of PHASES) {
        const c = last.ours[phase].requests;
        const routes = Object.entries(c.byRoute).map(([r, k]) => `${r} ×${k}`).join(", ") || "none";
        const statuses = Object.entries(c.byStatus).map(([st, k]) => `${st} ×${k}`).join(", ");
        lines.push(`- ${phase}: ${routes}${statuses ? `; status ${statuses}` : ""}`);
    }
    lines.push("");
    return lines.join("\n");
}

function environment(grafanaVersion: string): Record<string, string> {
    const bin = (name: string, ...args: string[]) => {
        try {
            return execFileSync(path.join(pulumiBinDir(), name), args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
        } catch {
            return "?";
        }
    };
    const langHostStamp = fs.readdirSync(path.join(pgdHome(), "stamps")).find((f) => f.startsWith("pulumi-language-nodejs@"));
    const sdk = JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")).version;
    return {
        cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}`,
        memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
        node: process.version,
        pulumi: bin("pulumi", "version"),
        // This host has no version flag: setup's stamp file names it.
        "pulumi-language-nodejs": langHostStamp?.split("@")[1] ?? "?",
        "@pulumi/pulumi": sdk,
        grafana: `${grafanaVersion} (flavor legacy, SQLite)`,
        library: process.env.BENCH_LIBRARY ? "compiled, installed in the program's node_modules (as from npm)" : "TypeScript sources (provider/)",
        PULUMI_NODEJS_TRANSPILE_ONLY: process.env.PULUMI_NODEJS_TRANSPILE_ONLY ?? "unset (programs are type-checked)",
        "load average at start": os.loadavg().map((x) => x.toFixed(2)).join(" "),
    };
}

async function cleanup(): Promise<void> {
    if (current?.pid) {
        try {
            process.kill(-current.pid, "SIGINT");
        } catch {
            /* already gone */
        }
    }
    await proxy?.stop().catch(() => undefined);
    await grafana?.stop().catch((e) => log(`stopping Grafana: ${e}`));
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}

async function main(): Promise<void> {
    const began = Date.now();
    const stamp = new Date().toISOString().replace(/\..*/, "").replace(/:/g, "-") + "Z";
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pgd-bench-"));
    logFile = path.join(tmp, "pulumi.log");
    log(`sizes ${SIZES.join(",")}, reps ${SIZES.map((_, i) => repsFor(i)).join(",")}; temp dir ${tmp}`);
    grafana = await startGrafana("legacy");
    proxy = new CountingProxy(grafana.url);
    const proxyUrl = await proxy.start();
    log(`Grafana ${grafana.version} at ${grafana.url}, counting proxy at ${proxyUrl}`);
    const env = environment(grafana.version);
    // One org for every run, made over the raw API; dashboards are saved with admin basic auth + orgId.
    const org = (await grafanaApi(grafana.url, "POST", "/api/orgs", { name: "bench" })) as { orgId: number };

    const results: { n: number; reps: Rep[] }[] = [];
    for (const [i, n] of SIZES.entries()) {
        const reps: Rep[] = [];
        for (let rep = 1; rep <= repsFor(i); rep++) {
            const ours = await runStack("ours", n, rep, proxyUrl, org.orgId);
            const floor = await runStack("floor", n, rep, proxyUrl, org.orgId);
            const apiCreate = await apiLoop(proxyUrl, org.orgId, n, "POST");
            const apiDelete = await apiLoop(proxyUrl, org.orgId, n, "DELETE");
            log(`N=${n} rep ${rep} api loop: create ${(apiCreate.ms / 1000).toFixed(1)} s, delete ${(apiDelete.ms / 1000).toFixed(1)} s`);
            reps.push({ ours: ours.phases, floor: floor.phases, state: { ours: ours.state, floor: floor.state }, apiCreate, apiDelete });
        }
        results.push({ n, reps });
    }

    env["load average at end"] = os.loadavg().map((x) => x.toFixed(2)).join(" ");
    const minutes = ((Date.now() - began) / 60000).toFixed(1);
    const md = [
        `# Benchmark ${stamp}`,
        "",
        "Our `Dashboard` provider vs a no-op dynamic provider (the engine's floor) vs a plain loop of HTTP calls (the API's floor), " +
            "real Pulumi CLI (`--non-interactive`, `--skip-preview` for up/refresh/destroy, default parallelism), file:// backend, " +
            "real Grafana behind a counting loopback proxy. The org is made beforehand over the raw API; dashboards use admin basic auth + `orgId`.",
        "",
        ...Object.entries(env).map(([k, v]) => `- ${k}: ${v}`),
        `- sizes ${SIZES.join(", ")}; reps ${SIZES.map((_, i) => repsFor(i)).join(", ")}; bench took ${minutes} min`,
        "",
        ...results.map((r) => table(r.n, r.reps)),
        ...(warnings.length ? ["Warnings:", "", ...warnings.map((w) => `- ${w}`), ""] : []),
    ].join("\n");

    const dir = path.join(__dirname, "results");
    fs.mkdirSync(dir, { recursive: true });
    // The latest run in full; one line per run in HISTORY.md (older runs stay in git history).
    const run = { stamp, env, sizes: SIZES, warnings, results };
    fs.writeFileSync(path.join(dir, "latest.json"), JSON.stringify(run, null, 2));
    fs.writeFileSync(path.join(dir, "latest.md"), md);
    const commit = execFileSync("git", ["describe", "--always", "--dirty"], { cwd: __dirname, encoding: "utf8" }).trim();
    appendHistory(dir, run, commit);
    process.stdout.write(md + "\n");
    log(`wrote bench/results/latest.md, latest.json and a line in HISTORY.md (${minutes} min)`);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
        log(`${signal}: cleaning up`);
        void cleanup().finally(() => process.exit(130));
    });
}

main()
    .then(cleanup)
    .catch(async (e) => {
        log(`failed: ${e instanceof Error ? e.message : e}`);
        await cleanup();
        process.exit(1);
    });
