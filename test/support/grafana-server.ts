// Grafana servers for end-to-end tests: the Grafana API emulator (emulator/, started and stopped with
// emulator/bin/grafana-emulator), one per profile; or, when GRAFANA_URL and GRAFANA_AUTH name a real Grafana (a
// server admin's user:password), that server instead, as the one profile "real".
//
// Every emulator is started here with a fresh temp data dir, a loopback port and a random admin password: tests only
// ever talk to a server they started themselves. Each one is owned by this process (start --owner): if the process
// dies, however (SIGKILL, a CI timeout), its watchdog stops the server and removes the data dir within a second; the
// next start also stops leftovers whose watchdog died too.
import { execFile, execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The emulator's profiles, each named by the Grafana version whose behaviour it follows; the last is the default. */
export const EMULATOR_PROFILES = ["10.0", "11.6", "12.x", "13.x"] as const;
export type EmulatorProfile = (typeof EMULATOR_PROFILES)[number];
/** The e2e matrix: the oldest profile, 12.x and the newest (env E2E_PROFILES, comma-separated, overrides). */
export const E2E_PROFILES: readonly string[] = ["10.0", "12.x", "13.x"];
/** The profile name of a real Grafana given by GRAFANA_URL and GRAFANA_AUTH. */
export const REAL = "real";

export interface RealGrafana {
    /** an emulator profile, or "real" */
    profile: string;
    /** e.g. http://127.0.0.1:43121 (no trailing slash) */
    url: string;
    /** the version the server reports in GET /api/health */
    version: string;
    adminUser: string;
    adminPassword: string;
    /** the throw-away data dir (emulator.json, store, logs/grafana.log); "" for a real Grafana */
    dataDir: string;
    port: number;
    /** the current server process (changes on restart); 0 for a real Grafana */
    pid: number;
    /** SIGTERM (then SIGKILL) the server and delete its data dir; safe to call twice. Nothing for a real Grafana. */
    stop(): Promise<void>;
    /** A crash: SIGKILL the server now, keep the data dir. */
    kill(): Promise<void>;
    /** SIGTERM (then SIGKILL) the server, keep the data dir. */
    halt(): Promise<void>;
    /** Start the killed/halted server again on the same data dir and port; resolves once /api/health answers. */
    restart(): Promise<void>;
}

interface StartOutput {
    url: string;
    pid: number;
    dataDir: string;
    version: string;
}

const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const EMULATOR_CLI = path.join(REPO_ROOT, "emulator", "bin", "grafana-emulator");
const EMULATOR_MAIN = path.join(REPO_ROOT, "emulator", "dist", "main.js");

export function pgdHome(): string {
    return process.env.PGD_HOME || path.join(os.homedir(), ".cache", "pulumi-grafana-dynamic");
}

/** A real Grafana to run against instead of the emulator: GRAFANA_URL and GRAFANA_AUTH (user:password of a server admin). */
export function realGrafanaTarget(): { url: string; user: string; password: string } | undefined {
    const url = process.env.GRAFANA_URL;
    const auth = process.env.GRAFANA_AUTH;
    if (!url || !auth) return undefined;
    const i = auth.indexOf(":");
    if (i <= 0) throw new Error("GRAFANA_AUTH must be user:password of a Grafana server admin (a token cannot create orgs)");
    return { url: url.replace(/\/+$/, ""), user: auth.slice(0, i), password: auth.slice(i + 1) };
}

let nodeChecked: string | null | undefined;

/** A Node.js with node:sqlite (>= 22.13) for the emulator: setup's Node 24, else the node on PATH. */
export function emulatorNode(): string | undefined {
    if (nodeChecked !== undefined) return nodeChecked ?? undefined;
    nodeChecked = null;
    const script = 'const [a,b]=process.versions.node.split(".").map(Number);if(a<22||(a===22&&b<13))process.exit(1);require("node:sqlite")';
    for (const node of [path.join(pgdHome(), "node", "24", "bin", "node"), "node"]) {
        try {
            execFileSync(node, ["-e", script], { stdio: "ignore", timeout: 20_000 });
            nodeChecked = node;
            break;
        } catch {
            /* next */
        }
    }
    return nodeChecked ?? undefined;
}

/** What the emulator needs that is not there (empty: it can run). */
export function missingEmulator(): string[] {
    const missing: string[] = [];
    if (!fs.existsSync(EMULATOR_MAIN)) missing.push("the Grafana API emulator (emulator/dist/main.js: run npm run build)");
    if (!emulatorNode()) missing.push("Node.js >= 22.13 for the emulator (run: npm run setup)");
    return missing;
}

/** True when the emulator is built and a Node.js with node:sqlite is there. */
export function emulatorAvailable(): boolean {
    return missingEmulator().length === 0;
}

/**
 * The profiles e2e suites run on: "real" alone when GRAFANA_URL and GRAFANA_AUTH are set, else E2E_PROFILES (or the
 * env E2E_PROFILES), or the given list (e.g. the 11.6 and 12.x profiles for the ApiKey 410/404 paths).
 */
export function e2eProfiles(wanted: readonly string[] = E2E_PROFILES): string[] {
    if (realGrafanaTarget()) return [REAL];
    const fromEnv = process.env.E2E_PROFILES?.split(/[ ,]+/).filter(Boolean);
    const list = fromEnv && wanted === E2E_PROFILES ? fromEnv : [...wanted];
    for (const p of list) {
        if (!(EMULATOR_PROFILES as readonly string[]).includes(p))
            throw new Error(`E2E_PROFILES: unknown profile '${p}' (${EMULATOR_PROFILES.join(", ")})`);
    }
    return list;
}

/** Why a test cannot run on a real Grafana (it kills, restarts or starts servers), or undefined on the emulator. */
export function needsOwnServer(what: string): string | undefined {
    return realGrafanaTarget() ? `against a real Grafana (GRAFANA_URL), skipped: ${what}` : undefined;
}

function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile("bash", [EMULATOR_CLI, ...args], { env, timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
            if (err) {
                reject(new Error(`grafana-emulator ${args.join(" ")} failed: ${err.message}\n${stderr}`));
            } else {
                resolve(stdout);
            }
        });
    });
}

