// Test servers never outlive their run: a process that started an emulator (startGrafana) and is then SIGKILLed
// takes its server with it (emulator/bin/grafana-emulator's watchdog); and when the watchdog died too (the whole
// session was killed), the next start stops the leftover. Real processes, real signals, each e2e profile.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { e2eProfiles, e2eReady, missingEmulator, needsOwnServer, startGrafana } from "../support/grafana-server";
import { processAlive, sleep } from "../support/grafana-http";

jest.setTimeout(300_000);

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const CHILD = path.join(REPO_ROOT, "test", "support", "grafana-owner-child.ts");
const ownServer = needsOwnServer("it starts, kills and restarts emulators only");
const ready = !ownServer && e2eReady("lifecycle tests", missingEmulator());
if (ownServer) test.skip(`lifecycle tests [${ownServer}]`, () => undefined);

interface Started {
    child: ChildProcess;
    pid: number;
    dataDir: string;
    url: string;
}

/** A separate node process that starts an emulator (as a jest worker would) and prints where it is. */
function startOwner(profile: string): Promise<Started> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", CHILD, profile], {
            cwd: REPO_ROOT,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        let err = "";
        child.stdout!.on("data", (d) => {
            out += d;
            const line = out.split("\n").find((l) => l.startsWith("{"));
            if (line) resolve({ child, ...(JSON.parse(line) as { pid: number; dataDir: string; url: string }) });
        });
        child.stderr!.on("data", (d) => (err += d));
        child.on("exit", (code) => reject(new Error(`owner process exited (${code}) before starting the emulator: ${err}`)));
    });
}

async function healthy(url: string): Promise<boolean> {
    try {
        return (await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) })).status === 200;
    } catch {
        return false;
    }
}

/** Polls until the server process is gone and its data dir removed; returns how long that took, or undefined. */
async function goneWithin(s: Started, ms: number): Promise<number | undefined> {
    const start = Date.now();
    while (Date.now() - start < ms) {
        if (!processAlive(s.pid) && !fs.existsSync(s.dataDir)) return Date.now() - start;
        await sleep(100);
    }
    return undefined;
}

/** Resolves once the process is gone (polled: it is not our child). */
async function gone(pid: number): Promise<void> {
    while (processAlive(pid)) await sleep(20);
}

if (ready)
    describe.each(e2eProfiles())("test servers (emulator %s) never outlive their owner", (profile) => {
        const cleanup: Started[] = [];

        afterAll(() => {
            // Only if a test failed half-way: never leave a server behind.
            for (const s of cleanup) {
                if (processAlive(s.pid)) process.kill(s.pid, "SIGKILL");
                fs.rmSync(s.dataDir, { recursive: true, force: true });
            }
        });

        test("SIGKILL of the process that started an emulator: the server is gone, data dir removed, within a few seconds", async () => {
            const s = await startOwner(profile);
            cleanup.push(s);
            expect(await healthy(s.url)).toBe(true);
            expect(fs.readFileSync(path.join(s.dataDir, "owner"), "utf8").split(" ")[0]).toBe(String(s.child.pid));
            s.child.kill("SIGKILL");
            const took = await goneWithin(s, 10_000);
            process.stderr.write(`lifecycle: owner SIGKILLed, its emulator (pid ${s.pid}) gone after ${took} ms\n`);
            expect({ grafanaAlive: processAlive(s.pid), dataDirLeft: fs.existsSync(s.dataDir) }).toEqual({ grafanaAlive: false, dataDirLeft: false });
            expect(await healthy(s.url)).toBe(false);
        });

        test("owner and watchdog both SIGKILLed: the next start stops the leftover", async () => {
            const s = await startOwner(profile);
            cleanup.push(s);
            const watchdog = Number(fs.readFileSync(path.join(s.dataDir, "watchdog.pid"), "utf8"));
            expect(processAlive(watchdog)).toBe(true);
            const ownerExited = new Promise((resolve) => s.child.once("exit", resolve));
            process.kill(watchdog, "SIGKILL");
            s.child.kill("SIGKILL");
            await Promise.all([gone(watchdog), ownerExited]);
            // Without the watchdog nothing stopped it yet: this is the leftover of a dead run.
            expect({ grafanaAlive: processAlive(s.pid), healthy: await healthy(s.url) }).toEqual({ grafanaAlive: true, healthy: true });
            const next = await startGrafana(profile);
            try {
                expect({ grafanaAlive: processAlive(s.pid), dataDirLeft: fs.existsSync(s.dataDir) }).toEqual({
                    grafanaAlive: false,
                    dataDirLeft: false,
                });
                expect(await healthy(next.url)).toBe(true);
            } finally {
                await next.stop();
            }
        });

        test("stop without deleting the data dir, kill, and restart on the same data dir and port keep the data", async () => {
            const g = await startGrafana(profile);
            try {
                const auth = `Basic ${Buffer.from(`admin:${g.adminPassword}`).toString("base64")}`;
                const org = await fetch(`${g.url}/api/orgs`, {
                    method: "POST",
                    headers: { Authorization: auth, "Content-Type": "application/json" },
                    body: '{"name":"kept"}',
                });
                expect(org.status).toBe(200);
                const firstPid = g.pid;
                await g.halt();
                expect({ alive: processAlive(firstPid), dataDir: fs.existsSync(g.dataDir), healthy: await healthy(g.url) }).toEqual({
                    alive: false,
                    dataDir: true,
                    healthy: false,
                });
                await g.restart();
                const killedPid = g.pid;
                expect(killedPid).not.toBe(firstPid);
                await g.kill();
                expect({ alive: processAlive(killedPid), dataDir: fs.existsSync(g.dataDir) }).toEqual({ alive: false, dataDir: true });
                await g.restart();
                const kept = await fetch(`${g.url}/api/orgs/name/kept`, { headers: { Authorization: auth } });
                expect(kept.status).toBe(200);
            } finally {
                await g.stop();
            }
            expect(fs.existsSync(g.dataDir)).toBe(false);
        });
    });
