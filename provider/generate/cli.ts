#!/usr/bin/env node
// `npx pulumi-grafana-dynamic generate --out DIR`: reads a live Grafana and writes a Pulumi program that adopts it.
import * as fs from "fs";
import * as path from "path";
import { clientFor } from "../client";
import { ConnectionValues, parseField, ResolvedConnection, resolveConnection } from "../connection";
import { explain, readGrafana } from "./read";
import { render, WriteOptions } from "./write";

const USAGE = `usage: pulumi-grafana-dynamic generate --out DIR [options]

Reads a Grafana (orgs, members, folders, dashboards, data sources, service accounts) and writes a Pulumi program
in DIR that adopts all of it: the first \`pulumi up\` records everything without a write.

  --out DIR               where to write (must be absent or empty, unless --force)
  --force                 replace a non-empty DIR
  --org NAME|ID           only this org (repeatable); default: every org the credential can read
  --url URL               Grafana's root URL (default GRAFANA_URL)
  --auth USER:PW|TOKEN    credential (default GRAFANA_AUTH); a server admin with basic auth reads every org
  --ca-cert PEM|FILE      CA bundle (default GRAFANA_CA_CERT)
  --tls-cert PEM|FILE     client certificate (default GRAFANA_TLS_CERT)
  --tls-key PEM|FILE      its key (default GRAFANA_TLS_KEY)
  --insecure-skip-verify  do not verify the server certificate (default GRAFANA_INSECURE_SKIP_VERIFY)
  --http-headers JSON     extra headers (default GRAFANA_HTTP_HEADERS)
  --no-protect            generate without protect: true
  --project NAME          the Pulumi project name (default grafana-stack; not "grafana", the provider's config namespace)
  --package-spec SPEC     this package's spec in package.json (default its version, e.g. a tarball path)
  --concurrency N         requests in flight (default 8)
`;

export interface CliOptions {
    out: string;
    force: boolean;
    orgs: string[];
    connection: ConnectionValues;
    protect: boolean;
    project: string;
    packageSpec?: string;
    concurrency: number;
}

const FLAG_FIELDS: Record<string, keyof ConnectionValues> = {
    "--url": "url",
    "--auth": "auth",
    "--ca-cert": "caCert",
    "--tls-cert": "tlsCert",
    "--tls-key": "tlsKey",
    "--http-headers": "httpHeaders",
};

export function parseArgs(argv: string[]): CliOptions {
    if (argv[0] !== "generate") throw new Error(`unknown command ${JSON.stringify(argv[0] ?? "")}\n\n${USAGE}`);
    const o: CliOptions = { out: "", force: false, orgs: [], connection: {}, protect: true, project: "grafana-stack", concurrency: 8 };
    for (let i = 1; i < argv.length; i++) {
        const a = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined) throw new Error(`${a} needs a value`);
            return v;
        };
        if (a === "--out") o.out = value();
        else if (a === "--force") o.force = true;
        else if (a === "--org") o.orgs.push(value());
        else if (a === "--no-protect") o.protect = false;
        else if (a === "--project") o.project = value();
        else if (a === "--package-spec") o.packageSpec = value();
        else if (a === "--concurrency") {
            o.concurrency = Number(value());
            if (!Number.isInteger(o.concurrency) || o.concurrency < 1) throw new Error("--concurrency must be a positive integer");
        } else if (a === "--insecure-skip-verify") o.connection.insecureSkipVerify = true;
        else if (a in FLAG_FIELDS) {
            const field = FLAG_FIELDS[a];
            (o.connection as Record<string, unknown>)[field] = parseField(field, value(), a);
        } else if (a === "--help" || a === "-h") throw new Error(USAGE);
        else throw new Error(`unknown option ${a}\n\n${USAGE}`);
    }
    if (!o.out) throw new Error(`--out DIR is required\n\n${USAGE}`);
    if (!/^[A-Za-z0-9_.-]+$/.test(o.project)) throw new Error("--project must be letters, digits, _ . or -");
    // The project's config namespace would be the provider's (grafana:url, grafana:auth): the program's own keys would mix in.
    if (o.project === "grafana") throw new Error('--project grafana: choose another name ("grafana" is the provider\'s config namespace)');
    return o;
}

