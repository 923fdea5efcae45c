// Grafana HA and team state: the real Pulumi CLI with its state in PostgreSQL (postgres:// backend) against two
// Grafana API emulators sharing one store behind nginx (scripts/ha), as two Grafana servers share one database,
// on each e2e profile, checking each server directly over HTTP. Concurrency: a second `up` of a running stack is refused; two stacks converge side by side;
// a Grafana server killed mid-`up` is survived by the next `up`.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineEvent, LocalWorkspace, OpMap, Stack } from "@pulumi/pulumi/automation";
import { HaTopology, missingHaPrerequisites, startHa } from "../support/ha-topology";
import { missingPulumiBinaries, pulumiCommand, pulumiEnv } from "../support/pulumi-env";
import { e2eProfiles, e2eReady, needsOwnServer } from "../support/grafana-server";

jest.setTimeout(600_000);

const SEED_DIR = path.resolve(__dirname, "../../examples/seed");
const DASHBOARDS_DIR = path.resolve(__dirname, "programs/dashboards");
const DASHBOARD = "pulumi-nodejs:dynamic/grafana:Dashboard";
const ownServer = needsOwnServer("it starts two servers behind nginx and SIGKILLs one");
const ready = e2eReady("HA end-to-end suite", [...missingPulumiBinaries(), ...(ownServer ? [] : missingHaPrerequisites())]);
if (ready && ownServer) test.skip(`HA end-to-end suite [${ownServer}]`, () => undefined);

function changesOf(summary: OpMap | undefined): Record<string, number> {
    return Object.fromEntries(Object.entries(summary ?? {}).filter(([op, n]) => op !== "same" && (n ?? 0) > 0)) as Record<string, number>;
}

