// Fault injection through the real Pulumi CLI (Automation API, file:// backend) on the Grafana API emulator (each e2e
// profile), whose store keeps every answered write across a SIGKILL, as Grafana's database does: the server is
// SIGKILLed at a random point of an `up` of N dashboards (and of a `destroy`), restarted on the same data dir and
// port, and the next command must converge with no manual step. The random points come from a seed printed at the
// start (and in every failure): FAULT_SEED=<seed> replays them. FAULT_DASHBOARDS sets N (default 40).
import { randomInt } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, OpMap, Stack } from "@pulumi/pulumi/automation";
import { e2eProfiles, e2eReady, missingForE2e, needsOwnServer, RealGrafana, startGrafana } from "../support/grafana-server";
import { DashboardHit, grafanaHttp, listDashboards, prng, RequestLog, sleep } from "../support/grafana-http";
import { missingPulumiBinaries, pulumiCommand, pulumiEnv } from "../support/pulumi-env";

jest.setTimeout(900_000);

const PROGRAM_DIR = path.resolve(__dirname, "programs", "fault-dashboards");
/** A dashboard save or delete: the legacy API (10.x/11.x) or the app-platform API (12.x/13.x). */
const SAVE_PATH = /^\/api(\/dashboards\/db|s\/dashboard\.grafana\.app\/[^/]+\/namespaces\/[^/]+\/dashboards)$/;
const DELETE_PATH = /^\/api(\/dashboards\/uid\/|s\/dashboard\.grafana\.app\/[^/]+\/namespaces\/[^/]+\/dashboards\/)/;
const DASHBOARD_TYPE = "pulumi-nodejs:dynamic/grafana:Dashboard";
const N = Number(process.env.FAULT_DASHBOARDS ?? 40);
const SEED = process.env.FAULT_SEED ? Number(process.env.FAULT_SEED) : randomInt(2 ** 31);
const ready = e2eReady("fault suite", [...missingPulumiBinaries(), ...missingForE2e()]);
const ownServer = needsOwnServer("it SIGKILLs and restarts the server");
if (ready && ownServer) test.skip(`fault suite [${ownServer}]`, () => undefined);

const t0 = Date.now();
function log(msg: string): void {
    process.stderr.write(`fault [FAULT_SEED=${SEED}] +${((Date.now() - t0) / 1000).toFixed(1)}s: ${msg}\n`);
}

/** Failures carry the seed, so a failing run can be replayed. */
function seeded(fn: () => Promise<void>): () => Promise<void> {
    return async () => {
        try {
            await fn();
        } catch (e) {
            if (e instanceof Error) e.message = `[replay with FAULT_SEED=${SEED}] ${e.message}`;
            throw e;
        }
    };
}

function changesOf(summary: OpMap | undefined): Record<string, number> {
    return Object.fromEntries(Object.entries(summary ?? {}).filter(([op, n]) => op !== "same" && (n ?? 0) > 0)) as Record<string, number>;
}

const lastLines = (text: string, n = 25) => text.trim().split("\n").slice(-n).join("\n");

