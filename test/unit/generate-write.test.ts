import { OrgSnapshot, Snapshot } from "../../provider/generate/model";
import { dashboardFile, parentsFirst, render, slug, uniqueNames, WriteOptions } from "../../provider/generate/write";

const options: WriteOptions = {
    project: "grafana",
    protect: true,
    packageSpec: "0.1.0",
    versions: { self: "0.1.0", pulumi: "^3.216.0", typescript: "5.9.3", tsNode: "10.9.2", typesNode: "22.20.5" },
};

function org(extra: Partial<OrgSnapshot> = {}): OrgSnapshot {
    return {
        id: 2,
        name: "Acme Corp",
        members: [{ userId: 7, login: "bob", role: "Editor" }],
        folders: [
            { uid: "db", title: "Databases", parentUid: "ops" },
            { uid: "ops", title: "Ops", parentUid: "" },
            { uid: "team", title: "Team", parentUid: "" },
        ],
        dashboards: [
            {
                uid: "lat-team",
                title: "Latency",
                folderUid: "team",
                model: { uid: "lat-team", title: "Latency", id: 9, version: 4, b: 1, a: { d: 1, c: 2 } },
            },
            { uid: "lat-ops", title: "Latency", folderUid: "ops", model: { uid: "lat-ops", title: "Latency", id: 8, version: 2 } },
            { uid: "pg", title: "Postgres", folderUid: "db", model: { uid: "pg", title: "Postgres" } },
            { uid: "home", title: "Home", folderUid: "", model: { uid: "home", title: "Home" } },
        ],
        dataSources: [
            {
                uid: "prom",
                name: "Prometheus",
                type: "prometheus",
                url: "http://prometheus:9090",
                access: "proxy",
                jsonData: { httpMethod: "POST", httpHeaderName1: "Authorization" },
                secureJsonFields: ["httpHeaderValue1", "basicAuthPassword"],
            },
        ],
        serviceAccounts: [{ id: 3, name: "ci-bot", role: "Editor", isDisabled: false, tokens: 1 }],
        skipped: [{ what: '1 token(s) of service account "ci-bot"', why: "shown once" }],
        ...extra,
    };
}

const snapshot = (orgs: OrgSnapshot[]): Snapshot => ({ url: "http://grafana:3000", basicAuth: true, orgs, skipped: [] });