function parseStartOutput(stdout: string): StartOutput {
    const line = stdout.trim().split("\n").pop() ?? "";
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== "object" || parsed === null) {
        throw new Error(`unexpected output from grafana-emulator start: ${stdout}`);
    }
    const o = parsed as Record<string, unknown>;
    if (typeof o.url !== "string" || typeof o.pid !== "number" || typeof o.dataDir !== "string" || typeof o.version !== "string") {
        throw new Error(`unexpected output from grafana-emulator start: ${stdout}`);
    }
    return { url: o.url, pid: o.pid, dataDir: o.dataDir, version: o.version };
}

export interface StartOptions {
    /** Serve HTTPS with this certificate and key (file paths). */
    https?: { certFile: string; keyFile: string };
    /** Start from this data (an emulator snapshot .json/.json.gz, or a store .db) instead of an empty store; its admin password. */
    from?: { db: string; adminPassword: string };
    /** Keep the data in this store file (shared by every server started with it). */
    store?: string;
}

async function realGrafana(): Promise<RealGrafana> {
    const target = realGrafanaTarget()!;
    const res = await fetch(`${target.url}/api/health`, { signal: AbortSignal.timeout(10_000) });
    const health = (await res.json()) as { version?: string };
    const unsupported = (): Promise<void> => Promise.reject(new Error("a real Grafana (GRAFANA_URL) is not killed or restarted by tests"));
    return {
        profile: REAL,
        url: target.url,
        version: health.version ?? "unknown",
        adminUser: target.user,
        adminPassword: target.password,
        dataDir: "",
        port: Number(new URL(target.url).port || (target.url.startsWith("https:") ? 443 : 80)),
        pid: 0,
        stop: () => Promise.resolve(),
        kill: unsupported,
        halt: unsupported,
        restart: unsupported,
    };
}