if (ready && !ownServer)
    describe.each(e2eProfiles())(`Grafana killed mid-command, N=${N} dashboards (real CLI, Grafana emulator %s)`, (profile) => {
        let g: RealGrafana;
        let stateDir: string;
        const stacks: Stack[] = [];

        const titles = Array.from({ length: N }, (_, i) => `Fault dashboard ${i}`).sort();

        /** Each test has its own org and stack, so one's failure cannot break the other. */
        async function newStack(name: string): Promise<{ stack: Stack; orgId: number }> {
            const org = await grafanaHttp(g, "POST", "/api/orgs", { body: { name } });
            expect(org.status).toBe(200);
            const orgId = (org.body as { orgId: number }).orgId;
            // A run killed mid-suite (no afterAll) leaves its stack config in the program dir.
            fs.rmSync(path.join(PROGRAM_DIR, `Pulumi.${name}.yaml`), { force: true });
            const stack = await LocalWorkspace.createOrSelectStack(
                { stackName: name, workDir: PROGRAM_DIR },
                // `npm test` type-checks the program already: the CLI need not do it again on every command.
                { envVars: { ...pulumiEnv(stateDir), PULUMI_NODEJS_TRANSPILE_ONLY: "true" }, pulumiCommand: await pulumiCommand() },
            );
            stacks.push(stack);
            await stack.setAllConfig({
                count: { value: String(N) },
                orgId: { value: String(orgId) },
                "grafana:url": { value: g.url },
                "grafana:auth": { value: `admin:${g.adminPassword}`, secret: true },
            });
            return { stack, orgId };
        }

        async function stateDashboards(stack: Stack): Promise<{ name: string; uid: string }[]> {
            const exported = await stack.exportStack();
            const resources = (exported.deployment?.resources ?? []) as { type: string; urn: string; outputs?: { uid?: string } }[];
            return resources
                .filter((r) => r.type === DASHBOARD_TYPE)
                .map((r) => ({ name: r.urn.split("::").pop() ?? r.urn, uid: String(r.outputs?.uid) }));
        }

        /** Exact count, no duplicate title or uid, Grafana's dashboards and the state's are the same set of uids. */
        async function expectConverged(stack: Stack, orgId: number): Promise<DashboardHit[]> {
            const live = await listDashboards(g, orgId);
            const inState = await stateDashboards(stack);
            const liveUids = live.map((d) => d.uid).sort();
            const stateUids = inState.map((d) => d.uid).sort();
            const dupes = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) !== i);
            expect({ count: live.length, duplicateUids: dupes(liveUids), duplicateTitles: dupes(live.map((d) => d.title).sort()) }).toEqual({
                count: N,
                duplicateUids: [],
                duplicateTitles: [],
            });
            expect(live.map((d) => d.title).sort()).toEqual(titles);
            expect(inState.length).toBe(N);
            // No orphan either way: every dashboard in Grafana is in the state, and every one in the state is in Grafana.
            expect({
                inGrafanaNotInState: liveUids.filter((u) => !stateUids.includes(u)),
                inStateNotInGrafana: stateUids.filter((u) => !liveUids.includes(u)),
            }).toEqual({
                inGrafanaNotInState: [],
                inStateNotInGrafana: [],
            });
            return live;
        }

        beforeAll(async () => {
            log(`N=${N}`);
            g = await startGrafana(profile);
            stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `pgd-e2e-fault-${profile}-`));
        });

        afterAll(async () => {
            for (const stack of stacks) {
                await stack.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
                // The stack's config file lands in the program dir.
                fs.rmSync(path.join(PROGRAM_DIR, `Pulumi.${stack.name}.yaml`), { force: true });
            }
            await g?.stop();
            if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
        });

        test(
            "SIGKILL during up, restart on the same data dir and port: the next up converges (exact count, no duplicate, no orphan, no changes after)",
            seeded(async () => {
                const { stack, orgId } = await newStack(`fault-up-${profile}`);
                const rng = prng(SEED);
                const k = 1 + Math.floor(rng() * (N - 10)); // at least 10 saves still to come at the kill
                // Half the time right after the server answered the k-th save (the answer or the read-back is then often
                // lost: a dashboard saved but not in the state), else anywhere in the next save / read-back cycles.
                const extraMs = rng() < 0.5 ? 0 : Math.floor(rng() * 300);
                log(`${profile} up: SIGKILL once the server has answered ${k} of ${N} dashboard saves (its request log), + ${extraMs} ms`);
                const requests = new RequestLog(path.join(g.dataDir, "logs", "grafana.log"));
                let output = "";
                let failure: unknown;
                let finished = false;
                const up = stack
                    .up({ onOutput: (s) => (output += s) })
                    .catch((e: unknown) => {
                        failure = e;
                    })
                    .finally(() => (finished = true));
                // the legacy save (10.x/11.x) or the app-platform create (12.x/13.x: 201)
                const seen = await requests.waitFor("POST", SAVE_PATH, /^20[01]$/, k, () => finished);
                expect(seen).toBeDefined(); // else up finished before k dashboards were saved: no fault injected
                if (extraMs > 0) await sleep(extraMs);
                await g.kill();
                const killedAt = Date.now();
                await up;
                log(`up: the failing up gave up ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
                // The kill came with saves still to do: this up must fail (else no fault was injected).
                expect(failure).toBeDefined();
                log(`up: its error output ends with:\n${lastLines(output, 8)}`);

                await g.restart();
                const afterRestart = await listDashboards(g, orgId);
                const inState = await stateDashboards(stack);
                const orphans = afterRestart.filter((d) => !inState.some((s) => s.uid === d.uid));
                log(
                    `restarted: ${afterRestart.length} dashboards in Grafana, ${inState.length} in the state, ${orphans.length} in Grafana only: ${JSON.stringify(orphans)}`,
                );

                let again = "";
                const up2 = await stack.up({ onOutput: (s) => (again += s) }).catch((e: unknown) => {
                    throw new Error(`the up after the restart failed:\n${lastLines(again)}\n${e instanceof Error ? lastLines(e.message, 10) : e}`);
                });
                log(`second up: ${JSON.stringify(changesOf(up2.summary.resourceChanges))}`);
                await expectConverged(stack, orgId);
                expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
                log("up: converged, preview shows no changes");
            }),
        );

        test(
            "Grafana killed and restarted during destroy: destroy again converges and leaves nothing",
            seeded(async () => {
                const { stack, orgId } = await newStack(`fault-destroy-${profile}`);
                const rng = prng(SEED + 1);
                await stack.up();
                await expectConverged(stack, orgId);
                log(`destroy: ${N} dashboards made`);
                const k = 1 + Math.floor(rng() * (N - 10));
                const downMs = Math.floor(rng() * 4000); // on top of the restart's own few seconds
                log(`${profile} destroy: SIGKILL once the server has answered ${k} of ${N} deletes, restart ${downMs} ms later`);
                const requests = new RequestLog(path.join(g.dataDir, "logs", "grafana.log"));
                let output = "";
                let failure: unknown;
                let finished = false;
                const destroy = stack
                    .destroy({ onOutput: (s) => (output += s) })
                    .catch((e: unknown) => {
                        failure = e;
                    })
                    .finally(() => (finished = true));
                const seen = await requests.waitFor("DELETE", DELETE_PATH, /^200$/, k, () => finished);
                expect(seen).toBeDefined(); // else destroy finished before k deletes: no fault injected
                await g.kill();
                const killedAt = Date.now();
                // Restarted while destroy still runs: calls in flight meet a dead server, then a fresh one.
                await sleep(downMs);
                await g.restart();
                log(`${profile} destroy: the server is back after ${((Date.now() - killedAt) / 1000).toFixed(1)} s`);
                await destroy;
                log(
                    `destroy: ${failure ? `failed ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill; output ends with:\n${lastLines(output, 8)}` : "succeeded across the restart"}`,
                );

                let again = "";
                await stack.destroy({ onOutput: (s) => (again += s) }).catch((e: unknown) => {
                    throw new Error(`the second destroy failed:\n${lastLines(again)}\n${e instanceof Error ? lastLines(e.message, 10) : e}`);
                });
                log("destroy: second destroy done");
                expect(await listDashboards(g, orgId)).toEqual([]);
                expect(await stateDashboards(stack)).toEqual([]);
                // The server is fine afterwards: the org is still there and the stack can be made again from nothing.
                expect((await grafanaHttp(g, "GET", `/api/orgs/${orgId}`)).status).toBe(200);
                expect(changesOf((await stack.preview()).changeSummary)).toEqual({ create: N + 1 });
            }),
        );
    });
