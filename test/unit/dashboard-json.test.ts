import {
    applyInputs,
    canonicalJson,
    checkNoPlaceholders,
    dashboardHash,
    diffPaths,
    modelText,
    normalizeDashboard,
    parseDashboard,
    parseModelText,
    undoRewrites,
} from "../../provider/dashboard-json";
import { dashboardProvider } from "../../provider/dashboard";

const tutorial = {
    id: null,
    title: "Production Overview",
    tags: ["templated"],
    timezone: "browser",
    rows: [{}],
    schemaVersion: 6,
    version: 0,
};

describe("normalisation", () => {
    it("sorts keys and drops what Grafana assigns (id, version, uid)", () => {
        expect(normalizeDashboard({ b: 1, a: { d: 2, c: 3 }, id: 4, version: 9, uid: "x" })).toBe('{"a":{"c":3,"d":2},"b":1}');
    });
    it("hash is the same for key order, server fields and JSON text vs object", () => {
        const a = dashboardHash({ ...tutorial });
        const b = dashboardHash(
            JSON.parse(
                JSON.stringify({
                    version: 5,
                    schemaVersion: 6,
                    rows: [{}],
                    timezone: "browser",
                    tags: ["templated"],
                    title: "Production Overview",
                    id: 12,
                    uid: "zz",
                }),
            ),
        );
        expect(a).toBe(b);
        expect(dashboardHash({ ...tutorial, title: "Other" })).not.toBe(a);
        expect(a).toMatch(/^[0-9a-f]{64}$/);
    });
    it("canonicalJson keeps arrays in order", () => {
        expect(canonicalJson([3, 1, { b: 1, a: 2 }])).toBe('[3,1,{"a":2,"b":1}]');
    });
    it("canonicalJson spells every key in string order, integer-like keys and __proto__ included", () => {
        // What the hashes in existing states were computed from: keys sorted as strings, undefined members dropped.
        const reference = (v: unknown): string => {
            if (Array.isArray(v)) return `[${v.map(reference).join(",")}]`;
            if (typeof v === "object" && v !== null) {
                const o = v as Record<string, unknown>;
                const keys = Object.keys(o)
                    .filter((k) => o[k] !== undefined)
                    .sort();
                return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(o[k])}`).join(",")}}`;
            }
            return JSON.stringify(v ?? null);
        };
        const samples: unknown[] = [
            { mappings: { "10": { text: "ten" }, "9": { text: "nine" }, b: 1 } },
            [{ options: { "0": "a", "1": "b" } }, { z: [1, undefined, "x"] }],
            JSON.parse('{"__proto__":{"polluted":true},"a":1}'),
            { a: undefined, b: null, c: -0, d: 1e21, e: "\u2028\ud800", f: [[], {}] },
            "text",
            7,
            null,
            undefined,
        ];
        for (const v of samples) expect(canonicalJson(v)).toBe(reference(v));
        expect(canonicalJson({ "10": 1, "9": 2 })).toBe('{"10":1,"9":2}');
        expect(canonicalJson(JSON.parse('{"__proto__":{"x":1}}'))).toBe('{"__proto__":{"x":1}}');
    });
});

