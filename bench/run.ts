// The benchmark behind scripts/bench (npm run bench). See the header of scripts/bench for what it measures.
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EMULATOR_PROFILES, pgdHome, RealGrafana, startGrafana } from "../test/support/grafana-server";
import { HaTopology, missingHaPrerequisites, startHa } from "../test/support/ha-topology";
import { pulumiBinDir, pulumiEnv } from "../test/support/pulumi-env";
import { modelFor } from "./dashboard-model";
import { appendRunLine } from "./history";
import { PeakRss, RssMonitor } from "./peak-rss";
import { CountingProxy, RequestCounts } from "./proxy";

const num = (name: string, dflt: number) => {
    const v = Number(process.env[name] ?? dflt);
    if (!(v >= 0)) throw new Error(`bad ${name}: ${process.env[name]}`);
    return v;
};
const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? "base,latency,ha,big").split(",").map((s) => s.trim()));
const SIZES = (process.env.BENCH_SIZES ?? "200").split(",").map(Number);
// "3" for every size, or one count per size ("3,2").
const REPS_LIST = (process.env.BENCH_REPS ?? "1").split(",").map(Number);
const repsFor = (sizeIndex: number) => REPS_LIST[Math.min(sizeIndex, REPS_LIST.length - 1)];
if (SIZES.some((n) => !(n > 0)) || REPS_LIST.some((r) => !(r > 0))) {
    throw new Error(`bad BENCH_SIZES / BENCH_REPS: ${process.env.BENCH_SIZES} / ${process.env.BENCH_REPS}`);
}
const LATENCY_MS = num("BENCH_LATENCY_MS", 50);
const LATENCY_N = num("BENCH_LATENCY_N", 200);
const LATENCY_REPS = num("BENCH_LATENCY_REPS", 2);
const HA_N = num("BENCH_HA_N", 200);
const BIG_N = num("BENCH_BIG_N", 50);
const BIG_KB = num("BENCH_BIG_KB", 450);
// Reps of the real-size comparison with checkpoints; the no-op floor runs in the first only (minutes per phase).
const BIG_REPS = num("BENCH_BIG_REPS", 3);
const BIG_MODEL = `big:${BIG_KB * 1024}`;
// The Grafana API emulator's profile every section runs on (10.0, 11.6, 12.x).
const PROFILE = process.env.BENCH_PROFILE ?? "12.x";
if (!(EMULATOR_PROFILES as readonly string[]).includes(PROFILE)) throw new Error(`bad BENCH_PROFILE: ${PROFILE} (${EMULATOR_PROFILES.join(", ")})`);
// The emulator's own time per phase must stay under this share of the phase's wall time.
const EMULATOR_SHARE_TARGET = 0.1;

const PROGRAMS = {
    ours: path.join(__dirname, "programs", "grafana"),
    floor: path.join(__dirname, "programs", "noop"),
    lean: path.join(__dirname, "programs", "lean"),
    // The lean floor with our class shape: the same public outputs and internal inputs registered.
    leanOut: path.join(__dirname, "programs", "lean"),
};
const RESOURCE_TYPES = {
    ours: "pulumi-nodejs:dynamic/grafana:Dashboard",
    floor: "pulumi-nodejs:dynamic/bench:NoopDashboard",
    lean: "pulumi-nodejs:dynamic/bench:LeanDashboard",
    leanOut: "pulumi-nodejs:dynamic/bench:LeanDashboard",
};
const KINDS = ["ours", "floor", "lean", "leanOut"] as const;
const PHASES = ["up (create)", "preview (no change)", "up (edit titles)", "refresh", "destroy"] as const;
type Phase = (typeof PHASES)[number];
type Kind = keyof typeof PROGRAMS;

/** GET /__emulator/stats: what the emulator counted since its last reset (summed over instances in the HA topology). */
interface EmulatorStats {
    requests: number;
    /** time spent in the emulator's own handling of those requests, ms */
    handlerMs: number;
    /** "METHOD /route" -> count and ms */
    byRoute: Record<string, { count: number; ms: number }>;
}

interface PhaseRun {
    ms: number;
    requests: RequestCounts;
    rss: PeakRss;
    /** the "Resources:" summary the CLI printed */
    summary: string;
    /** the emulator's own time during the phase (absent when its stats could not be read) */
    emulator?: EmulatorStats;
}

interface StateSize {
    /** compact JSON of one resource from `pulumi stack export` (inputs + outputs + metadata), mean */
    resourceBytes: number;
    /** compact JSON of the dashboard model, mean */
    modelBytes: number;
    /** the model as the state holds it when it is JSON text (a JSON string: quotes escaped), mean */
    modelAsStringBytes: number;
    overheadBytes: number;
    providerBytes: number;
    providerAlsoInOutputs: boolean;
    exportBytesPerDashboard: number;
}

interface LoopRun {
    ms: number;
    requests: RequestCounts;
    emulator?: EmulatorStats;
}

/** Where a stack's dashboards go: an emulator (or the HA topology) behind its own counting proxy. */
interface Target {
    name: string;
    proxy: CountingProxy;
    proxyUrl: string;
    adminPassword: string;
    orgId: number;
    /** the emulator instances behind it, direct (their stats are read there, not through the proxy) */
    emulators: string[];
}

/** One timed command (or API loop) with the emulator's time during it, for the emulator section of the report. */
interface EmulatorShare {
    /** e.g. "base N=200", "HA file://" */
    group: string;
    kind: string;
    phase: string;
    wallMs: number;
    stats: EmulatorStats;
}

