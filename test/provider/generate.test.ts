// The `generate` command in-process against the Grafana API emulator: what it reads, what it writes, its errors.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { getDashboard } from "../../provider/app-platform";
import { GrafanaClient } from "../../provider/client";
import { parseAnyDashboard } from "../../provider/dashboard-v2";
import { main } from "../../provider/generate/cli";
import { apisOfVersion } from "../../provider/server-version";
import { FakeGrafana } from "../support/fake-grafana";
import { api, seedGrafana, V2_UID } from "../support/generate-seed";
import { ADMIN_PASSWORD, startFake } from "../support/provider-env";

let fake: FakeGrafana;
let tmp: string;
beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pgd-generate-"));
});
afterEach(async () => {
    await fake?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await main(
        ["generate", ...argv],
        (s) => (out += s),
        (s) => (err += s),
    );
    return { code, out, err };
}

function tree(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p);
            else out[path.relative(dir, p)] = fs.readFileSync(p, "utf8");
        }
    };
    walk(dir);
    return out;
}

describe.each(["10.0", "12.x", "13.x"])("generate on the emulator's %s profile", (profile) => {
    it("writes the program, SKIPPED.md and the config lines; byte-identical on a second run; no secret in any file", async () => {
        fake = await startFake({ profile });
        const seeded = await seedGrafana(fake.url, `admin:${ADMIN_PASSWORD}`, profile !== "10.0");
        if (profile === "10.0") {
            const made = (await api(fake.url, `admin:${ADMIN_PASSWORD}`, "POST", "/api/auth/keys", { name: "legacy", role: "Viewer" }, 1)) as {
                key: string;
            };
            seeded.secrets.push(made.key);
        }
        const before = fake.requests.length;
        const first = await run("--out", path.join(tmp, "a"));
        const dashboards = 8 + seeded.dashboards.filter((d) => d.v2).length;
        expect(first.err).toMatch(
            new RegExp(
                `wrote \\d+ files .*: 2 orgs, 2 members, 6 folders, ${dashboards} dashboards, 2 data sources, 2 service accounts; \\d+ skipped`,
            ),
        );
        expect(first.code).toBe(0);
        expect(fake.requests.slice(before).filter((r) => r.method !== "GET")).toEqual([]);
        const second = await run("--out", path.join(tmp, "b"));
        if (process.env.GENERATE_KEEP) fs.cpSync(path.join(tmp, "a"), `${process.env.GENERATE_KEEP}-${profile}`, { recursive: true });
        expect(second.code).toBe(0);
        const a = tree(path.join(tmp, "a"));
        expect(tree(path.join(tmp, "b"))).toEqual(a);
        for (const s of [...seeded.secrets, ADMIN_PASSWORD]) {
            for (const [f, text] of Object.entries(a)) expect(`${f}: ${text.includes(s)}`).toBe(`${f}: false`);
            expect(first.out + first.err).not.toContain(s);
        }
        expect(first.out).toContain("pulumi config set --secret mainOrgPrometheusHttpHeaderValue1");
        expect(first.out).toContain("pulumi config set --secret acmeCorpPrometheusHttpHeaderValue1");
        const skipped = a["SKIPPED.md"];
        expect(skipped).toContain('- 1 token(s) of service account "ci-bot"');
        expect(skipped).toContain('- membership of "admin" (Admin)');
        const nested = profile === "10.0" ? "databases" : "ops/databases";
        expect(Object.keys(a)).toContain(`dashboards/acme-corp/${nested}/pg-acme.json`);
        expect(a["index.ts"]).toContain(
            'new OrgMembership("acme-corp-bob", { orgId: acmeCorp.orgId, loginOrEmail: "bob", role: "Editor", adopt: true }, opts);',
        );
        if (profile === "10.0") expect(skipped).toContain('- API key "legacy" (Viewer): Grafana shows a key only once');
        if (profile === "13.x") {
            // the v2 dashboard (the legacy GET answers it 406): the v2 resource, name only, keys sorted
            const v2 = JSON.parse(a[`dashboards/main-org/ops/${V2_UID}.json`]) as Record<string, unknown>;
            expect(Object.keys(v2)).toEqual(["apiVersion", "kind", "metadata", "spec"]);
            expect(v2.metadata).toEqual({ name: V2_UID });
            expect(Object.keys(v2.spec as object)).toEqual([...Object.keys(v2.spec as object)].sort());
            expect(a["index.ts"]).toContain(`dashboard: dashboard("main-org/ops/${V2_UID}.json")`);
            expect(fake.requests.slice(before).some((r) => r.path.includes(`/v2/namespaces/default/dashboards/${V2_UID}`))).toBe(true);
        }
    });
});