describe("generate: the writer", () => {
    it("is deterministic: the same Grafana listed in any order gives byte-identical files", () => {
        const a = render(snapshot([org()]), options);
        const o = org();
        const shuffled = org({
            folders: [...o.folders].reverse(),
            dashboards: [...o.dashboards].reverse(),
            dataSources: [{ ...o.dataSources[0], secureJsonFields: [...o.dataSources[0].secureJsonFields].reverse() }],
        });
        const b = render(snapshot([shuffled]), options);
        expect([...b.files.entries()].sort()).toEqual([...a.files.entries()].sort());
    });

    it("names: slug of the title, a short uid suffix only where two collide; references, not literals", () => {
        const { files } = render(snapshot([org()]), options);
        const index = files.get("index.ts")!;
        expect(index).toContain('new Dashboard("acme-corp-latency-lat-op"');
        expect(index).toContain('new Dashboard("acme-corp-latency-lat-te"');
        expect(index).toContain('new Dashboard("acme-corp-postgres"');
        expect(index).toContain('const acmeCorp = new Organization("acme-corp", { name: "Acme Corp", adopt: true }, opts);');
        expect(index).toMatch(/const acmeCorpDatabases = new Folder\("acme-corp-databases", \{[^}]*parentUid: acmeCorpOps\.uid/s);
        expect(index).toMatch(/new Dashboard\("acme-corp-postgres", \{[^}]*folderUid: acmeCorpDatabases\.uid/s);
        expect(index).toContain("orgId: acmeCorp.orgId");
        // parents first, and folders before their dashboards
        expect(index.indexOf('"acme-corp-ops"')).toBeLessThan(index.indexOf('"acme-corp-databases"'));
        expect(index.indexOf('"acme-corp-databases"')).toBeLessThan(index.indexOf('"acme-corp-postgres"'));
        expect(index).toContain("const opts = { protect: true };");
        expect(render(snapshot([org()]), { ...options, protect: false }).files.get("index.ts")).toContain("const opts = { protect: false };");
    });

    it("uniqueNames depends on the set, not the order, and never repeats a name", () => {
        const items = ["abcdef1", "abcdef2", "zzz"].map((uid) => ({ uid, t: uid === "zzz" ? "B" : "A" }));
        const one = uniqueNames(
            items,
            (i) => i.t,
            (i) => i.uid,
        );
        const two = uniqueNames(
            [...items].reverse(),
            (i) => i.t,
            (i) => i.uid,
        );
        expect(items.map((i) => one.get(i))).toEqual(["A-abcdef1", "A-abcdef2", "B"]);
        expect(items.map((i) => two.get(i))).toEqual(items.map((i) => one.get(i)));
        // a suffixed name that equals another's base name
        const tricky = [
            { uid: "x1aaaaaa", t: "a" },
            { uid: "x2aaaaaa", t: "a" },
            { uid: "u", t: "a-x1aaaa" },
        ];
        const names = [
            ...uniqueNames(
                tricky,
                (i) => i.t,
                (i) => i.uid,
            ).values(),
        ];
        expect(new Set(names).size).toBe(3);
    });

    it("secrets: every secure field becomes config.requireSecret, listed for `pulumi config set --secret`; no value anywhere", () => {
        const g = render(snapshot([org()]), options);
        expect(g.secrets.map((s) => s.key)).toEqual(["acmeCorpPrometheusBasicAuthPassword", "acmeCorpPrometheusHttpHeaderValue1"]);
        const index = g.files.get("index.ts")!;
        expect(index).toContain(
            'secureJsonData: { basicAuthPassword: config.requireSecret("acmeCorpPrometheusBasicAuthPassword"), httpHeaderValue1: config.requireSecret("acmeCorpPrometheusHttpHeaderValue1") }',
        );
        expect(index).toContain("const config = new pulumi.Config();");
    });

    it("dashboard files: no id or version, keys sorted, 2-space indent, final newline, under dashboards/<org>/<folder path>/<uid>.json", () => {
        expect(dashboardFile({ version: 3, id: 1, uid: "u", b: [{ z: 1, a: 2 }], a: 1 })).toBe(
            '{\n  "a": 1,\n  "b": [\n    {\n      "a": 2,\n      "z": 1\n    }\n  ],\n  "uid": "u"\n}\n',
        );
        const { files } = render(snapshot([org()]), options);
        expect([...files.keys()].filter((f) => f.startsWith("dashboards/")).sort()).toEqual([
            "dashboards/acme-corp/general/home.json",
            "dashboards/acme-corp/ops/databases/pg.json",
            "dashboards/acme-corp/ops/lat-ops.json",
            "dashboards/acme-corp/team/lat-team.json",
        ]);
        expect(files.get("dashboards/acme-corp/team/lat-team.json")).toBe(
            '{\n  "a": {\n    "c": 2,\n    "d": 1\n  },\n  "b": 1,\n  "title": "Latency",\n  "uid": "lat-team"\n}\n',
        );
    });

    it("two orgs with the same slug, SKIPPED.md with reasons, package.json with this package and the peer SDK", () => {
        const g = render(snapshot([org(), org({ id: 5, name: "acme corp", skipped: [] })]), options);
        const index = g.files.get("index.ts")!;
        expect(index).toContain('new Organization("acme-corp-2"');
        expect(index).toContain('new Organization("acme-corp-5"');
        expect(g.files.get("SKIPPED.md")).toContain('## Org "Acme Corp" (id 2)\n\n- 1 token(s) of service account "ci-bot": shown once');
        expect(JSON.parse(g.files.get("package.json")!)).toMatchObject({
            dependencies: { "@pulumi/pulumi": "^3.216.0", "pulumi-grafana-dynamic": "0.1.0" },
            devDependencies: { typescript: "5.9.3" },
        });
    });

    it("a token's org: no Organization resource, the org id as a constant", () => {
        const g = render({ ...snapshot([org()]), basicAuth: false }, options);
        const index = g.files.get("index.ts")!;
        expect(index).not.toContain("new Organization");
        expect(index).toContain("const acmeCorpOrgId = 2;");
    });

    it("slug and parentsFirst", () => {
        expect(slug("Café — Ops/DB 2")).toBe("cafe-ops-db-2");
        expect(slug("***")).toBe("x");
        expect(parentsFirst(org().folders).map((f) => f.uid)).toEqual(["ops", "db", "team"]);
    });
});