interface Plan {
    label: string;
    model: string;
    phases: Phase[];
    /** extra env for the CLI (PULUMI_SKIP_CHECKPOINTS, PULUMI_BACKEND_URL) */
    env?: Record<string, string>;
    state?: boolean;
}

type Runs = Partial<Record<Phase, PhaseRun>>;

const warnings: string[] = [];
const emulatorShares: EmulatorShare[] = [];
let tmp = "";
let grafana: RealGrafana | undefined;
let ha: HaTopology | undefined;
const proxies: CountingProxy[] = [];
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
function pulumi(cwd: string, args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}): Promise<CmdResult> {
    return new Promise((resolve, reject) => {
        const env = { ...process.env, ...pulumiEnv(tmp), ...opts.env };
        const start = process.hrtime.bigint();
        // Own process group, so an abort can stop the CLI together with its plugins.
        const child = spawn(path.join(pulumiBinDir(), "pulumi"), args, { cwd, env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
        current = child;
        const monitor = new RssMonitor(child.pid!);
        let out = "";
        child.stdout!.on("data", (d) => (out += d));
        child.stderr!.on("data", (d) => (out += d));
        child.stdin!.end(opts.stdin ?? "");
        child.on("error", reject);
        child.on("close", (code) => {
            const ms = Number(process.hrtime.bigint() - start) / 1e6;
            const rss = monitor.stop();
            current = undefined;
            fs.appendFileSync(
                logFile,
                `\n$ pulumi ${args.join(" ")}  (${cwd}, ${ms.toFixed(0)} ms, exit ${code})\n${out.length > 20000 ? `${out.slice(0, 10000)}\n...\n${out.slice(-10000)}` : out}`,
            );
            if (code === 0) resolve({ ms, out, rss });
            else reject(new Error(`pulumi ${args.join(" ")} failed (exit ${code}):\n${out.split("\n").slice(-40).join("\n")}`));
        });
    });
}

function resourcesSummary(out: string): string {
    const m = /Resources:\s*\n([\s\S]*?)(\n\s*\n|Duration:|$)/.exec(out);
    return m ? m[1].trim().replace(/\s+/g, " ") : "";
}

async function grafanaApi(base: string, password: string, method: string, p: string, body?: unknown, orgId?: number): Promise<unknown> {
    const headers: Record<string, string> = {
        Authorization: `Basic ${Buffer.from(`admin:${password}`).toString("base64")}`,
        "Content-Type": "application/json",
    };
    if (orgId) headers["X-Grafana-Org-Id"] = String(orgId);
    const res = await fetch(`${base}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`Grafana ${method} ${p}: ${res.status} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : undefined;
}

async function emulatorCall(base: string, password: string, method: "GET" | "POST", p: string): Promise<unknown> {
    const res = await fetch(`${base}${p}`, {
        method,
        headers: { Authorization: `Basic ${Buffer.from(`admin:${password}`).toString("base64")}` },
        signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`emulator ${method} ${p}: ${res.status} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : undefined;
}

let statsWarned = false;

/** Zeroes the counters of every emulator instance behind the target (POST /__emulator/stats/reset). */
async function resetEmulatorStats(target: Target): Promise<void> {
    try {
        await Promise.all(target.emulators.map((u) => emulatorCall(u, target.adminPassword, "POST", "/__emulator/stats/reset")));
    } catch (e) {
        if (!statsWarned) warnings.push(`the emulator's stats could not be reset (${e instanceof Error ? e.message : e}): no emulator time reported`);
        statsWarned = true;
    }
}

/** The emulator's counters since the last reset, summed over the instances behind the target. */
async function readEmulatorStats(target: Target): Promise<EmulatorStats | undefined> {
    try {
        const all = (await Promise.all(
            target.emulators.map((u) => emulatorCall(u, target.adminPassword, "GET", "/__emulator/stats")),
        )) as EmulatorStats[];
        const sum: EmulatorStats = { requests: 0, handlerMs: 0, byRoute: {} };
        for (const s of all) {
            sum.requests += s.requests;
            sum.handlerMs += s.handlerMs;
            for (const [route, r] of Object.entries(s.byRoute ?? {})) {
                // The bench's own reset and read are counted by the emulator too: they are not the phase's.
                if (/^[A-Z]+ \/__emulator\//.test(route)) {
                    sum.requests -= r.count;
                    sum.handlerMs -= r.ms;
                    continue;
                }
                const acc = (sum.byRoute[route] ??= { count: 0, ms: 0 });
                acc.count += r.count;
                acc.ms += r.ms;
            }
        }
        sum.handlerMs = Math.max(0, sum.handlerMs);
        return sum;
    } catch (e) {
        if (!statsWarned) warnings.push(`the emulator's stats could not be read (${e instanceof Error ? e.message : e}): no emulator time reported`);
        statsWarned = true;
        return undefined;
    }
}

function stateSize(exported: string, kind: Kind, n: number, model: string): StateSize {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const resources = (JSON.parse(exported).deployment.resources as Record<string, any>[]).filter((r) => r.type === RESOURCE_TYPES[kind]);
    if (resources.length !== n) throw new Error(`stack export has ${resources.length} ${RESOURCE_TYPES[kind]} resources, expected ${n}`);
    const resourceBytes = resources.reduce((s, r) => s + Buffer.byteLength(JSON.stringify(r)), 0) / n;
    let modelBytes = 0;
    let modelAsStringBytes = 0;
    for (let i = 0; i < n; i++) {
        const text = JSON.stringify(modelFor(model, i));
        modelBytes += Buffer.byteLength(text);
        modelAsStringBytes += Buffer.byteLength(JSON.stringify(text));
    }
    modelBytes /= n;
    modelAsStringBytes /= n;
    return {
        resourceBytes: Math.round(resourceBytes),
        modelBytes: Math.round(modelBytes),
        modelAsStringBytes: Math.round(modelAsStringBytes),
        overheadBytes: Math.round(resourceBytes - modelBytes),
        providerBytes: Buffer.byteLength(String(resources[0].inputs?.__provider ?? "")),
        providerAlsoInOutputs: resources[0].outputs?.__provider !== undefined,
        exportBytesPerDashboard: Math.round(Buffer.byteLength(exported) / n),
    };
}

let stackSeq = 0;

/** One stack of one program through the plan's phases, then destroyed (timed if the plan says so) and removed. */
async function runStack(kind: Kind, n: number, target: Target, plan: Plan): Promise<{ phases: Runs; state?: StateSize }> {
    const dir = PROGRAMS[kind];
    const stack = `bench-${kind}-${n}-${++stackSeq}`;
    const cfg = path.join(tmp, `Pulumi.${stack}.yaml`);
    const env = plan.env ?? {};
    await pulumi(dir, ["stack", "init", stack, "--non-interactive"], { env });
    // stack init writes the passphrase salt into the program dir; keep the stack's config in the temp dir instead.
    fs.renameSync(path.join(dir, `Pulumi.${stack}.yaml`), cfg);
    const common = ["--stack", stack, "--config-file", cfg, "--non-interactive"];
    // Values through stdin: the credential never shows in the process list.
    const set = (key: string, value: string, secret = false) =>
        pulumi(dir, ["config", "set", ...(secret ? ["--secret"] : []), key, ...common], { stdin: value, env });
    // Plain values in one command (each CLI start costs seconds on a loaded machine).
    const plain: Record<string, string> = { count: String(n), orgId: String(target.orgId), model: plan.model, "grafana:url": target.proxyUrl };
    if (kind === "leanOut") plain.declareOutputs = "true";
    await pulumi(dir, ["config", "set-all", ...Object.entries(plain).flatMap(([k, v]) => ["--plaintext", `${k}=${v}`]), ...common], { env });
    await set("grafana:auth", `admin:${target.adminPassword}`, true);

    const phases: Runs = {};
    const timed = async (phase: Phase, args: string[], expect?: string) => {
        target.proxy.reset();
        await resetEmulatorStats(target);
        let r: CmdResult;
        try {
            r = await pulumi(dir, [...args, ...common], { env });
        } catch (e) {
            // A failed phase is a result too: keep what the emulator saw, and go on with the next stack.
            const c = target.proxy.reset();
            const errors = String(e)
                .split("\n")
                .filter((l) => /error: /.test(l))
                .slice(0, 3)
                .map((l) => l.trim());
            warnings.push(
                `${plan.label} N=${n} ${kind} ${phase} FAILED; Grafana saw ${c.total} requests (status ${JSON.stringify(c.byStatus)}, routes ${JSON.stringify(c.byRoute)}); ` +
                    `errors: ${[...new Set(errors)].join(" | ")}`,
            );
            log(`${plan.label} N=${n} ${kind} ${phase} FAILED`);
            throw e;
        }
        const run: PhaseRun = {
            ms: r.ms,
            requests: target.proxy.reset(),
            rss: r.rss,
            summary: resourcesSummary(r.out),
            emulator: await readEmulatorStats(target),
        };
        phases[phase] = run;
        if (run.emulator)
            emulatorShares.push({ group: `${plan.label.replace(/ rep \d+$/, "")} N=${n}`, kind, phase, wallMs: r.ms, stats: run.emulator });
        if (expect && !run.summary.includes(expect))
            warnings.push(`${plan.label} N=${n} ${kind} ${phase}: expected "${expect}", got "${run.summary}"`);
        const emu = run.emulator ? `  emulator ${run.emulator.handlerMs.toFixed(0)} ms (${((100 * run.emulator.handlerMs) / r.ms).toFixed(1)}%)` : "";
        log(
            `${plan.label} N=${n} ${kind.padEnd(5)} ${phase.padEnd(19)} ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${run.requests.total} requests${emu}  [${run.summary}]`,
        );
    };

    let state: StateSize | undefined;
    try {
        await timed("up (create)", ["up", "--yes", "--skip-preview"], `${n + 1} created`);
        if (plan.state) state = stateSize((await pulumi(dir, ["stack", "export", "--stack", stack], { env })).out, kind, n, plan.model);
        if (plan.phases.includes("preview (no change)")) await timed("preview (no change)", ["preview", "--expect-no-changes"]);
        if (plan.phases.includes("up (edit titles)")) {
            await set("titleSuffix", " (edited)");
            await timed("up (edit titles)", ["up", "--yes", "--skip-preview"], `${n} updated`);
        }
        if (plan.phases.includes("refresh")) await timed("refresh", ["refresh", "--yes", "--skip-preview"]);
        if (plan.phases.includes("destroy")) await timed("destroy", ["destroy", "--yes", "--skip-preview"], `${n + 1} deleted`);
        // The floors hold nothing in Grafana: `stack rm --force` below drops their state without minutes of destroy.
        else if (kind === "ours") await pulumi(dir, ["destroy", "--yes", "--skip-preview", ...common], { env });
    } catch {
        // Leave Grafana empty for the next stack (the failure is in the warnings; its phase has no time).
        await pulumi(dir, ["destroy", "--yes", "--skip-preview", ...common], { env }).catch(() => undefined);
        await pulumi(dir, ["destroy", "--yes", "--skip-preview", "--refresh", ...common], { env }).catch(() => undefined);
        await pulumi(dir, ["stack", "rm", stack, "--yes", "--force", "--preserve-config", "--non-interactive"], { env }).catch(() => undefined);
        return { phases, state };
    }
    await pulumi(dir, ["stack", "rm", stack, "--yes", "--force", "--preserve-config", "--non-interactive"], { env });
    return { phases, state };
}

/** The API's floor: one request per dashboard, sequential, same JSON, through the same proxy. */
async function apiLoop(target: Target, n: number, method: "POST" | "DELETE", model: string): Promise<LoopRun> {
    target.proxy.reset();
    await resetEmulatorStats(target);
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
        const m = modelFor(model, i);
        if (method === "POST") {
            await grafanaApi(
                target.proxyUrl,
                target.adminPassword,
                "POST",
                "/api/dashboards/db",
                { dashboard: { ...m, id: null }, folderUid: "", overwrite: false },
                target.orgId,
            );
        } else {
            await grafanaApi(target.proxyUrl, target.adminPassword, "DELETE", `/api/dashboards/uid/${m.uid}`, undefined, target.orgId);
        }
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { ms, requests: target.proxy.reset(), emulator: await readEmulatorStats(target) };
}

// ---- statistics and report ----

const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const secs = (xs: number[]) => {
    const f = (ms: number) => (ms / 1000).toFixed(2);
    if (xs.length === 0) return "–";
    return xs.length > 1 ? `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})` : f(xs[0]);
};
/** A count that should be the same every rep: "x", or "min–max" when it was not. */
const count = (xs: number[]) => (Math.min(...xs) === Math.max(...xs) ? String(xs[0]) : `${Math.min(...xs)}–${Math.max(...xs)}`);
const verdict = (ok: boolean) => (ok ? "ok" : "**MISS**");
const kb = (b: number) => `${b} B (${(b / 1024).toFixed(1)} KB)`;
const ms = (runs: PhaseRun[]) => runs.map((r) => r.ms);
const ratio = (a: PhaseRun[], b: PhaseRun[]) => (a.length && b.length ? median(ms(a)) / median(ms(b)) : NaN);
const x = (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}x` : "–");
const maxRss = (runs: PhaseRun[], f: (r: PeakRss) => number) => (runs.length ? Math.max(...runs.map((r) => f(r.rss))).toFixed(0) : "–");
const retriable = (runs: PhaseRun[]) => runs.reduce((s, r) => s + r.requests.retriable, 0);
const reqs = (runs: PhaseRun[]) =>
    `${count(runs.map((r) => r.requests.total))} / ${count(runs.map((r) => r.requests.writes))} / ${count(runs.map((r) => r.requests.gets))} / ${count(runs.map((r) => r.requests.non2xx))}`;
const pick = (reps: Runs[], phase: Phase) => reps.map((r) => r[phase]).filter((r): r is PhaseRun => !!r);

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

interface CompareRep {
    ours: Runs;
    floor: Runs;
    lean: Runs;
    leanOut: Runs;
    state: Partial<Record<Kind, StateSize>>;
    apiCreate?: LoopRun;
    apiDelete?: LoopRun;
}

/** Ours vs both floors, per phase; the targets are against the lean floor. */
function compareTable(title: string, n: number, reps: CompareRep[], phases: readonly Phase[]): string[] {
    const lines = [
        title,
        "",
        "Times in seconds: median (min–max) over reps of the whole CLI command. Requests: what the emulator received during the phase (ours), per rep. " +
            "RSS: peak (VmHWM), max over reps, MB. The lean floor with our class shape registers the same public outputs and internal inputs as our " +
            "`Dashboard` class (the SDK makes four promises, each with a formatted stack trace, per registered prop per resource): the engine's cost of " +
            "a resource like ours that does nothing.",
        "",
        "| phase | ours (s) | lean floor (s) | no-op floor (s) | ours / lean | ours / no-op | target (ours / lean ≤ 1.2x) | lean floor with our class shape (s) | ours / that | requests total / writes / GETs / non-2xx | request target | 5xx + 429 | provider host RSS ours / lean / no-op | lang host + program RSS ours / lean / no-op |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ];
    for (const phase of phases) {
        const o = pick(
            reps.map((r) => r.ours),
            phase,
        );
        const l = pick(
            reps.map((r) => r.lean),
            phase,
        );
        const f = pick(
            reps.map((r) => r.floor),
            phase,
        );
        const lo = pick(
            reps.map((r) => r.leanOut),
            phase,
        );
        if (!o.length) {
            lines.push(
                `| ${phase} | failed or not run (see Warnings) | ${secs(ms(l))} | ${secs(ms(f))} | | | **FAILED** | ${secs(ms(lo))} | | | | | | |`,
            );
            continue;
        }
        const t = requestTarget(phase, n);
        const rl = ratio(o, l);
        lines.push(
            `| ${phase} | ${secs(ms(o))} | ${secs(ms(l))} | ${secs(ms(f))} | ${x(rl)} | ${x(ratio(o, f))} | ${Number.isFinite(rl) ? verdict(rl <= 1.2) : "**FAILED**"} | ${secs(ms(lo))} | ${x(ratio(o, lo))} | ` +
                `${reqs(o)} | ${t.text}: ${verdict(o.every((r) => t.ok(r.requests)))} | ${retriable(o)} | ` +
                `${maxRss(o, (r) => r.providerHostMb)} / ${maxRss(l, (r) => r.providerHostMb)} / ${maxRss(f, (r) => r.providerHostMb)} | ` +
                `${maxRss(o, (r) => r.languageHostPlusProgramMb)} / ${maxRss(l, (r) => r.languageHostPlusProgramMb)} / ${maxRss(f, (r) => r.languageHostPlusProgramMb)} |`,
        );
    }
    lines.push("");
    const withApi = reps.filter((r) => r.apiCreate && r.apiDelete);
    if (withApi.length) {
        const up = median(
            ms(
                pick(
                    reps.map((r) => r.ours),
                    "up (create)",
                ),
            ),
        );
        const apiCreate = withApi.map((r) => r.apiCreate!.ms);
        const apiDelete = withApi.map((r) => r.apiDelete!.ms);
        const down = pick(
            reps.map((r) => r.ours),
            "destroy",
        );
        lines.push(
            `API floor (a sequential loop over the proxy, same JSON): ${n} × POST /api/dashboards/db ${secs(apiCreate)} s (our up (create) is ${(up / median(apiCreate)).toFixed(1)}x)` +
                (down.length
                    ? `; ${n} × DELETE /api/dashboards/uid/:uid ${secs(apiDelete)} s (our destroy is ${(median(ms(down)) / median(apiDelete)).toFixed(1)}x)`
                    : "") +
                `. 5xx + 429 in the loops: ${withApi.reduce((s, r) => s + r.apiCreate!.requests.retriable + r.apiDelete!.requests.retriable, 0)}.`,
            "",
        );
    }
    const s = reps[0].state;
    if (s.ours && s.lean && s.floor) {
        lines.push(
            "| state, per dashboard (`pulumi stack export`, after create, compact JSON) | ours | lean floor | no-op floor | target |",
            "| --- | --- | --- | --- | --- |",
            `| resource JSON | ${kb(s.ours.resourceBytes)} | ${kb(s.lean.resourceBytes)} | ${kb(s.floor.resourceBytes)} | |`,
            `| the dashboard model (compact JSON) | ${kb(s.ours.modelBytes)} | | | |`,
            `| the model as a JSON string in the state (quotes escaped) | ${kb(s.ours.modelAsStringBytes)} | | | |`,
            `| overhead (resource − compact model) | ${kb(s.ours.overheadBytes)} | ${kb(s.lean.overheadBytes)} | ${kb(s.floor.overheadBytes)} | ≤ 4 KB: ${verdict(s.ours.overheadBytes <= 4096)} |`,
            `| overhead beyond the model as stored (resource − model string) | ${kb(s.ours.resourceBytes - s.ours.modelAsStringBytes)} | ${kb(s.lean.resourceBytes - s.lean.modelAsStringBytes)} | | ≤ 4 KB: ${verdict(s.ours.resourceBytes - s.ours.modelAsStringBytes <= 4096)} |`,
            `| serialized provider (\`__provider\` input) | ${kb(s.ours.providerBytes)} | ${kb(s.lean.providerBytes)} | ${kb(s.floor.providerBytes)} | |`,
            `| \`__provider\` also in outputs | ${s.ours.providerAlsoInOutputs ? "yes" : "no"} | ${s.lean.providerAlsoInOutputs ? "yes" : "no"} | ${s.floor.providerAlsoInOutputs ? "yes" : "no"} | |`,
            `| whole \`stack export\` (pretty-printed) / N | ${kb(s.ours.exportBytesPerDashboard)} | ${kb(s.lean.exportBytesPerDashboard)} | ${kb(s.floor.exportBytesPerDashboard)} | |`,
            "",
        );
    }
    const last = reps[reps.length - 1].ours;
    lines.push("Requests by route (ours, last rep):", "");
    for (const phase of phases) {
        const c = last[phase]?.requests;
        if (!c) continue;
        const routes =
            Object.entries(c.byRoute)
                .map(([r, k]) => `${r} ×${k}`)
                .join(", ") || "none";
        const statuses = Object.entries(c.byStatus)
            .map(([st, k]) => `${st} ×${k}`)
            .join(", ");
        lines.push(`- ${phase}: ${routes}${statuses ? `; status ${statuses}` : ""}`);
    }
    lines.push("");
    return lines;
}

/** The emulator's own time against each phase's wall time: per group, kind and phase, over reps. */
function emulatorTable(): string[] {
    if (emulatorShares.length === 0) return ["## The emulator's own time", "", "Not measured (see Warnings).", ""];
    const groups = new Map<string, EmulatorShare[]>();
    for (const e of emulatorShares) {
        const key = `${e.group}\0${e.kind}\0${e.phase}`;
        groups.set(key, [...(groups.get(key) ?? []), e]);
    }
    const share = (e: EmulatorShare) => e.stats.handlerMs / e.wallMs;
    const pct = (r: number) => `${(100 * r).toFixed(2)}%`;
    const lines = [
        "## The emulator's own time",
        "",
        `What the emulator (profile ${PROFILE}) spent handling requests (\`GET /__emulator/stats\`: \`handlerMs\`, summed over both instances in the HA topology, reset before each command) ` +
            `against the wall time of the whole CLI command. Target: under ${pct(EMULATOR_SHARE_TARGET)} of every bench phase. ` +
            "The floors make no requests (not shown). The API loops are not phases (nothing but HTTP calls, so the emulator's share is the largest there); shown for scale. " +
            "Medians over reps; the share column is the largest of any rep.",
        "",
        "| run | program | phase | reps | wall (s) | emulator requests | emulator ms | emulator ms / request | emulator / wall (max) | target < 10% |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ];
    let worst: EmulatorShare | undefined;
    for (const list of groups.values()) {
        const e = list[0];
        // The floors make no requests: nothing of the emulator's to show.
        if (e.kind !== "ours" && list.every((x) => x.stats.requests === 0)) continue;
        const maxShare = Math.max(...list.map(share));
        const isPhase = e.kind !== "API loop";
        if (isPhase && (!worst || maxShare > share(worst))) worst = list.reduce((a, b) => (share(b) > share(a) ? b : a));
        const emuMs = median(list.map((x) => x.stats.handlerMs));
        const requests = count(list.map((x) => x.stats.requests));
        const perRequest = median(list.map((x) => (x.stats.requests ? x.stats.handlerMs / x.stats.requests : 0)));
        lines.push(
            `| ${e.group} | ${e.kind} | ${e.phase} | ${list.length} | ${secs(list.map((x) => x.wallMs))} | ${requests} | ${emuMs.toFixed(1)} | ${perRequest.toFixed(2)} | ` +
                `${pct(maxShare)} | ${isPhase ? verdict(maxShare < EMULATOR_SHARE_TARGET) : "(not a phase)"} |`,
        );
    }
    lines.push("");
    if (worst) lines.push(`Largest share in a phase: ${pct(share(worst))} (${worst.group}, ${worst.kind}, ${worst.phase}).`, "");
    // Where the emulator's time went, over the whole bench.
    const routes: Record<string, { count: number; ms: number }> = {};
    for (const e of emulatorShares) {
        for (const [route, r] of Object.entries(e.stats.byRoute)) {
            const acc = (routes[route] ??= { count: 0, ms: 0 });
            acc.count += r.count;
            acc.ms += r.ms;
        }
    }
    const top = Object.entries(routes)
        .sort(([, a], [, b]) => b.ms - a.ms)
        .slice(0, 8)
        .map(([route, r]) => `${route} ×${r.count} ${r.ms.toFixed(0)} ms (${(r.ms / Math.max(r.count, 1)).toFixed(2)} ms each)`);
    if (top.length) lines.push(`The emulator's time by route, whole bench: ${top.join("; ")}.`, "");
    return lines;
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
        grafana: `the Grafana API emulator (emulator/), profile ${PROFILE}, reports version ${grafanaVersion}; not a Grafana server`,
        library: process.env.BENCH_LIBRARY ? "compiled, installed in the program's node_modules (as from npm)" : "TypeScript sources (provider/)",
        GRAFANA_MAX_PARALLEL_WRITES: process.env.GRAFANA_MAX_PARALLEL_WRITES ?? "unset (the provider's default)",
        PULUMI_NODEJS_TRANSPILE_ONLY: process.env.PULUMI_NODEJS_TRANSPILE_ONLY ?? "unset (programs are type-checked)",
        "load average at start": os
            .loadavg()
            .map((x) => x.toFixed(2))
            .join(" "),
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
    for (const p of proxies) await p.stop().catch(() => undefined);
    await grafana?.stop().catch((e) => log(`stopping the emulator: ${e}`));
    await ha?.stop().catch((e) => log(`stopping the HA topology: ${e}`));
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}

async function newTarget(name: string, upstream: string, adminPassword: string, orgName: string, emulators: string[] = [upstream]): Promise<Target> {
    const proxy = new CountingProxy(upstream);
    proxies.push(proxy);
    const proxyUrl = await proxy.start();
    // One org for every run, made over the raw API; dashboards are saved with admin basic auth + orgId.
    const org = (await grafanaApi(upstream, adminPassword, "POST", "/api/orgs", { name: orgName })) as { orgId: number };
    return { name, proxy, proxyUrl, adminPassword, orgId: org.orgId, emulators };
}

async function compareReps(
    label: string,
    target: Target,
    n: number,
    reps: number,
    model: string,
    phases: Phase[],
    env: Record<string, string> = {},
    api = true,
    floorReps = reps,
    floorPhases: Phase[] = phases,
): Promise<CompareRep[]> {
    const out: CompareRep[] = [];
    for (let rep = 1; rep <= reps; rep++) {
        const plan: Plan = { label: `${label} rep ${rep}`, model, phases, env, state: rep === 1 };
        const runs: Partial<Record<Kind, { phases: Runs; state?: StateSize }>> = {};
        // Alternate the order per rep, so a drift in machine load does not favour one kind.
        const kinds = KINDS.filter((k) => k !== "floor" || rep <= floorReps);
        for (const kind of rep % 2 ? kinds : [...kinds].reverse()) {
            runs[kind] = await runStack(kind, n, target, kind === "floor" ? { ...plan, phases: floorPhases } : plan);
        }
        const r: CompareRep = {
            ours: runs.ours?.phases ?? {},
            floor: runs.floor?.phases ?? {},
            lean: runs.lean?.phases ?? {},
            leanOut: runs.leanOut?.phases ?? {},
            state: { ours: runs.ours?.state, floor: runs.floor?.state, lean: runs.lean?.state },
        };
        if (api) {
            r.apiCreate = await apiLoop(target, n, "POST", model);
            r.apiDelete = await apiLoop(target, n, "DELETE", model);
            for (const [phase, loop] of [
                [`${n} × POST /api/dashboards/db`, r.apiCreate],
                [`${n} × DELETE /api/dashboards/uid/:uid`, r.apiDelete],
            ] as const) {
                if (loop.emulator) emulatorShares.push({ group: `${label} N=${n}`, kind: "API loop", phase, wallMs: loop.ms, stats: loop.emulator });
            }
            log(
                `${label} N=${n} rep ${rep} api loop: create ${(r.apiCreate.ms / 1000).toFixed(1)} s, delete ${(r.apiDelete.ms / 1000).toFixed(1)} s`,
            );
        }
        out.push(r);
    }
    return out;
}

async function main(): Promise<void> {
    const began = Date.now();
    const stamp = new Date().toISOString().replace(/\..*/, "").replace(/:/g, "-") + "Z";
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pgd-bench-"));
    logFile = path.join(tmp, "pulumi.log");
    log(`sections ${[...SECTIONS].join(",")}; temp dir ${tmp}`);
    grafana = await startGrafana(PROFILE);
    const single = await newTarget("emulator", grafana.url, grafana.adminPassword, "bench");
    log(`Grafana API emulator, profile ${PROFILE} (reports ${grafana.version}), at ${grafana.url}, counting proxy at ${single.proxyUrl}`);
    const env = environment(grafana.version);
    const json: Record<string, unknown> = { stamp, profile: PROFILE, env };
    const md: string[] = [];

    if (SECTIONS.has("base")) {
        for (const [i, n] of SIZES.entries()) {
            const reps = await compareReps("base", single, n, repsFor(i), "bench", [...PHASES]);
            md.push(
                ...compareTable(
                    `## N = ${n} small dashboards (${kb(reps[0].state.ours?.modelBytes ?? 0)} each), one emulator (profile ${PROFILE}), ${reps.length} rep(s)`,
                    n,
                    reps,
                    PHASES,
                ),
            );
            json[`base-${n}`] = reps;
        }
    }

    const latency: { delayMs: number; rep: number; runs: Runs }[] = [];
    if (SECTIONS.has("latency")) {
        for (let rep = 1; rep <= LATENCY_REPS; rep++) {
            for (const delayMs of rep % 2 ? [0, LATENCY_MS] : [LATENCY_MS, 0]) {
                single.proxy.delayMs = delayMs;
                const r = await runStack("ours", LATENCY_N, single, {
                    label: `latency ${delayMs} ms rep ${rep}`,
                    model: "bench",
                    phases: ["up (create)", "destroy"],
                });
                latency.push({ delayMs, rep, runs: r.phases });
            }
        }
        single.proxy.delayMs = 0;
        const at = (d: number, phase: Phase) =>
            pick(
                latency.filter((l) => l.delayMs === d).map((l) => l.runs),
                phase,
            );
        md.push(
            `## Remote Grafana (imitated): ${LATENCY_N} dashboards, ${LATENCY_MS} ms added to every request vs 0 ms, same run, ${LATENCY_REPS} rep(s)`,
            "",
            `The counting proxy holds every request ${LATENCY_MS} ms before forwarding it to the emulator (the response is not delayed; concurrent requests wait side by side). ` +
                "Ours only (the floors make no requests). Times in seconds, median (min–max).",
            "",
            `| phase | 0 ms (s) | ${LATENCY_MS} ms (s) | ${LATENCY_MS} ms / 0 ms | target ≤ 1.2x | requests at ${LATENCY_MS} ms total / writes / GETs / non-2xx | 5xx + 429 |`,
            "| --- | --- | --- | --- | --- | --- | --- |",
        );
        for (const phase of ["up (create)", "destroy"] as Phase[]) {
            const z = at(0, phase);
            const d = at(LATENCY_MS, phase);
            const r = ratio(d, z);
            md.push(
                `| ${phase} | ${secs(ms(z))} | ${secs(ms(d))} | ${x(r)} | ${Number.isFinite(r) ? verdict(r <= 1.2) : "**FAILED**"} | ${d.length ? reqs(d) : "–"} | ${retriable([...z, ...d])} |`,
            );
        }
        md.push("");
        json.latency = latency;
    }

    if (SECTIONS.has("ha")) {
        const missing = missingHaPrerequisites(PROFILE);
        if (missing.length) {
            warnings.push(`HA section skipped: missing ${missing.join(", ")}`);
        } else {
            ha = await startHa(PROFILE);
            log(
                `HA topology up in ${(ha.startupMs / 1000).toFixed(1)} s: nginx ${ha.url}, emulators ${ha.grafana.map((g) => g.url).join(", ")} on ${ha.store}`,
            );
            const haTarget = await newTarget(
                "ha",
                ha.url,
                ha.adminPassword,
                "bench",
                ha.grafana.map((g) => g.url),
            );
            const file = await runStack("ours", HA_N, haTarget, { label: "HA file://", model: "bench", phases: [...PHASES] });
            const pg = await runStack("ours", HA_N, haTarget, {
                label: "HA postgres://",
                model: "bench",
                phases: [...PHASES],
                env: { PULUMI_BACKEND_URL: ha.postgres.stateBackendUrl },
            });
            const sqlite = latency.filter((l) => l.delayMs === 0).map((l) => l.runs);
            md.push(
                `## HA topology (2 emulator instances, profile ${PROFILE}, sharing one store file behind nginx, round robin; PostgreSQL 15 for the postgres:// state), ${HA_N} dashboards, no added latency`,
                "",
                `Topology start-up (scripts/ha up): ${(ha.startupMs / 1000).toFixed(1)} s (${Object.entries(ha.startupPhasesMs)
                    .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
                    .join(", ")}). ` + "Ours, one rep each; the single-emulator column is the 0 ms run of the latency section (same N).",
                "",
                "| phase | one emulator, file:// state (s) | HA, file:// state (s) | HA, postgres:// state (s) | requests (HA, file://) total / writes / GETs / non-2xx | 5xx + 429 (HA) |",
                "| --- | --- | --- | --- | --- | --- |",
            );
            for (const phase of PHASES) {
                const f = file.phases[phase];
                const p = pg.phases[phase];
                if (!f || !p) {
                    md.push(
                        `| ${phase} | ${secs(ms(pick(sqlite, phase)))} | ${f ? secs([f.ms]) : "failed"} | ${p ? secs([p.ms]) : "failed"} | ${f ? reqs([f]) : "–"} | |`,
                    );
                    continue;
                }
                md.push(`| ${phase} | ${secs(ms(pick(sqlite, phase)))} | ${secs([f.ms])} | ${secs([p.ms])} | ${reqs([f])} | ${retriable([f, p])} |`);
            }
            md.push("");
            json.ha = { startupMs: ha.startupMs, startupPhasesMs: ha.startupPhasesMs, file: file.phases, pg: pg.phases };
        }
    }

    if (SECTIONS.has("big")) {
        for (const skip of [false, true]) {
            const cpEnv: Record<string, string> = skip ? { PULUMI_SKIP_CHECKPOINTS: "true" } : {};
            const reps = await compareReps(
                `big${skip ? " skip-checkpoints" : ""}`,
                single,
                BIG_N,
                skip ? 1 : BIG_REPS,
                BIG_MODEL,
                ["up (create)", "preview (no change)", "refresh", "destroy"],
                cpEnv,
                !skip,
                1,
                ["up (create)", "preview (no change)"],
            );
            md.push(
                ...compareTable(
                    `## Real-size dashboards: N = ${BIG_N} models of ~${BIG_KB} KB (${kb(reps[0].state.ours?.modelBytes ?? 0)} each), one emulator (profile ${PROFILE}), ` +
                        `${skip ? "PULUMI_SKIP_CHECKPOINTS=true" : "with checkpoints (default)"}, ${reps.length} rep(s), the no-op floor in the first only (up and preview)`,
                    BIG_N,
                    reps,
                    ["up (create)", "preview (no change)", "refresh", "destroy"],
                ),
            );
            json[`big${skip ? "-skip-checkpoints" : ""}`] = reps;
        }
    }

    env["load average at end"] = os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(" ");
    const minutes = ((Date.now() - began) / 60000).toFixed(1);
    const text = [
        `# Benchmark ${stamp}`,
        "",
        "Our `Dashboard` provider vs two floors: a no-op dynamic provider as the program had it before (a 2 KB serialized provider, the model in the inputs and again in the outputs) " +
            "and a lean no-op provider with our state shape (a one-line `require()` as the serialized provider, the model once as JSON text, a hash in the outputs); " +
            "and a plain loop of HTTP calls (the API's floor). Real Pulumi CLI (`--non-interactive`, `--skip-preview` for up/refresh/destroy, default parallelism), " +
            `file:// backend unless said, the Grafana API emulator of this repository (profile ${PROFILE}; not a Grafana server) behind a counting loopback proxy. ` +
            "The org is made beforehand over the raw API; dashboards use admin basic auth + `orgId`.",
        "",
        ...Object.entries(env).map(([k, v]) => `- ${k}: ${v}`),
        `- sections ${[...SECTIONS].join(", ")}; base sizes ${SIZES.join(", ")}, reps ${SIZES.map((_, i) => repsFor(i)).join(", ")}; latency N ${LATENCY_N} × ${LATENCY_REPS} reps; ` +
            `HA N ${HA_N}; big N ${BIG_N} × ${BIG_KB} KB × ${BIG_REPS} reps; bench took ${minutes} min`,
        "",
        ...md,
        ...emulatorTable(),
        ...(warnings.length ? ["Warnings:", "", ...warnings.map((w) => `- ${w}`), ""] : []),
    ].join("\n");

    const dir = path.join(__dirname, "results");
    fs.mkdirSync(dir, { recursive: true });
    // The latest run in full; one line per run in HISTORY.md (older runs stay in git history).
    fs.writeFileSync(path.join(dir, "latest.md"), text);
    fs.writeFileSync(path.join(dir, "latest.json"), JSON.stringify({ ...json, emulator: emulatorShares, warnings }, null, 2));
    const commit = execFileSync("git", ["describe", "--always", "--dirty"], { cwd: __dirname, encoding: "utf8" }).trim();
    appendRunLine(dir, [
        stamp,
        commit,
        env.node ?? "?",
        `${[...SECTIONS].join(", ")} (emulator ${PROFILE})`,
        `${minutes} min`,
        String(warnings.length),
    ]);
    process.stdout.write(text + "\n");
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