describe("generate: after a change in Grafana, and with a token", () => {
    it("one dashboard edited in Grafana: a second run differs in that dashboard's file only", async () => {
        fake = await startFake({ profile: "12.x" });
        const admin = `admin:${ADMIN_PASSWORD}`;
        await seedGrafana(fake.url, admin, true);
        expect((await run("--out", path.join(tmp, "a"))).code).toBe(0);
        const got = (await api(fake.url, admin, "GET", "/api/dashboards/uid/pg-acme", undefined, 2)) as {
            dashboard: Record<string, unknown>;
            meta: { folderUid: string };
        };
        await api(
            fake.url,
            admin,
            "POST",
            "/api/dashboards/db",
            { dashboard: { ...got.dashboard, description: "edited" }, folderUid: got.meta.folderUid, overwrite: true },
            2,
        );
        expect((await run("--out", path.join(tmp, "b"))).code).toBe(0);
        const a = tree(path.join(tmp, "a"));
        const b = tree(path.join(tmp, "b"));
        const changed = Object.keys(b).filter((f) => a[f] !== b[f]);
        expect(changed).toEqual(["dashboards/acme-corp/ops/databases/pg-acme.json"]);
        expect(b[changed[0]]).toContain('"description": "edited"');
    });

    it("an Admin token of one org: that org only, its org id as a constant, no Organization, members listed as skipped", async () => {
        fake = await startFake({ profile: "12.x" });
        const admin = `admin:${ADMIN_PASSWORD}`;
        await seedGrafana(fake.url, admin, true);
        const sa = (await api(fake.url, admin, "POST", "/api/serviceaccounts", { name: "gen", role: "Admin" }, 2)) as { id: number };
        const key = ((await api(fake.url, admin, "POST", `/api/serviceaccounts/${sa.id}/tokens`, { name: "t" }, 2)) as { key: string }).key;
        const r = await run("--out", path.join(tmp, "t"), "--auth", key);
        expect(r.err).toMatch(/: 0 orgs, 0 members, 3 folders, 4 dashboards, 1 data sources, 2 service accounts;/);
        const files = tree(path.join(tmp, "t"));
        expect(files["index.ts"]).toContain("const acmeCorpOrgId = 2;");
        expect(files["index.ts"]).not.toContain("new Organization(");
        expect(files["SKIPPED.md"]).toContain("- org members: a token cannot list org users");
        expect(Object.values(files).some((t) => t.includes(key))).toBe(false);
    });
});

describe("generate on 13.x: more dashboards than one page of the app-platform list", () => {
    it("reads every one through limit/continue pages (500 a page)", async () => {
        fake = await startFake({ profile: "13.x" });
        const admin = `admin:${ADMIN_PASSWORD}`;
        await seedGrafana(fake.url, admin, true);
        // org 2 holds 4 seeded dashboards; 497 more make 501: two pages
        for (let i = 0; i < 497; i += 50) {
            await Promise.all(
                Array.from({ length: Math.min(50, 497 - i) }, (_, j) =>
                    api(fake.url, admin, "POST", "/api/dashboards/db", { dashboard: { uid: `p${i + j}`, title: `Paged ${i + j}`, panels: [] } }, 2),
                ),
            );
        }
        const before = fake.requests.length;
        const r = await run("--out", path.join(tmp, "p"));
        expect(r.err).toMatch(/: 2 orgs, 2 members, 6 folders, 506 dashboards,/);
        const lists = fake.requests
            .slice(before)
            .filter((q) => q.method === "GET" && q.path === "/apis/dashboard.grafana.app/v1/namespaces/org-2/dashboards");
        expect(lists.length).toBe(2);
        expect(Object.keys(tree(path.join(tmp, "p"))).filter((f) => f.startsWith("dashboards/acme-corp/")).length).toBe(501);
    });
});

