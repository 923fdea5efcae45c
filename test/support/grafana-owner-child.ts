// A stand-in for a test process (used by test/e2e/grafana-lifecycle.test.ts): starts an emulator with startGrafana,
// prints its pid, data dir and URL as one JSON line, then waits to be killed.
import { startGrafana } from "./grafana-server";

startGrafana(process.argv[2] ?? "12.x").then(
    (g) => {
        process.stdout.write(`${JSON.stringify({ pid: g.pid, dataDir: g.dataDir, url: g.url })}\n`);
        setInterval(() => undefined, 1 << 30);
    },
    (e: unknown) => {
        process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
    },
);