describe("parseDashboard / check", () => {
    it("accepts the tutorial's legacy rows body, as object and as JSON text", () => {
        expect(parseDashboard(tutorial).failures).toEqual([]);
        expect(parseDashboard(JSON.stringify(tutorial)).failures).toEqual([]);
    });
    it("rejects invalid JSON text with the parser's reason", () => {
        const r = parseDashboard("{ title: ");
        // a sub-property: a failure on `dashboard` itself makes the engine print the whole model
        expect(r.failures[0].property).toBe("dashboard.json");
        expect(r.failures[0].reason).toMatch(/not valid JSON/);
    });
    it("rejects a non-object, an empty title, a bad uid", () => {
        expect(parseDashboard("[1]").failures[0].reason).toMatch(/JSON object/);
        expect(parseDashboard({ title: "" }).failures).toEqual([
            { property: "dashboard.title", reason: "dashboard.title must be a non-empty string" },
        ]);
        expect(parseDashboard({ title: "t", uid: "u".repeat(41) }).failures[0].property).toBe("dashboard.uid");
        expect(parseDashboard({ title: "t", uid: "bad/uid" }).failures[0].reason).toMatch(/only letters/);
    });
    it("accepts __requires alone (Grafana's POST /api/dashboards/db takes it unchanged)", () => {
        const fromGrafanaCom = { __requires: [{ type: "grafana", id: "grafana", version: "10.0.0" }], title: "t", panels: [] };
        expect(parseDashboard(fromGrafanaCom).failures).toEqual([]);
    });
    it("maps the __inputs of an exported dashboard: data sources from inputs, constants fall back to their value", () => {
        const exported = {
            __inputs: [
                { name: "DS_PROM", type: "datasource", pluginId: "prometheus" },
                { name: "VAR_ENV", type: "constant", value: "prod" },
            ],
            __requires: [{ type: "datasource", id: "prometheus" }],
            title: "t",
            panels: [{ datasource: { type: "prometheus", uid: "${DS_PROM}" }, targets: [{ expr: 'up{env="${VAR_ENV}"}' }] }],
        };
        const r = applyInputs(exported, { DS_PROM: "prom-uid" });
        expect(r.failures).toEqual([]);
        expect(r.dashboard).toEqual({
            __requires: exported.__requires,
            title: "t",
            panels: [{ datasource: { type: "prometheus", uid: "prom-uid" }, targets: [{ expr: 'up{env="prod"}' }] }],
        });
        expect(checkNoPlaceholders(r.dashboard!)).toEqual([]);
    });
    it("refuses unmapped and unknown inputs, naming them", () => {
        const exported = {
            __inputs: [
                { name: "DS_PROM", type: "datasource" },
                { name: "DS_LOKI", type: "datasource" },
            ],
            title: "t",
        };
        const r = applyInputs(exported, { DS_PROM: "p", DS_TYPO: "x" });
        expect(r.failures.map((f) => f.property).sort()).toEqual(["dashboard.__inputs", "inputs.DS_TYPO"]);
        expect(r.failures.find((f) => f.property === "dashboard.__inputs")!.reason).toMatch(/DS_LOKI \(datasource\)/);
        expect(r.failures.find((f) => f.property === "inputs.DS_TYPO")!.reason).toMatch(/declares: DS_PROM, DS_LOKI/);
    });
    it("a ${DS_...} placeholder left unresolved is named by its path", () => {
        expect(checkNoPlaceholders({ title: "t", panels: [{ datasource: { uid: "${DS_PROM}" } }] })[0].property).toBe(
            "dashboard.panels[0].datasource.uid",
        );
    });
    it("Grafana's own rewrites are recorded and put back; real edits stay", () => {
        const declared = { title: "t", schemaVersion: 6, panels: [{ title: "a" }] };
        const stored = { title: "t", schemaVersion: 41, panels: [{ title: "a" }] };
        const rewrites = diffPaths(declared, stored);
        expect(rewrites).toEqual([{ path: ["schemaVersion"], declared: 6, server: 41 }]);
        expect(undoRewrites(stored, rewrites)).toEqual(declared);
        expect(undoRewrites({ ...stored, panels: [{ title: "edited" }] }, rewrites)).toEqual({ ...declared, panels: [{ title: "edited" }] });
    });
    it("rejects a whole API request body", () => {
        expect(parseDashboard({ dashboard: tutorial, overwrite: false }).failures[0].reason).toMatch(/inner 'dashboard' object/);
    });
    it("check stores one canonical JSON copy and derives the uid", async () => {
        const r = await dashboardProvider.check!({} as never, { dashboard: JSON.stringify({ ...tutorial, uid: "prod-ov" }), __resourceName: "d" });
        expect(r.failures).toEqual([]);
        expect(r.inputs!.uid).toBe("prod-ov");
        // id and version are Grafana's: not kept
        const { id: _id, version: _v, ...rest } = tutorial;
        expect(r.inputs!.dashboard).toBe(modelText({ ...rest, uid: "prod-ov" }));
        expect(parseModelText(r.inputs!.dashboard)).toEqual({ ...rest, uid: "prod-ov" });
    });
    it("check keeps its earlier result for the same model and inputs, and hashes the model once", async () => {
        const given = { dashboard: JSON.stringify({ ...tutorial, uid: "prod-ov" }), inputs: { DS: "x" }, __resourceName: "d" };
        const first = (await dashboardProvider.check!({} as never, given)).inputs!;
        expect(first.__modelHash).toBe(dashboardHash(parseModelText(first.dashboard)));
        expect(first.__sourceHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
        // Same source: the stored result is taken as it is (a marker text proves nothing was parsed again).
        const marked = { ...first, dashboard: `${first.dashboard}\n` };
        const again = (await dashboardProvider.check!(marked, given)).inputs!;
        expect(again.dashboard).toBe(marked.dashboard);
        expect(again.__modelHash).toBe(first.__modelHash);
        expect(again.uid).toBe("prod-ov");
        // A changed model or changed inputs: normalised again.
        const retitled = (
            await dashboardProvider.check!(marked, { ...given, dashboard: JSON.stringify({ ...tutorial, uid: "prod-ov", title: "New" }) })
        ).inputs!;
        expect(parseModelText(retitled.dashboard).title).toBe("New");
        expect(retitled.__modelHash).not.toBe(first.__modelHash);
        const remapped = (await dashboardProvider.check!(marked, { ...given, inputs: { DS: "y" } })).inputs!;
        expect(remapped.dashboard).toBe(first.dashboard);
        expect(remapped.__sourceHash).not.toBe(first.__sourceHash);
        // diff compares check's hash with the stored one: no change.
        const outs = { ...first, dashboardHash: first.__modelHash, uid: "prod-ov", orgId: 1 };
        expect((await dashboardProvider.diff!("prod-ov", outs as never, again)).changes).toBe(false);
        expect((await dashboardProvider.diff!("prod-ov", outs as never, retitled)).changes).toBe(true);
    });
    it("check names every bad field at once", async () => {
        const r = await dashboardProvider.check!(
            {} as never,
            {
                dashboard: "{}",
                folderUid: "bad folder",
                orgId: -1,
                overwrite: "yes",
                __resourceName: "d",
            } as never,
        );
        expect(r.failures!.map((f) => f.property).sort()).toEqual(["dashboard.title", "folderUid", "orgId", "overwrite"]);
    });
});

describe("modelText: the model as the state keeps it", () => {
    const big = (n: number) => ({
        title: "Big",
        panels: Array.from({ length: n }, (_, i) => ({
            id: i,
            title: `Panel ${i}`,
            targets: [{ refId: "A", expr: `rate(x{job="${i}"}[5m])` }],
            gridPos: { h: 8, w: 12, x: 0, y: i },
        })),
    });
    it("round-trips, and reads the compact JSON of states written by 0.1.0", () => {
        for (const m of [tutorial, big(3), big(500), {}]) {
            expect(parseModelText(modelText(m))).toEqual(m);
            expect(parseModelText(canonicalJson(m))).toEqual(m);
        }
    });
    it("is neither JSON nor YAML to the CLI (first line), and splits a 20-panel model down to each panel's fields", () => {
        const text = modelText(big(20));
        expect(text.startsWith("@")).toBe(true);
        expect(() => JSON.parse(text)).toThrow();
        expect(text).toContain('\n   "title":"Panel 7"\n');
    });
    it("spends at most 2 KB of newlines and indentation, whatever the size", () => {
        for (const n of [1, 20, 200, 2000]) {
            const m = big(n);
            const overhead = modelText(m).length - canonicalJson(m).length - "@".length;
            expect(overhead).toBeLessThanOrEqual(2048 + 200); // + the header line
        }
    });
});