function ownPackage(): { version: string; peer: string; dev: Record<string, string> } {
    const p = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as {
        version: string;
        peerDependencies: Record<string, string>;
        devDependencies?: Record<string, string>;
    };
    return { version: p.version, peer: p.peerDependencies["@pulumi/pulumi"], dev: p.devDependencies ?? {} };
}

/** Refuses an existing non-empty --out unless --force; before any call to Grafana. */
function checkOut(out: string, force: boolean): void {
    if (!fs.existsSync(out)) return;
    if (!fs.statSync(out).isDirectory()) throw new Error(`--out ${out} exists and is not a directory`);
    if (fs.readdirSync(out).length > 0 && !force)
        throw new Error(`--out ${out} is not empty: choose an empty or new directory, or add --force to replace it`);
}

/** Writes every file into a temp dir beside `out`, then swaps it in: an error leaves nothing half-written. */
function writeAll(out: string, files: Map<string, string>): void {
    const abs = path.resolve(out);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    const tmp = fs.mkdtempSync(`${abs}.generate-`);
    try {
        for (const [rel, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
            const file = path.join(tmp, ...rel.split("/"));
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, text);
        }
        let old: string | undefined;
        if (fs.existsSync(abs)) {
            old = `${tmp}.old`;
            fs.renameSync(abs, old);
        }
        fs.renameSync(tmp, abs);
        if (old) fs.rmSync(old, { recursive: true, force: true });
    } catch (e) {
        fs.rmSync(tmp, { recursive: true, force: true });
        throw e;
    }
}

function shellQuote(s: string): string {
    return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export async function main(argv: string[], stdout: (s: string) => void, stderr: (s: string) => void): Promise<number> {
    let o: CliOptions;
    let conn: ResolvedConnection;
    try {
        o = parseArgs(argv);
        checkOut(o.out, o.force);
        if (!o.connection.url && !process.env.GRAFANA_URL) throw new Error("no Grafana URL: pass --url or set GRAFANA_URL");
        if (!o.connection.auth && !process.env.GRAFANA_AUTH)
            throw new Error("no Grafana credential: pass --auth (user:password or a token) or set GRAFANA_AUTH");
        conn = resolveConnection(o.connection);
    } catch (e) {
        stderr(`generate: ${(e as Error).message}\n`);
        return 2;
    }
    const client = clientFor(conn);
    const started = Date.now();
    let snapshot;
    try {
        snapshot = await readGrafana(client, conn.auth, { orgs: o.orgs, concurrency: o.concurrency, progress: (l) => stderr(`${l}\n`) });
    } catch (e) {
        stderr(`generate: ${explain(e, conn.url).message}\n`);
        return 1;
    }
    const own = ownPackage();
    const options: WriteOptions = {
        project: o.project,
        protect: o.protect,
        packageSpec: o.packageSpec ?? own.version,
        versions: {
            self: own.version,
            pulumi: own.peer,
            typescript: own.dev.typescript ?? "^5.0.0",
            tsNode: own.dev["ts-node"] ?? "^10.9.0",
            typesNode: own.dev["@types/node"] ?? "^22.0.0",
        },
    };
    const g = render(snapshot, options);
    writeAll(o.out, g.files);
    const c = g.counts;
    const skipped = snapshot.skipped.length + snapshot.orgs.reduce((n, org) => n + org.skipped.length, 0);
    stderr(
        `generate: wrote ${g.files.size} files to ${o.out} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${c.orgs} orgs, ${c.members} members, ${c.folders} folders, ${c.dashboards} dashboards, ${c.dataSources} data sources, ${c.serviceAccounts} service accounts; ${skipped} skipped (SKIPPED.md)\n`,
    );
    stdout(`# In ${o.out}:\nnpm install\npulumi stack init <stack>\n`);
    stdout(`pulumi config set grafana:url ${shellQuote(conn.url)}\npulumi config set --secret grafana:auth   # reads the credential from stdin\n`);
    for (const s of g.secrets) stdout(`pulumi config set --secret ${s.key}   # ${s.what}; reads the value from stdin\n`);
    stdout("pulumi up   # adopts: no write where Grafana matches the program\n");
    return 0;
}

if (require.main === module) {
    main(
        process.argv.slice(2),
        (s) => process.stdout.write(s),
        (s) => process.stderr.write(s),
    ).then(
        (code) => process.exit(code),
        (e: unknown) => {
            process.stderr.write(`generate: ${(e as Error).message}\n`);
            process.exit(1);
        },
    );
}
