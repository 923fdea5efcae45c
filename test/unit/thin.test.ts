import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { implRef, thinProvider } from "../../provider/thin";

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
        const ok = thinProvider<{ name: string }, unknown>(implRef(path.resolve(__dirname, "../../provider/organization.ts"), "organizationProvider"));
        const r = await ok.check!({} as never, { name: "" });
        expect(r.failures).toEqual([{ property: "name", reason: "name must be a non-empty string" }]);
        const missing = thinProvider<{ name: string }, unknown>({ rel: "nowhere/x", abs: "/nowhere/x", name: "p" });
        expect(() => missing.check!({} as never, { name: "x" })).toThrow(/cannot load the Grafana provider implementation .*is pulumi-grafana-dynamic installed\?/);
    });
});
