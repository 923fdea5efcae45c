import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { implRef, packageProvider, packageSpecifier, thinProvider } from "../../provider/thin";

describe("thin provider stub", () => {
    it("names the package when the library is installed under node_modules", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "thin-"));
        const pkgDir = path.join(root, "node_modules", "pulumi-grafana-dynamic");
        fs.mkdirSync(path.join(pkgDir, "provider"), { recursive: true });
        fs.writeFileSync(path.join(pkgDir, "package.json"), JSON.stringify({ name: "pulumi-grafana-dynamic" }));
        const ref = implRef(path.join(pkgDir, "provider", "dashboard.js"), "dashboardProvider");
        expect(ref.pkg).toBe("pulumi-grafana-dynamic/provider/dashboard");
        expect(ref.abs).toBe(path.join(pkgDir, "provider", "dashboard"));
        fs.rmSync(root, { recursive: true });
    });

    it("in a checkout, points to the file relative to the program directory", () => {
        const file = path.resolve(__dirname, "../../provider/organization.ts");
        const ref = implRef(file, "organizationProvider");
        expect(ref.pkg).toBeUndefined();
        expect(ref.rel).toBe(path.relative(process.cwd(), file.replace(/\.ts$/, "")));
    });

    it("loads and calls the implementation, and says clearly when it cannot", async () => {
        const ok = thinProvider<{ name: string }, unknown>(
            implRef(path.resolve(__dirname, "../../provider/organization.ts"), "organizationProvider"),
        );
        const r = await ok.check!({} as never, { name: "" });
        expect(r.failures).toEqual([{ property: "name", reason: "name must be a non-empty string" }]);
        const missing = thinProvider<{ name: string }, unknown>({ rel: "nowhere/x", abs: "/nowhere/x", name: "p" });
        expect(() => missing.check!({} as never, { name: "x" })).toThrow(
            /cannot load the Grafana provider implementation .*is pulumi-grafana-dynamic installed\?/,
        );
    });

    it("in the provider host, an installed library is found by package name from the program directory", async () => {
        const prog = fs.mkdtempSync(path.join(os.tmpdir(), "thin-prog-"));
        const pkgDir = path.join(prog, "node_modules", "pulumi-grafana-dynamic", "dist");
        fs.mkdirSync(pkgDir, { recursive: true });
        fs.writeFileSync(path.join(pkgDir, "x.js"), "exports.xProvider = { async check(o, n) { return { inputs: { ...n, via: 'package' } }; } };");
        const cwd = process.cwd();
        try {
            process.chdir(prog);
            // rel and abs point nowhere: only the package name can find it
            const stub = thinProvider<Record<string, string>, unknown>({
                pkg: "pulumi-grafana-dynamic/dist/x",
                rel: "gone/x",
                abs: "/gone/x",
                name: "xProvider",
            });
            expect((await stub.check!({}, { a: "1" })).inputs).toEqual({ a: "1", via: "package" });
        } finally {
            process.chdir(cwd);
            fs.rmSync(prog, { recursive: true });
        }
    });

    it("through a symlink (npm install <dir>, workspaces), names the package the program reaches, never the real path", async () => {
        const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "thin-link-")));
        const lib = path.join(root, "checkout");
        fs.mkdirSync(path.join(lib, "dist", "host"), { recursive: true });
        fs.writeFileSync(path.join(lib, "package.json"), JSON.stringify({ name: "pulumi-grafana-dynamic" }));
        fs.writeFileSync(
            path.join(lib, "dist", "host", "index.js"),
            "module.exports = { providers: { X: { async check(o, n) { return { inputs: { ...n, via: 'link' } }; } } } };",
        );
        const prog = path.join(root, "prog");
        fs.mkdirSync(path.join(prog, "node_modules"), { recursive: true });
        fs.symlinkSync(lib, path.join(prog, "node_modules", "pulumi-grafana-dynamic"));
        const cwd = process.cwd();
        try {
            const file = path.join(lib, "dist", "host", "index.js");
            expect(packageSpecifier(file, prog)).toBe("pulumi-grafana-dynamic/dist/host/index.js");
            expect(packageSpecifier(file, root)).toBeUndefined(); // not reachable by name from there
            process.chdir(prog);
            const stub = packageProvider<Record<string, string>, unknown>("pulumi-grafana-dynamic/dist/host/index.js", "X", ["check"]);
            expect(Object.keys(stub)).toEqual(["check"]);
            expect((await stub.check!({}, { a: "1" })).inputs).toEqual({ a: "1", via: "link" });
        } finally {
            process.chdir(cwd);
            fs.rmSync(root, { recursive: true });
        }
    });
});