describe.each(["12.x", "13.x"])("generate on %s: a schema v2 dashboard", (profile) => {
    it("is written as the v2 resource whose model the Dashboard resource holds equal to what it reads back (adopted without a save)", async () => {
        fake = await startFake({ profile });
        const admin = `admin:${ADMIN_PASSWORD}`;
        const apis = apisOfVersion((await new GrafanaClient(fake.url, admin, { retries: 0 }).get<{ version: string }>("/api/health")).data.version);
        const spec = {
            title: "Edge",
            elements: { p: { kind: "Panel", spec: { id: 1, title: "Errors", vizConfig: { kind: "VizConfig", group: "stat", spec: {} } } } },
            layout: {
                kind: "GridLayout",
                spec: {
                    items: [{ kind: "GridLayoutItem", spec: { x: 0, y: 0, width: 6, height: 4, element: { kind: "ElementReference", name: "p" } } }],
                },
            },
        };
        await api(fake.url, admin, "POST", `/apis/dashboard.grafana.app/${apis.dashboards!.v2}/namespaces/default/dashboards`, {
            metadata: { name: "edge-v2" },
            spec,
        });
        expect((await run("--out", path.join(tmp, "v"))).code).toBe(0);
        const file = tree(path.join(tmp, "v"))["dashboards/main-org/general/edge-v2.json"];
        const declared = parseAnyDashboard(file);
        expect(declared.failures).toEqual([]);
        const client = new GrafanaClient(fake.url, admin, { retries: 0 });
        const read = await getDashboard(client, apis, "edge-v2", 1);
        expect(read.v2).toBe(true);
        expect(declared.dashboard).toEqual({ ...read.dashboard, uid: "edge-v2" });
    });
});

describe("generate: errors, before anything is written", () => {
    it("a wrong password, an unreachable URL, a non-empty --out, a token without the right to list", async () => {
        fake = await startFake({ profile: "12.x" });
        const wrong = await run("--out", path.join(tmp, "x"), "--auth", "admin:wrong-password");
        expect(wrong.code).toBe(1);
        expect(wrong.err).toMatch(/^generate: Grafana GET \/api\/user failed: 401 .*refused the credentials. Check --auth/);
        expect(fs.existsSync(path.join(tmp, "x"))).toBe(false);

        const down = await run("--out", path.join(tmp, "x"), "--url", "http://127.0.0.1:9", "--auth", "admin:x");
        expect(down.code).toBe(1);
        expect(down.err).toMatch(/cannot reach Grafana at http:\/\/127.0.0.1:9/);

        const url = process.env.GRAFANA_URL;
        delete process.env.GRAFANA_URL;
        const noUrl = await run("--out", path.join(tmp, "x"));
        process.env.GRAFANA_URL = url;
        expect([noUrl.code, noUrl.err]).toEqual([2, "generate: no Grafana URL: pass --url or set GRAFANA_URL\n"]);

        fs.mkdirSync(path.join(tmp, "full"));
        fs.writeFileSync(path.join(tmp, "full", "keep.txt"), "mine");
        const full = await run("--out", path.join(tmp, "full"));
        expect(full.code).toBe(2);
        expect(full.err).toContain("is not empty");
        expect(fs.readFileSync(path.join(tmp, "full", "keep.txt"), "utf8")).toBe("mine");
        expect((await run("--out", path.join(tmp, "full"), "--force")).code).toBe(0);
        expect(fs.existsSync(path.join(tmp, "full", "keep.txt"))).toBe(false);

        const admin = `admin:${ADMIN_PASSWORD}`;
        const sa = (await api(fake.url, admin, "POST", "/api/serviceaccounts", { name: "viewer", role: "Viewer" }, 1)) as { id: number };
        const key = ((await api(fake.url, admin, "POST", `/api/serviceaccounts/${sa.id}/tokens`, { name: "t" }, 1)) as { key: string }).key;
        const viewer = await run("--out", path.join(tmp, "v"), "--auth", key);
        expect(viewer.code).toBe(1);
        expect(viewer.err).toMatch(/Grafana GET \/api\/datasources failed: 403 .*it needs datasources:read \(an Admin of the org\)/);
        expect(viewer.err).not.toContain(key);
        expect(fs.readdirSync(tmp).sort()).toEqual(["full"]);
    });

    it("--org limits to the named orgs (name or id); an unknown one is an error", async () => {
        fake = await startFake({ profile: "12.x" });
        await seedGrafana(fake.url, `admin:${ADMIN_PASSWORD}`, true);
        const one = await run("--out", path.join(tmp, "one"), "--org", "Acme Corp");
        expect(one.err).toMatch(/: 1 orgs,/);
        const byId = await run("--out", path.join(tmp, "two"), "--org", "1", "--org", "Acme Corp");
        expect(byId.err).toMatch(/: 2 orgs,/);
        const bad = await run("--out", path.join(tmp, "bad"), "--org", "nope");
        expect(bad.code).toBe(1);
        expect(bad.err).toContain("--org nope: no such org");
    });
});