if (ready && !ownServer)
    describe.each(e2eProfiles())("Grafana HA (2 emulators %s on one store behind nginx), Pulumi state in PostgreSQL", (profile) => {
        let ha: HaTopology;
        let home: string;
        const stacks: Stack[] = [];

        async function http(base: string, method: string, p: string, orgId?: number, body?: unknown): Promise<{ status: number; body: unknown }> {
            const headers: Record<string, string> = {
                Authorization: `Basic ${Buffer.from(`admin:${ha.adminPassword}`).toString("base64")}`,
                "Content-Type": "application/json",
            };
            if (orgId) headers["X-Grafana-Org-Id"] = String(orgId);
            const res = await fetch(`${base}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
            const text = await res.text();
            try {
                return { status: res.status, body: JSON.parse(text) };
            } catch {
                return { status: res.status, body: text };
            }
        }

        /** Titles of the org's dashboards, as each live Grafana server sees them (they share one database). */
        async function titles(orgId: number, servers = ha.grafana.map((g) => g.url)): Promise<string[]> {
            const seen: string[][] = [];
            for (const url of servers) {
                const r = await http(url, "GET", "/api/search?type=dash-db&limit=5000", orgId);
                expect(r.status).toBe(200);
                seen.push((r.body as { title: string }[]).map((d) => d.title).sort());
            }
            for (const s of seen.slice(1)) expect(s).toEqual(seen[0]);
            return seen[0];
        }

        const expectedTitles = (org: string, n: number, suffix = "") => Array.from({ length: n }, (_, i) => `${org} dashboard ${i}${suffix}`).sort();

        async function dashboardsStack(name: string, orgName: string, count: number): Promise<Stack> {
            const stack = await LocalWorkspace.createOrSelectStack(
                { stackName: name, workDir: DASHBOARDS_DIR },
                { envVars: { ...pulumiEnv(home), PULUMI_BACKEND_URL: ha.postgres.stateBackendUrl }, pulumiCommand: await pulumiCommand() },
            );
            await stack.setAllConfig({
                "grafana:url": { value: ha.url },
                "grafana:auth": { value: `admin:${ha.adminPassword}`, secret: true },
                orgName: { value: orgName },
                count: { value: String(count) },
            });
            stacks.push(stack);
            return stack;
        }

        /** A second Automation API handle on the same stack: another person or CI job. */
        async function sameStackElsewhere(stack: Stack): Promise<Stack> {
            return LocalWorkspace.selectStack(
                { stackName: stack.name, workDir: stack.workspace.workDir },
                { envVars: { ...pulumiEnv(home), PULUMI_BACKEND_URL: ha.postgres.stateBackendUrl }, pulumiCommand: await pulumiCommand() },
            );
        }

        async function resourceCount(stack: Stack, type: string): Promise<number> {
            const state = await stack.exportStack();
            const resources = (state.deployment as { resources?: { type: string }[] }).resources ?? [];
            return resources.filter((r) => r.type === type).length;
        }

        beforeAll(async () => {
            // Config files of an interrupted run would carry old settings (e.g. titleSuffix) into this one.
            for (const dir of [SEED_DIR, DASHBOARDS_DIR]) {
                for (const f of fs.readdirSync(dir).filter((f) => /^Pulumi\.ha-.*\.yaml$/.test(f))) fs.rmSync(path.join(dir, f));
            }
            home = fs.mkdtempSync(path.join(os.tmpdir(), "pgd-e2e-ha-"));
            ha = await startHa(profile);
            // For the report: how long the topology took to come up.
            fs.mkdirSync(path.resolve(__dirname, "../../test-results"), { recursive: true });
            fs.writeFileSync(
                path.resolve(__dirname, `../../test-results/ha-startup-${profile}.json`),
                JSON.stringify({
                    startupMs: ha.startupMs,
                    phasesMs: ha.startupPhasesMs,
                    dir: ha.dir,
                    grafanaPids: ha.grafana.map((g) => g.pid),
                    nginxPid: ha.nginx.pid,
                    postgresPid: ha.postgres.pid,
                }) + "\n",
            );
        });

        afterAll(async () => {
            // For the report: what nginx saw (statuses; requests it passed on to the other server after a failed try).
            if (ha) {
                const lines = fs
                    .readFileSync(path.join(ha.nginx.dir, "logs", "access.log"), "utf8")
                    .split("\n")
                    .filter(Boolean);
                const byStatus: Record<string, number> = {};
                for (const l of lines) {
                    const st = /" (\d{3}) /.exec(l)?.[1] ?? "?";
                    byStatus[st] = (byStatus[st] ?? 0) + 1;
                }
                const summary = {
                    requests: lines.length,
                    byStatus,
                    passedToNextServer: lines.filter((l) => /upstream=\S+, /.test(l)),
                    non2xx: lines.filter((l) => !/" 2\d\d /.test(l)).slice(0, 50),
                };
                fs.writeFileSync(path.resolve(__dirname, `../../test-results/ha-nginx-${profile}.json`), JSON.stringify(summary, null, 1) + "\n");
            }
            for (const s of stacks) await s.workspace.removeStack(s.name, { force: true }).catch(() => undefined);
            await ha?.stop();
            if (home) fs.rmSync(home, { recursive: true, force: true });
        });

        test("both servers and nginx answer, on one shared store", async () => {
            for (const url of [ha.url, ...ha.grafana.map((g) => g.url)]) {
                expect((await http(url, "GET", "/api/health")).status).toBe(200);
            }
            const a = await http(ha.grafana[0].url, "GET", "/api/orgs");
            expect(a).toEqual({ status: 200, body: [{ id: 1, name: "Main Org." }] });
            // A write through one server is read by the other.
            const made = await http(ha.grafana[1].url, "POST", "/api/orgs", undefined, { name: "shared-check" });
            expect(made.status).toBe(200);
            const id = (made.body as { orgId: number }).orgId;
            expect((await http(ha.grafana[0].url, "GET", `/api/orgs/${id}`)).body).toMatchObject({ id, name: "shared-check" });
            expect((await http(ha.grafana[0].url, "DELETE", `/api/orgs/${id}`)).status).toBe(200);
            expect((await http(ha.grafana[1].url, "GET", `/api/orgs/${id}`)).status).toBe(404);
        });

        test("seed flow through nginx with the state in PostgreSQL: up, no-change preview, destroy", async () => {
            const stack = await LocalWorkspace.createOrSelectStack(
                { stackName: `ha-seed-${profile}`, workDir: SEED_DIR },
                { envVars: { ...pulumiEnv(home), PULUMI_BACKEND_URL: ha.postgres.stateBackendUrl }, pulumiCommand: await pulumiCommand() },
            );
            stacks.push(stack);
            await stack.setAllConfig({ "grafana:url": { value: ha.url }, "grafana:auth": { value: `admin:${ha.adminPassword}`, secret: true } });
            const up = await stack.up();
            expect(changesOf(up.summary.resourceChanges)).toEqual({ create: 5 }); // stack, org, membership, key, dashboard
            const orgId = up.outputs.orgId.value as number;
            const key = up.outputs.apiKey.value as string;
            for (const g of ha.grafana) {
                const r = await fetch(`${g.url}/api/dashboards/uid/${up.outputs.dashboardUid.value}`, {
                    headers: { Authorization: `Bearer ${key}` },
                });
                expect(r.status).toBe(200);
                expect((await http(g.url, "GET", `/api/orgs/${orgId}`)).body).toMatchObject({ name: "apiorg" });
            }
            expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
            const d = await stack.destroy();
            expect(changesOf(d.summary.resourceChanges)).toEqual({ delete: 5 });
            for (const g of ha.grafana) expect((await http(g.url, "GET", `/api/orgs/${orgId}`)).status).toBe(404);
        });

        let teamA: Stack;
        let teamAOrg: number;

        test("100 dashboards with the state in PostgreSQL: up, then no-change preview", async () => {
            teamA = await dashboardsStack(`ha-team-a-${profile}`, "team-a", 100);
            const up = await teamA.up();
            expect(changesOf(up.summary.resourceChanges)).toEqual({ create: 102 });
            teamAOrg = up.outputs.orgId.value as number;
            expect(await titles(teamAOrg)).toEqual(expectedTitles("team-a", 100));
            expect(await resourceCount(teamA, DASHBOARD)).toBe(100);
            expect(changesOf((await teamA.preview()).changeSummary)).toEqual({});
        });

        test("a second up on the same stack while the first runs is refused, and nothing is lost", async () => {
            await teamA.setConfig("titleSuffix", { value: " (v2)" });
            const other = await sameStackElsewhere(teamA);
            let second: Promise<unknown> | undefined;
            const first = teamA.up({
                onEvent: () => {
                    // The first engine event comes after the first update holds the stack's lock.
                    if (!second)
                        second = other.up().then(
                            () => "succeeded",
                            (err: unknown) => String(err),
                        );
                },
            });
            const up = await first;
            const secondResult = await second;
            expect(secondResult).toMatch(/the stack is currently locked by 1 lock\(s\)/);
            expect(changesOf(up.summary.resourceChanges)).toEqual({ update: 100 });
            expect(await titles(teamAOrg)).toEqual(expectedTitles("team-a", 100, " (v2)"));
            expect(await resourceCount(teamA, DASHBOARD)).toBe(100);
            // The refused update left the lock and the state as they were: the other handle now runs, with nothing to do.
            const again = await other.up();
            expect(changesOf(again.summary.resourceChanges)).toEqual({});
        });

        test("two stacks (two orgs) run up at the same time through nginx, and both converge", async () => {
            const [b, c] = [await dashboardsStack(`ha-team-b-${profile}`, "team-b", 50), await dashboardsStack(`ha-team-c-${profile}`, "team-c", 50)];
            const accessLog = path.join(ha.nginx.dir, "logs", "access.log");
            const logStart = fs.statSync(accessLog).size;
            const [upB, upC] = await Promise.all([b.up(), c.up()]);
            expect(changesOf(upB.summary.resourceChanges)).toEqual({ create: 52 });
            expect(changesOf(upC.summary.resourceChanges)).toEqual({ create: 52 });
            expect(await titles(upB.outputs.orgId.value as number)).toEqual(expectedTitles("team-b", 50));
            expect(await titles(upC.outputs.orgId.value as number)).toEqual(expectedTitles("team-c", 50));
            const [pb, pc] = await Promise.all([b.preview(), c.preview()]);
            expect(changesOf(pb.changeSummary)).toEqual({});
            expect(changesOf(pc.changeSummary)).toEqual({});
            // nginx spread the writes over both servers.
            const lines = fs
                .readFileSync(accessLog, "utf8")
                .slice(logStart)
                .split("\n")
                // a dashboard create: the legacy save (10.x/11.x) or the app-platform create (12.x/13.x)
                .filter((l) => /"POST \/api(\/dashboards\/db|s\/dashboard\.grafana\.app\/[^/ ]+\/namespaces\/[^/ ]+\/dashboards) /.test(l));
            const upstreams = new Set(lines.map((l) => /upstream=(\S+)/.exec(l)?.[1]));
            expect(lines.length).toBeGreaterThanOrEqual(100);
            expect(upstreams).toEqual(new Set(ha.grafana.map((g) => g.url.replace("http://", ""))));
        });

        test("a server killed (SIGKILL) mid-up: the next up converges through the other one", async () => {
            const stack = await dashboardsStack(`ha-team-kill-${profile}`, "team-kill", 100);
            let created = 0;
            let killed = false;
            const victim = ha.grafana[0];
            const first = await stack
                .up({
                    onEvent: (e: EngineEvent) => {
                        if (e.resOutputsEvent?.metadata.type === DASHBOARD && ++created === 20 && !killed) {
                            killed = true;
                            process.kill(victim.pid, "SIGKILL");
                        }
                    },
                })
                .then(
                    (r) => `up succeeded: ${JSON.stringify(changesOf(r.summary.resourceChanges))}`,
                    (err: unknown) => `up failed: ${String(err).slice(0, 2000)}`,
                );
            expect(killed).toBe(true);
            // nginx passes a refused connection on to the other server; a request cut off mid-way comes back as 502 and
            // the provider retries it. So the first up either completes all 102 creates, or fails having recorded some
            // dashboards; either way the next one makes exactly what is missing, nothing twice.
            const afterFirst = await resourceCount(stack, DASHBOARD);
            expect(first).toEqual(afterFirst === 100 ? 'up succeeded: {"create":102}' : expect.stringMatching(/^up failed: /));
            const next = await stack.up();
            expect(changesOf(next.summary.resourceChanges)).toEqual(afterFirst === 100 ? {} : { create: 100 - afterFirst });
            const orgId = next.outputs.orgId.value as number;
            const live = ha.grafana.filter((g) => g !== victim).map((g) => g.url);
            expect(await titles(orgId, live)).toEqual(expectedTitles("team-kill", 100));
            expect(await resourceCount(stack, DASHBOARD)).toBe(100);
            expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
            expect(changesOf((await stack.refresh()).summary.resourceChanges)).toEqual({});
            fs.appendFileSync(
                path.resolve(__dirname, "../../test-results/ha-kill.log"),
                `${new Date().toISOString()} ${profile} first: ${first}\nnext: ${JSON.stringify(changesOf(next.summary.resourceChanges))}\n`,
            );
        });
    });
