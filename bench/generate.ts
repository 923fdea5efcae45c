// Bench of `generate` (npm run bench:generate): BENCH_GEN_N=1000 dashboards in 3 orgs on the Grafana API emulator
// (BENCH_PROFILE, default 12.x), then: generate (wall time, the generate process's peak RSS from its own
// resourceUsage().maxRSS, requests made), and the generated program's first `pulumi up` (all adopted; writes counted
// from the emulator's request log) and the following `pulumi preview`. Targets: generate < 15 s and < 500 MB.
// Writes bench/results/generate-latest.md and prints it.
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startGrafana } from "../test/support/grafana-server";
import { api } from "../test/support/generate-seed";
import { pulumiEnv } from "../test/support/pulumi-env";
import { RssMonitor } from "./peak-rss";

const ROOT = path.resolve(__dirname, "..");
const N = Number(process.env.BENCH_GEN_N ?? 1000);
const PROFILE = process.env.BENCH_PROFILE ?? "12.x";
const log = (s: string) => process.stderr.write(`bench:generate: ${s}\n`);

function timed(
    cmd: string,
    args: string[],
    opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string },
): Promise<{ ms: number; out: string; code: number; rssMb: number }> {
    return new Promise((resolve) => {
        const t0 = process.hrtime.bigint();
        const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ["pipe", "pipe", "pipe"] });
        const monitor = new RssMonitor(child.pid!);
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.stdin.end(opts.input ?? "");
        child.on("close", (code) => {
            const rss = monitor.stop();
            resolve({
                ms: Number(process.hrtime.bigint() - t0) / 1e6,
                out,
                code: code ?? 1,
                rssMb: Math.max(rss.cliMb, rss.providerHostMb, rss.languageHostPlusProgramMb),
            });
        });
    });
}

async function pool<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
    let next = 0;
    await Promise.all(
        Array.from({ length: limit }, async () => {
            while (next < items.length) await fn(items[next++]);
        }),
    );
}

const writesIn = (lines: string[]) => lines.filter((l) => /method=(POST|PUT|PATCH|DELETE) /.test(l)).length;
const requestsIn = (lines: string[]) => lines.filter((l) => /msg="Request Completed"/.test(l)).length;

