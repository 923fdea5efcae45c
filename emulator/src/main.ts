// The emulator's process entry (emulator/bin/grafana-emulator starts it; see README "Grafana API emulator"):
//   main.js serve --data-dir DD         serve with DD/emulator.json ({profile, port, https?, store}); logs to DD/logs
//   main.js import --store FILE --from SNAPSHOT   load a JSON snapshot (.json/.json.gz) or copy a store (.db)
//   main.js export --store FILE --to OUT          write a JSON snapshot (.json or .json.gz)
import * as fs from "fs";
import * as path from "path";
import { Emulator } from "./emulator";
import { Store, readSnapshotFile, writeSnapshotFile } from "./store";

interface Config {
    profile: string;
    port: number;
    https?: { cert: string; key: string };
    store: string;
}

function arg(args: string[], name: string): string {
    const i = args.indexOf(name);
    const v = i >= 0 ? args[i + 1] : undefined;
    if (!v) die(`missing ${name}`);
    return v;
}

function die(message: string): never {
    process.stderr.write(`grafana-emulator: ${message}\n`);
    process.exit(2);
}

async function serve(dataDir: string): Promise<void> {
    const config = JSON.parse(fs.readFileSync(path.join(dataDir, "emulator.json"), "utf8")) as Config;
    fs.mkdirSync(path.join(dataDir, "logs"), { recursive: true });
    const emu = await Emulator.start({
        profile: config.profile,
        port: config.port,
        store: config.store,
        adminPassword: process.env.GRAFANA_ADMIN_PASSWORD || "admin",
        https: config.https ? { cert: fs.readFileSync(config.https.cert, "utf8"), key: fs.readFileSync(config.https.key, "utf8") } : undefined,
        requestLog: path.join(dataDir, "logs", "grafana.log"),
        latencyMs: Number(process.env.GRAFANA_EMULATOR_LATENCY_MS ?? 0) || 0,
    });
    // A long-running server must not keep every request in memory.
    emu.recordLimit = 0;
    process.stderr.write(
        `grafana-emulator: profile ${emu.profile.name} (Grafana ${emu.profile.version} behaviour) on ${emu.url}, store ${config.store}\n`,
    );
    let stopping = false;
    const stop = (): void => {
        if (stopping) return;
        stopping = true;
        emu.stop().then(
            () => process.exit(0),
            () => process.exit(1),
        );
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
}

function importStore(store: string, from: string): void {
    if (from.endsWith(".db")) {
        fs.copyFileSync(from, store);
        return;
    }
    const s = new Store({ path: store });
    s.load(readSnapshotFile(from));
    s.close();
}

function exportStore(store: string, to: string): void {
    const s = new Store({ path: store });
    writeSnapshotFile(to, s.snapshot());
    s.close();
}

const [cmd, ...args] = process.argv.slice(2);
switch (cmd) {
    case "serve":
        serve(arg(args, "--data-dir")).catch((e: unknown) => die(e instanceof Error ? e.message : String(e)));
        break;
    case "import":
        importStore(arg(args, "--store"), arg(args, "--from"));
        break;
    case "export":
        exportStore(arg(args, "--store"), arg(args, "--to"));
        break;
    default:
        die("usage: main.js serve --data-dir DD | import --store FILE --from SNAPSHOT | export --store FILE --to OUT");
}
