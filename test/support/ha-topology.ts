// The "Grafana HA" topology for end-to-end tests and the benchmark: two Grafana API emulators sharing one store file,
// nginx round robin in front, PostgreSQL for the Pulumi state (scripts/ha). Each topology is recorded in $PGD_HOME/run/ha/ until stopped, so
// `scripts/ha list` finds leftovers of an interrupted run (its dir holds topology.json with every pid).
import { execFile } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { missingEmulator } from "./grafana-server";

export interface HaGrafana {
    url: string;
    pid: number;
    dataDir: string;
}

export interface HaTopology {
    /** nginx, e.g. http://127.0.0.1:41234 */
    url: string;
    dir: string;
    startupMs: number;
    startupPhasesMs: Record<string, number>;
    version: string;
    /** the emulator profile both servers run */
    profile: string;
    /** the store file both servers share */
    store: string;
    adminUser: "admin";
    adminPassword: string;
    grafana: HaGrafana[];
    nginx: { url: string; pid: number; dir: string };
    postgres: { host: string; port: number; pid: number; dataDir: string; user: string; stateBackendUrl: string };
    /** Stops nginx, both emulators and PostgreSQL and removes the temp dirs; safe to call twice. */
    stop(): Promise<void>;
}

const SCRIPT = path.resolve(__dirname, "..", "..", "scripts", "ha");
export const PG_BIN = "/usr/lib/postgresql/15/bin";
export const NGINX_BIN = "/usr/sbin/nginx";

/** What scripts/ha needs that is not installed (scripts/setup installs all of it). */
/** The profile argument is accepted for old callers; every profile needs the same. */
export function missingHaPrerequisites(_profile?: string): string[] {
    const missing: string[] = [];
    const exe = (p: string) => {
        try {
            fs.accessSync(p, fs.constants.X_OK);
            return true;
        } catch {
            return false;
        }
    };
    if (!exe(path.join(PG_BIN, "initdb"))) missing.push("PostgreSQL 15 (apt-get install postgresql)");
    if (!exe(NGINX_BIN)) missing.push("nginx (apt-get install nginx-light)");
    return [...missing, ...missingEmulator()];
}

function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile("bash", [SCRIPT, ...args], { env, timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
            if (err) reject(new Error(`scripts/ha ${args.join(" ")} failed: ${err.message}\n${stderr}`));
            else resolve(stdout);
        });
    });
}

export async function startHa(profile = "12.x"): Promise<HaTopology> {
    const adminPassword = randomBytes(18).toString("base64url");
    const env = { ...process.env, GRAFANA_ADMIN_PASSWORD: adminPassword };
    // A free port is picked before it is bound; on the rare lost race, try again.
    let stdout: string;
    for (let attempt = 1; ; attempt++) {
        try {
            stdout = await run(["up", profile, "--owner", String(process.pid)], env, 120_000);
            break;
        } catch (err) {
            if (attempt >= 3 || !/address already in use|EADDRINUSE/.test(String(err))) throw err;
        }
    }
    const o = JSON.parse(stdout.trim().split("\n").pop() ?? "") as Omit<HaTopology, "stop" | "adminPassword" | "version"> & {
        grafana: (HaGrafana & { version: string })[];
    };
    let stopped: Promise<void> | undefined;
    return {
        ...o,
        version: o.grafana[0].version,
        adminUser: "admin",
        adminPassword,
        grafana: o.grafana.map((g) => ({ url: g.url, pid: g.pid, dataDir: g.dataDir })),
        stop(): Promise<void> {
            stopped ??= run(["down", o.dir], process.env, 120_000).then(() => undefined);
            return stopped;
        },
    };
}