async function main(): Promise<void> {
    const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "pgd-bench-generate-")));
    const g = await startGrafana(PROFILE);
    const admin = `${g.adminUser}:${g.adminPassword}`;
    const logFile = path.join(g.dataDir, "logs", "grafana.log");
    const logLines = () => fs.readFileSync(logFile, "utf8").split("\n");
    try {
        const t0 = Date.now();
        const orgIds = [1];
        for (const name of ["Payments", "Platform"])
            orgIds.push(((await api(g.url, admin, "POST", "/api/orgs", { name })) as { orgId: number }).orgId);
        const items: { orgId: number; i: number; folder: string }[] = [];
        for (const orgId of orgIds) {
            for (let f = 0; f < 10; f++) {
                await api(g.url, admin, "POST", "/api/folders", { uid: `f${f}`, title: `Team ${f}` }, orgId);
                if (PROFILE !== "10.0")
                    await api(g.url, admin, "POST", "/api/folders", { uid: `f${f}-sub`, title: "Services", parentUid: `f${f}` }, orgId);
            }
            await api(
                g.url,
                admin,
                "POST",
                "/api/datasources",
                {
                    uid: "prom",
                    name: "Prometheus",
                    type: "prometheus",
                    url: "http://prometheus:9090",
                    access: "proxy",
                    secureJsonData: { basicAuthPassword: "bench-secret" },
                },
                orgId,
            );
        }
        for (let i = 0; i < N; i++) {
            const orgId = orgIds[i % 3];
            const f = Math.floor(i / 3) % 10;
            items.push({ orgId, i, folder: i % 2 && PROFILE !== "10.0" ? `f${f}-sub` : `f${f}` });
        }
        await pool(items, 4, async ({ orgId, i, folder }) => {
            const panels = Array.from({ length: 6 }, (_, p) => ({
                id: p + 1,
                type: "timeseries",
                title: `Panel ${p + 1}`,
                gridPos: { h: 8, w: 12, x: (p % 2) * 12, y: Math.floor(p / 2) * 8 },
                targets: [{ refId: "A", expr: `sum(rate(http_requests_total{service="svc-${i}"}[5m])) by (code)`, datasource: { uid: "prom" } }],
            }));
            await api(
                g.url,
                admin,
                "POST",
                "/api/dashboards/db",
                { dashboard: { uid: `d${i}`, title: `Service ${i}`, panels, schemaVersion: 39 }, folderUid: folder },
                orgId,
            );
        });
        log(`seeded ${N} dashboards in 3 orgs in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

        const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", tmp], { cwd: ROOT, encoding: "utf8" })) as {
            filename: string;
        }[];
        const program = path.join(tmp, "program");
        const rssHook = path.join(tmp, "maxrss.js");
        fs.writeFileSync(rssHook, "process.on('exit', () => process.stderr.write('maxrss_kb=' + process.resourceUsage().maxRSS + '\\n'));\n");
        const genArgs = [
            "-r",
            rssHook,
            path.join(ROOT, "dist", "generate", "cli.js"),
            "generate",
            "--out",
            program,
            "--url",
            g.url,
            "--auth",
            admin,
            "--package-spec",
            `file:${path.join(tmp, packed[0].filename)}`,
        ];
        const before = logLines().length;
        const gen = await timed(process.execPath, genArgs, { env: { ...process.env, GRAFANA_URL: "", GRAFANA_AUTH: "" } });
        if (gen.code !== 0) throw new Error(`generate failed:\n${gen.out}`);
        const genRequests = requestsIn(logLines().slice(before));
        const genRss = Number(/maxrss_kb=(\d+)/.exec(gen.out)?.[1] ?? 0) / 1024;
        log(`generate: ${(gen.ms / 1000).toFixed(2)} s, peak RSS ${genRss.toFixed(0)} MB, ${genRequests} requests`);
        const again = await timed(process.execPath, [...genArgs.slice(0, 5), path.join(tmp, "again"), ...genArgs.slice(6)], {
            env: { ...process.env, GRAFANA_URL: "", GRAFANA_AUTH: "" },
        });

        execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: program, stdio: "ignore" });
        const env = { ...process.env, ...pulumiEnv(path.join(tmp, "state")) };
        fs.mkdirSync(path.join(tmp, "state"));
        const pulumi = (args: string[], input?: string) =>
            timed("pulumi", [...args, "--stack", "bench", "--non-interactive"], { cwd: program, env, input });
        execFileSync("pulumi", ["stack", "init", "bench"], { cwd: program, env, stdio: "ignore" });
        await pulumi(["config", "set", "grafana:url", g.url]);
        await pulumi(["config", "set", "--secret", "grafana:auth"], admin);
        for (const l of gen.out.split("\n").filter((x) => /^pulumi config set --secret \w+Prometheus/.test(x))) {
            await pulumi(["config", "set", "--secret", l.split(/\s+/)[4]], "bench-secret");
        }
        const beforeUp = logLines().length;
        const up = await pulumi(["up", "--yes", "--skip-preview", "--color", "never"]);
        if (up.code !== 0) throw new Error(`up failed:\n${up.out.slice(-3000)}`);
        const upLines = logLines().slice(beforeUp);
        log(`up: ${(up.ms / 1000).toFixed(1)} s, ${writesIn(upLines)} writes`);
        const beforePreview = logLines().length;
        const preview = await pulumi(["preview", "--expect-no-changes"]);
        const previewRequests = requestsIn(logLines().slice(beforePreview));
        // the summary line ("    + 1066 created"), not a step line, whose resource name may end in digits ("service-12 created")
        const resources = /^\s*\+\s*([\d,]+) created\s*$/m.exec(up.out)?.[1] ?? "?";
        const md = [
            `# generate bench (${new Date().toISOString().slice(0, 10)}, emulator ${PROFILE}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})`,
            "",
            `${N} dashboards (6 panels each) in 3 orgs, ${PROFILE === "10.0" ? 10 : 20} folders and 1 data source per org.`,
            "",
            "| phase | wall | peak RSS | requests | writes |",
            "| --- | --- | --- | --- | --- |",
            `| generate | ${(gen.ms / 1000).toFixed(2)} s (target < 15 s) | ${genRss.toFixed(0)} MB (target < 500 MB) | ${genRequests} | 0 |`,
            `| generate again (identical output: ${JSON.stringify(fs.readFileSync(path.join(program, "index.ts"), "utf8") === fs.readFileSync(path.join(tmp, "again", "index.ts"), "utf8"))}) | ${(again.ms / 1000).toFixed(2)} s | – | – | – |`,
            `| first \`pulumi up\` (${resources} created, all adopted) | ${(up.ms / 1000).toFixed(1)} s | ${up.rssMb.toFixed(0)} MB (largest process) | ${requestsIn(upLines)} | ${writesIn(upLines)} |`,
            `| \`pulumi preview --expect-no-changes\` (exit ${preview.code}) | ${(preview.ms / 1000).toFixed(1)} s | ${preview.rssMb.toFixed(0)} MB | ${previewRequests} | 0 |`,
            "",
        ].join("\n");
        fs.mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
        fs.writeFileSync(path.join(ROOT, "bench", "results", "generate-latest.md"), md);
        process.stdout.write(md);
    } finally {
        await g.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

main().catch((e: unknown) => {
    process.stderr.write(`bench:generate: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
});
