// The package as users install it into their Pulumi program: from the tarball `npm pack` makes, from a git URL
// (built by `prepare` on install), from a local directory (npm makes a symlink) and as an npm workspace. In each
// case the provider the SDK serializes into the state names the package, holds no absolute path of this machine,
// and loads and runs the way the provider host loads it (require-from-string, working directory = the program).
// Real npm, offline-first from its cache; nothing is published.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KINDS } from "../../provider/kinds";

jest.setTimeout(600_000);

const ROOT = path.resolve(__dirname, "../..");
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    name: string;
    version: string;
    devDependencies: Record<string, string>;
};
const SDK_VERSION = PKG.devDependencies["@pulumi/pulumi"];
let tmp: string;
let tarball: string;
let checkout: string;

function run(cmd: string, args: string[], cwd: string): string {
    try {
        return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 16 << 20 });
    } catch (e) {
        const err = e as { stdout?: string; stderr?: string; message: string };
        throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) failed: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`, { cause: e });
    }
}

const npm = (args: string[], cwd: string) => run("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline"], cwd);

function writeJson(file: string, value: unknown): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(value, null, 2));
}

/** A user's program: only @pulumi/pulumi (the version this repository develops with) and what the test adds. */
function program(dir: string, deps: Record<string, string> = {}): string {
    writeJson(path.join(dir, "package.json"), { name: path.basename(dir), private: true, dependencies: { "@pulumi/pulumi": SDK_VERSION, ...deps } });
    return dir;
}

// Runs in the program directory with its own node_modules: registers one resource of each kind under mocks, then
// loads each serialized provider as the provider host does and calls check with a bad input.
const PROBE = `
const pulumi = require("@pulumi/pulumi");
const seen = {};
pulumi.runtime.setMocks({ newResource: (a) => { seen[a.name] = a.inputs.__provider; return { id: a.name + "-id", state: a.inputs }; }, call: () => ({}) }, "p", "s", false);
const g = require("pulumi-grafana-dynamic");
const org = new g.Organization("org", { name: "apiorg" });
const m = new g.OrgMembership("member", { orgId: 2, loginOrEmail: "admin", role: "Admin" });
const key = new g.ApiKey("key", { orgId: 2, name: "k", role: "Admin" });
const d = new g.Dashboard("dash", { dashboard: { title: "t" }, orgId: 2 });
// Waits for the four registrations (each serializes its provider first), not for a fixed time.
(async () => {
    const deadline = Date.now() + 30000;
    while (Object.keys(seen).length < 4 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    const requireFromString = require(require.resolve("require-from-string", { paths: [require.resolve("@pulumi/pulumi")] }));
    const orgCheck = await requireFromString(seen.org).handler().check({}, { name: "", resourceName: "org" });
    const dashCheck = await requireFromString(seen.dash).handler().check({}, { dashboard: { title: "" }, resourceName: "dash" });
    console.log(JSON.stringify({ texts: seen, orgFailures: orgCheck.failures, dashFailures: dashCheck.failures, library: require.resolve("pulumi-grafana-dynamic") }));
})();
`;

interface Probe {
    texts: Record<string, string>;
    orgFailures: unknown;
    dashFailures: unknown;
    library: string;
}

function probe(prog: string): Probe {
    fs.writeFileSync(path.join(prog, "probe.js"), PROBE);
    const out = run(process.execPath, ["probe.js"], prog);
    return JSON.parse(out.trim().split("\n").pop()!) as Probe;
}

/** Absolute paths of this machine that must never appear in a state. */
function machinePaths(prog: string): string[] {
    return [ROOT, tmp, prog, os.homedir(), fs.realpathSync(os.tmpdir())].filter((p) => p !== "/");
}

function expectPortable(p: Probe, prog: string, kind: "require" | "stub"): void {
    expect(Object.keys(p.texts).sort()).toEqual(["dash", "key", "member", "org"]);
    for (const [name, text] of Object.entries(p.texts)) {
        const type = { org: "Organization", member: "OrgMembership", key: "ApiKey", dash: "Dashboard" }[name]!;
        const file = KINDS.find((k) => k.type === type)!.file.replace(/\.ts$/, ".js");
        if (kind === "require") {
            // installed under node_modules: one require() of the kind's own host module
            expect(text).toContain(`require("pulumi-grafana-dynamic/dist/host/${file}")`);
            expect(text.length).toBeLessThan(1024);
        } else {
            // reached through a symlink: a small stub naming the package's host entry and the kind
            expect(text).toContain('"pulumi-grafana-dynamic/dist/host/index.js"');
            expect(text).toContain(`"${type}"`);
            expect(text.length).toBeLessThan(2560);
        }
        for (const abs of machinePaths(prog)) expect(text).not.toContain(abs);
        expect(text).not.toMatch(/"\/(root|home|tmp|work|usr|var)\//);
    }
    expect(p.orgFailures).toEqual([{ property: "name", reason: "name must be a non-empty string" }]);
    expect(p.dashFailures).toEqual([{ property: "dashboard.title", reason: "dashboard.title must be a non-empty string" }]);
}

beforeAll(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "pgd-install-")));
    // The working tree as a fresh checkout (tracked and new files, no node_modules, no dist).
    checkout = path.join(tmp, "checkout");
    const files = run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT)
        .split("\0")
        .filter((f) => f && fs.existsSync(path.join(ROOT, f)));
    for (const f of files) {
        fs.mkdirSync(path.dirname(path.join(checkout, f)), { recursive: true });
        fs.copyFileSync(path.join(ROOT, f), path.join(checkout, f));
    }
    // The checkout's dependencies are the repository's (the same lock file; `npm ci` here would only add a minute).
    // npm pack runs `prepare`, which builds dist/ in the checkout.
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(checkout, "node_modules"));
    const packed = JSON.parse(npm(["pack", "--json", "--pack-destination", tmp], checkout)) as { filename: string }[];
    tarball = path.join(tmp, packed[0].filename);
});

afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test("npm pack contains the compiled library, its types and the manifest only", () => {
    const [info] = JSON.parse(npm(["pack", "--dry-run", "--json"], checkout)) as { files: { path: string }[]; name: string; version: string }[];
    const files = info.files.map((f) => f.path).sort();
    expect(info.name).toBe(PKG.name);
    for (const f of [
        "package.json",
        "README.md",
        "dist/index.js",
        "dist/index.d.ts",
        "dist/thin.js",
        "dist/host/index.js",
        // one host module per kind of the registry, written by the build
        ...KINDS.map((k) => `dist/host/${k.file.replace(/\.ts$/, ".js")}`),
    ]) {
        expect(files).toContain(f);
    }
    expect(files.filter((f) => !/^dist\/.+\.(js|d\.ts)$/.test(f))).toEqual(["LICENSE", "README.md", "package.json"].filter((f) => files.includes(f)));
    expect(files.some((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toBe(false);
    const manifest = JSON.parse(fs.readFileSync(path.join(checkout, "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest.private).toBeUndefined();
    expect(manifest.peerDependencies).toHaveProperty("@pulumi/pulumi");
    expect(manifest.dependencies).not.toHaveProperty("@pulumi/pulumi");
});

test("(a) from the tarball: each provider is a stub naming the installed package and its kind", () => {
    const prog = program(path.join(tmp, "from-tarball"));
    npm(["install", tarball], prog);
    expect(fs.lstatSync(path.join(prog, "node_modules", "pulumi-grafana-dynamic")).isSymbolicLink()).toBe(false);
    const p = probe(prog);
    expect(p.library).toBe(path.join(prog, "node_modules", "pulumi-grafana-dynamic", "dist", "index.js"));
    expectPortable(p, prog, "require");
});

test("(b) from a git URL: npm builds dist/ with `prepare`, and the state names the package", () => {
    const repo = path.join(tmp, "git-src");
    fs.cpSync(checkout, repo, { recursive: true, filter: (src) => !/\/(node_modules|dist)$/.test(src) && !src.endsWith(".tgz") });
    run("git", ["init", "-q", "-b", "main"], repo);
    run("git", ["add", "-A"], repo);
    run("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "snapshot"], repo);
    run("git", ["clone", "-q", "--bare", repo, path.join(tmp, "lib.git")], tmp);
    const prog = program(path.join(tmp, "from-git"));
    npm(["install", `git+file://${path.join(tmp, "lib.git")}`], prog);
    expect(fs.existsSync(path.join(prog, "node_modules", "pulumi-grafana-dynamic", "dist", "index.d.ts"))).toBe(true);
    const p = probe(prog);
    expectPortable(p, prog, "require");
});

