// Real Grafana servers for end-to-end tests.
//
// Binaries are built by scripts/lib/build-grafana.sh into
// ${PGD_HOME:-~/.cache/pulumi-grafana-dynamic}/grafana/<flavor>/ and started/stopped with
// scripts/grafana. Every server is started here with a fresh temp data dir, a loopback port and a
// random admin password: tests only ever talk to a Grafana they started themselves. Each server is owned by this
// process (scripts/grafana start --owner): if the process dies, however (SIGKILL, a CI timeout), its watchdog stops
// the server and removes the data dir within a second; the next start also stops leftovers whose watchdog died too.
import { execFile } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const GRAFANA_FLAVORS = ["legacy", "current"] as const;

export interface RealGrafana {
    flavor: string;
    /** e.g. http://127.0.0.1:43121 (no trailing slash) */
    url: string;
    /** the version Grafana reports in GET /api/health */
    version: string;
    adminUser: "admin";
    adminPassword: string;
    /** the throw-away data dir (config, sqlite db, logs) */
    dataDir: string;
    port: number;
    /** the current server process (changes on restart) */
    pid: number;
    /** SIGTERM (then SIGKILL) the server and delete its data dir; safe to call twice. */
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
const SCRIPT = path.join(REPO_ROOT, "scripts", "grafana");

export function pgdHome(): string {
    return process.env.PGD_HOME || path.join(os.homedir(), ".cache", "pulumi-grafana-dynamic");
}

export function grafanaHome(flavor: string): string {
    return path.join(pgdHome(), "grafana", flavor);
}

/** Flavors whose server binary has been built (see scripts/lib/build-grafana.sh). */
export function installedGrafanaFlavors(): string[] {
    return GRAFANA_FLAVORS.filter((flavor) => {
        try {
            fs.accessSync(path.join(grafanaHome(flavor), "bin", "grafana"), fs.constants.X_OK);
            return true;
        } catch {
            return false;
        }
    });
}

function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile("bash", [SCRIPT, ...args], { env, timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
            if (err) {
                reject(new Error(`scripts/grafana ${args.join(" ")} failed: ${err.message}\n${stderr}`));
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
        throw new Error(`unexpected output from scripts/grafana start: ${stdout}`);
    }
    const o = parsed as Record<string, unknown>;
    if (typeof o.url !== "string" || typeof o.pid !== "number" || typeof o.dataDir !== "string" || typeof o.version !== "string") {
        throw new Error(`unexpected output from scripts/grafana start: ${stdout}`);
    }
    return { url: o.url, pid: o.pid, dataDir: o.dataDir, version: o.version };
}

export interface StartOptions {
    /** Serve HTTPS ([server] protocol = https) with this certificate and key (file paths). */
    https?: { certFile: string; keyFile: string };
    /** Start from a copy of this database (a grafana.db, or .gz) instead of an empty one; its admin password. */
    from?: { db: string; adminPassword: string };
}

/** Starts a fresh Grafana of the given flavor; the caller must `await server.stop()`. */
export async function startGrafana(flavor: string, opts: StartOptions = {}): Promise<RealGrafana> {
    if (!installedGrafanaFlavors().includes(flavor)) {
        throw new Error(`Grafana flavor '${flavor}' is not built; run scripts/lib/build-grafana.sh ${flavor}`);
    }
    const adminPassword = opts.from?.adminPassword ?? randomBytes(18).toString("base64url");
    const env: NodeJS.ProcessEnv = { ...process.env, GRAFANA_ADMIN_PASSWORD: adminPassword };
    // The free port is picked before Grafana binds it; on the rare lost race, try again.
    let stdout: string;
    for (let attempt = 1; ; attempt++) {
        try {
            const https = opts.https ? ["--https", opts.https.certFile, opts.https.keyFile] : [];
            const db = opts.from ? ["--db", opts.from.db] : [];
            stdout = await run(["start", flavor, "--owner", String(process.pid), ...https, ...db], env, 240_000);
            break;
        } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            if (attempt >= 3 || !message.includes("address already in use")) {
                throw err;
            }
        }
    }
    const out = parseStartOutput(stdout);
    let stopped: Promise<void> | undefined;
    const server: RealGrafana = {
        flavor,
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
                if (fs.readFileSync(`/proc/${server.pid}/cmdline`, "utf8").includes(path.join(out.dataDir, "grafana.ini")))
                    process.kill(server.pid, "SIGKILL");
            } catch {
                /* already gone */
            }
            await run(["kill", out.dataDir], process.env, 30_000);
        },
        async halt(): Promise<void> {
            await run(["stop", out.dataDir, "--keep-data"], process.env, 60_000);
        },
        async restart(): Promise<void> {
            const again = parseStartOutput(await run(["restart", out.dataDir], process.env, 240_000));
            if (again.url !== out.url) throw new Error(`restarted on ${again.url}, not ${out.url}`);
            server.pid = again.pid;
        },
    };
    return server;
}
