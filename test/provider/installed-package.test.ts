// The library as users get it: compiled to dist/ (with the per-kind host modules the build writes) and installed under
// node_modules. The SDK then serializes each provider as one require() of its kind's host module by package name, the
// same file states of 0.1.0 require.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
let prog: string;

beforeAll(() => {
    // Inside the repository, so @pulumi/pulumi and axios resolve from its node_modules as they would from a program's.
    fs.mkdirSync(path.join(ROOT, "test-results"), { recursive: true });
    prog = fs.mkdtempSync(path.join(ROOT, "test-results", "installed-"));
    // The program's own manifest: without it, Node resolves "pulumi-grafana-dynamic" to the repository itself
    // (a package may require itself by name through its "exports").
    fs.writeFileSync(path.join(prog, "package.json"), JSON.stringify({ name: "installed-test-program", private: true }));
    const pkg = path.join(prog, "node_modules", "pulumi-grafana-dynamic");
    execFileSync(
        process.execPath,
        [require.resolve("typescript/bin/tsc"), "-p", path.join(ROOT, "tsconfig.build.json"), "--outDir", path.join(pkg, "dist")],
        { cwd: ROOT },
    );
    execFileSync(process.execPath, [path.join(ROOT, "scripts", "lib", "host-entries.js"), path.join(pkg, "dist")], { cwd: ROOT });
    fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "pulumi-grafana-dynamic", main: "dist/index.js" }));
}, 120_000);

afterAll(() => fs.rmSync(prog, { recursive: true, force: true }));

// Runs in a separate node process whose working directory is the program: registers one Dashboard under mocks,
// then loads the serialized text the way the provider host does (require-from-string) and calls check.
const script = `
const pulumi = require("@pulumi/pulumi");
const seen = {};
pulumi.runtime.setMocks({ newResource: (a) => { seen[a.name] = a.inputs.__provider; return { id: "x", state: a.inputs }; }, call: () => ({}) }, "p", "s", false);
const { Dashboard } = require("pulumi-grafana-dynamic");
const d = new Dashboard("d", { dashboard: { title: "t" }, orgId: 2 });
d.uid.apply(async () => {
    const text = seen.d;
    const provider = require("require-from-string")(text).handler();
    const checked = await provider.check({}, { dashboard: { title: "" }, __resourceName: "d" });
    const legacy = require("pulumi-grafana-dynamic/dist/host/dashboard.js");
    const old = await legacy.check({}, { dashboard: { title: "" }, __resourceName: "d" });
    console.log(JSON.stringify({ text, failures: checked.failures, legacy: old.failures }));
});
`;

test("an installed library serializes each provider as one require() of its kind's host module, and the host can load it", () => {
    const out = execFileSync(process.execPath, ["-e", script], { cwd: prog, env: { PATH: process.env.PATH, HOME: process.env.HOME } }).toString();
    const { text, failures, legacy } = JSON.parse(out.trim().split("\n").pop()!) as { text: string; failures: unknown; legacy: unknown };
    expect(text).toContain('require("pulumi-grafana-dynamic/dist/host/dashboard.js")');
    expect(text).not.toContain(prog);
    expect(text.length).toBeLessThan(1024);
    expect(failures).toEqual([{ property: "dashboard.title", reason: "dashboard.title must be a non-empty string" }]);
    expect(legacy).toEqual(failures);
});