test("(c) from a local directory (a symlink to the checkout): the state names the package, not the checkout's path", () => {
    const prog = program(path.join(tmp, "from-dir"));
    npm(["install", checkout], prog);
    expect(fs.lstatSync(path.join(prog, "node_modules", "pulumi-grafana-dynamic")).isSymbolicLink()).toBe(true);
    const p = probe(prog);
    expect(p.library).toBe(path.join(checkout, "dist", "index.js"));
    expectPortable(p, prog, "stub");
});

test("(d) as an npm workspace: the program reaches the library by name through the workspace link", () => {
    const ws = path.join(tmp, "workspace");
    fs.cpSync(checkout, path.join(ws, "packages", "grafana"), {
        recursive: true,
        filter: (src) => !/\/(node_modules|dist)$/.test(src) && !src.endsWith(".tgz"),
    });
    // The library's own workspace (its example) is not part of this monorepo.
    const libManifest = path.join(ws, "packages", "grafana", "package.json");
    const lib = JSON.parse(fs.readFileSync(libManifest, "utf8")) as Record<string, unknown>;
    delete lib.workspaces;
    writeJson(libManifest, lib);
    writeJson(path.join(ws, "package.json"), { name: "infra-monorepo", private: true, workspaces: ["packages/grafana", "infra"] });
    program(path.join(ws, "infra"), { [PKG.name]: PKG.version });
    npm(["install"], ws);
    const prog = path.join(ws, "infra");
    const p = probe(prog);
    expect(p.library).toBe(path.join(ws, "packages", "grafana", "dist", "index.js"));
    expectPortable(p, prog, "stub");
});