/** Starts a fresh emulator of the given profile (or returns the real Grafana for "real"); the caller must `await server.stop()`. */
export async function startGrafana(profile: string, opts: StartOptions = {}): Promise<RealGrafana> {
    if (profile === REAL) {
        if (opts.https || opts.from || opts.store) throw new Error("a real Grafana cannot be started with a certificate, snapshot or store");
        return realGrafana();
    }
    if (!(EMULATOR_PROFILES as readonly string[]).includes(profile)) {
        throw new Error(`unknown emulator profile '${profile}' (${EMULATOR_PROFILES.join(", ")})`);
    }
    const missing = missingEmulator();
    if (missing.length > 0) throw new Error(`cannot start the emulator: ${missing.join(", ")}`);
    const adminPassword = opts.from?.adminPassword ?? randomBytes(18).toString("base64url");
    const env: NodeJS.ProcessEnv = { ...process.env, GRAFANA_ADMIN_PASSWORD: adminPassword };
    // The free port is picked before the server binds it; on the rare lost race, try again.
    let stdout: string;
    for (let attempt = 1; ; attempt++) {
        try {
            const https = opts.https ? ["--https", opts.https.certFile, opts.https.keyFile] : [];
            const db = opts.from ? ["--db", opts.from.db] : [];
            const store = opts.store ? ["--store", opts.store] : [];
            stdout = await run(["start", profile, "--owner", String(process.pid), ...https, ...db, ...store], env, 60_000);
            break;
        } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            if (attempt >= 3 || !/address already in use|EADDRINUSE/.test(message)) {
                throw err;
            }
        }
    }
    const out = parseStartOutput(stdout);
    let stopped: Promise<void> | undefined;
    const server: RealGrafana = {
        profile,
        url: out.url,
        version: out.version,
        adminUser: "admin",
        adminPassword,
        dataDir: out.dataDir,
        port: Number(new URL(out.url).port),
        pid: out.pid,
        stop(): Promise<void> {
            if (!stopped) {
                stopped = run(["stop", out.dataDir], process.env, 60_000).then(() => undefined);
            }
            return stopped;
        },
        async kill(): Promise<void> {
            // Signalled from here first: starting bash would add tens of ms between the decision and the crash.
            try {
                if (fs.readFileSync(`/proc/${server.pid}/cmdline`, "utf8").split("\0").includes(out.dataDir)) process.kill(server.pid, "SIGKILL");
            } catch {
                /* already gone */
            }
            await run(["kill", out.dataDir], process.env, 30_000);
        },
        async halt(): Promise<void> {
            await run(["stop", out.dataDir, "--keep-data"], process.env, 60_000);
        },
        async restart(): Promise<void> {
            const again = parseStartOutput(await run(["restart", out.dataDir], process.env, 60_000));
            if (again.url !== out.url) throw new Error(`restarted on ${again.url}, not ${out.url}`);
            server.pid = again.pid;
        },
    };
    return server;
}

/** The Pulumi tools, the emulator (unless a real Grafana is given) and anything else a suite needs, missing here. */
export function missingForE2e(extra: string[] = []): string[] {
    return [...(realGrafanaTarget() ? [] : missingEmulator()), ...extra];
}

/**
 * Registers, when something is missing, the one test that says what: skipped with the reason locally, failed under
 * CI=true (or E2E_REQUIRED=1, scripts/stress), where scripts/setup has run. Returns true when the suite can run.
 */
export function e2eReady(suite: string, missing: string[]): boolean {
    if (missing.length === 0) return true;
    const why = `not installed: ${missing.join(", ")} (run: npm run setup)`;
    const required = process.env.CI === "true" || process.env.E2E_REQUIRED === "1";
    (required ? test : test.skip)(`${suite} needs: ${why}`, () => {
        throw new Error(why);
    });
    return false;
}

/** `test`, or `test.skip` with the reason in its name when a reason is given (e.g. needsOwnServer on a real Grafana). */
export function testUnless(reason: string | undefined): (name: string, fn: jest.ProvidesCallback, timeout?: number) => void {
    return (name, fn, timeout) => (reason ? test.skip(`${name} [${reason}]`, fn, timeout) : test(name, fn, timeout));
}
