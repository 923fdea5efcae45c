import { canonicalJson, dashboardHash, normalizeDashboard, parseDashboard } from "../../provider/dashboard-json";
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
        const b = dashboardHash(JSON.parse(JSON.stringify({ version: 5, schemaVersion: 6, rows: [{}], timezone: "browser", tags: ["templated"], title: "Production Overview", id: 12, uid: "zz" })));
        expect(a).toBe(b);
        expect(dashboardHash({ ...tutorial, title: "Other" })).not.toBe(a);
        expect(a).toMatch(/^[0-9a-f]{64}$/);
    });
    it("canonicalJson keeps arrays in order", () => {
        expect(canonicalJson([3, 1, { b: 1, a: 2 }])).toBe('[3,1,{"a":2,"b":1}]');
    });
});

describe("parseDashboard / check", () => {
    it("accepts the tutorial's legacy rows body, as object and as JSON text", () => {
        expect(parseDashboard(tutorial).failures).toEqual([]);
        expect(parseDashboard(JSON.stringify(tutorial)).failures).toEqual([]);
    });
    it("rejects invalid JSON text with the parser's reason", () => {
        const r = parseDashboard("{ title: ");
        expect(r.failures[0].property).toBe("dashboard");
        expect(r.failures[0].reason).toMatch(/not valid JSON/);
    });
    it("rejects a non-object, an empty title, a bad uid", () => {
        expect(parseDashboard("[1]").failures[0].reason).toMatch(/JSON object/);
        expect(parseDashboard({ title: "" }).failures).toEqual([{ property: "dashboard.title", reason: "dashboard.title must be a non-empty string" }]);
        expect(parseDashboard({ title: "t", uid: "u".repeat(41) }).failures[0].property).toBe("dashboard.uid");
        expect(parseDashboard({ title: "t", uid: "bad/uid" }).failures[0].reason).toMatch(/only letters/);
    });
    it("rejects a 'Share > Export for sharing externally' file and says what to do", () => {
        const exported = { __inputs: [{ name: "DS_PROM", type: "datasource" }], title: "t", panels: [{ datasource: "${DS_PROM}" }] };
        const r = parseDashboard(exported);
        expect(r.failures[0].reason).toMatch(/Export for sharing externally/);
        expect(r.failures[0].reason).toMatch(/JSON Model/);
        const onlyPlaceholder = parseDashboard({ title: "t", panels: [{ datasource: { uid: "${DS_PROM}" } }] });
        expect(onlyPlaceholder.failures[0].property).toBe("dashboard.panels[0].datasource.uid");
    });
    it("rejects a whole API request body", () => {
        expect(parseDashboard({ dashboard: tutorial, overwrite: false }).failures[0].reason).toMatch(/inner 'dashboard' object/);
    });
    it("check stores one canonical JSON copy and derives the uid", async () => {
        const r = await dashboardProvider.check!({} as never, { dashboard: JSON.stringify({ ...tutorial, uid: "prod-ov" }), resourceName: "d" });
        expect(r.failures).toEqual([]);
        expect(r.inputs!.uid).toBe("prod-ov");
        expect(r.inputs!.dashboard).toBe(canonicalJson({ ...tutorial, uid: "prod-ov" }));
    });
    it("check names every bad field at once", async () => {
        const r = await dashboardProvider.check!({} as never, {
            dashboard: "{}",
            folderUid: "bad folder",
            orgId: -1,
            overwrite: "yes",
            resourceName: "d",
        } as never);
        expect(r.failures!.map((f) => f.property).sort()).toEqual(["dashboard.title", "folderUid", "orgId", "overwrite"]);
    });
});
