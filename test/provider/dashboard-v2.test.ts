// Schema v2 dashboards: a v2 resource as Grafana 13 exports it and a model from the foundation SDK's v2 builders are
// checked without HTTP, saved through the v2 API on 12.x/13.x, hold no perpetual diff (the server's defaults), preview
// a one-panel edit as a short line diff, and fail with the version needed on a server without v2.
import { DashboardBuilder, GridBuilder, GridItemBuilder, PanelBuilder } from "@grafana/grafana-foundation-sdk/dashboardv2";
import { dashboardProvider as p, DashboardInputs } from "../../provider/dashboard";
import { parseModelText } from "../../provider/dashboard-json";
import { organizationProvider } from "../../provider/organization";
import { FakeGrafana } from "../support/fake-grafana";
import { ADMIN_PASSWORD, errorOf, startFake } from "../support/provider-env";

let fake: FakeGrafana;
let orgId: number;
afterEach(() => fake?.stop());

/** A v2 dashboard resource as Grafana 13 exports it (metadata of the server included). */
function exported(panels: number, title = "Service"): Record<string, unknown> {
    const elements: Record<string, unknown> = {};
    const items: unknown[] = [];
    for (let i = 1; i <= panels; i++) {
        elements[`panel-${i}`] = {
            kind: "Panel",
            spec: {
                id: i,
                title: `Panel ${i}`,
                description: "",
                links: [],
                data: { kind: "QueryGroup", spec: { queries: [], transformations: [], queryOptions: {} } },
                vizConfig: {
                    kind: "VizConfig",
                    group: "timeseries",
                    version: "",
                    spec: { options: {}, fieldConfig: { defaults: {}, overrides: [] } },
                },
            },
        };
        items.push({
            kind: "GridLayoutItem",
            spec: { x: 0, y: i * 8, width: 12, height: 8, element: { kind: "ElementReference", name: `panel-${i}` } },
        });
    }
    return {
        apiVersion: "dashboard.grafana.app/v2",
        kind: "Dashboard",
        metadata: {
            name: "svc-v2",
            namespace: "default",
            resourceVersion: "1761234567000000",
            generation: 3,
            annotations: { "grafana.app/folder": "x" },
        },
        spec: { title, elements, layout: { kind: "GridLayout", spec: { items } } },
    };
}

async function checked(dashboard: unknown): Promise<DashboardInputs> {
    const r = await p.check!({} as never, { __resourceName: "svc", __autoUid: "auto-svc", dashboard: JSON.stringify(dashboard), orgId } as never);
    expect(r.failures).toEqual([]);
    return r.inputs!;
}

/** Lines only in one text or the other (a line diff's +/- lines), by longest common subsequence. */
function changedLines(a: string, b: string): number {
    const x = a.split("\n");
    const y = b.split("\n");
    const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
    for (let i = x.length - 1; i >= 0; i--)
        for (let j = y.length - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    return x.length + y.length - 2 * lcs[0][0];
}

describe("v2 models in check (no HTTP)", () => {
    beforeEach(async () => {
        fake = await startFake({ profile: "13.x" });
        orgId = 1;
    });

    it("an exported v2 resource keeps its spec and name, drops the server's metadata; the SDK's v2 builder gives the same form", async () => {
        const before = fake.requests.length;
        const fromExport = parseModelText((await checked(exported(1))).dashboard);
        expect(fromExport).toEqual({
            apiVersion: "dashboard.grafana.app/v2",
            kind: "Dashboard",
            uid: "svc-v2",
            spec: (exported(1) as { spec: unknown }).spec,
        });
        const built = new DashboardBuilder("Built")
            .element("panel-1", new PanelBuilder().id(1).title("CPU"))
            .layout(new GridBuilder().item(new GridItemBuilder().name("panel-1").x(0).y(0).width(12).height(8)))
            .build();
        const fromSdk = parseModelText((await checked(built)).dashboard);
        expect(fromSdk).toMatchObject({
            apiVersion: "dashboard.grafana.app/v2",
            kind: "Dashboard",
            spec: { title: "Built", layout: { kind: "GridLayout" } },
        });
        expect(fromSdk.uid).toBeUndefined();
        // the stored form parses to itself (a model read back by refresh keeps its uid)
        expect(parseModelText((await checked(fromExport)).dashboard)).toEqual(fromExport);
        expect(fake.requests.length).toBe(before);
    });

    it("a v2 model without layout fails in check naming the field; a v1 resource becomes its classic model", async () => {
        const bad = await p.check!(
            {} as never,
            {
                __resourceName: "svc",
                dashboard: { apiVersion: "dashboard.grafana.app/v2", kind: "Dashboard", spec: { title: "t", elements: {} } },
            } as never,
        );
        expect(bad.failures!.map((f) => f.property)).toEqual(["dashboard.spec.layout"]);
        const v1 = parseModelText(
            (
                await checked({
                    apiVersion: "dashboard.grafana.app/v1",
                    kind: "Dashboard",
                    metadata: { name: "classic" },
                    spec: { title: "C", panels: [] },
                })
            ).dashboard,
        );
        expect(v1).toEqual({ title: "C", panels: [], uid: "classic" });
    });
});

describe.each([
    ["12.x", "v2beta1"],
    ["13.x", "v2"],
] as const)("v2 dashboards on the %s profile", (profile, v2) => {
    beforeEach(async () => {
        fake = await startFake({ profile });
        orgId = (await organizationProvider.create({ name: "v2", __resourceName: "v2" })).outs!.orgId;
    });

    it(`goes up through /apis/dashboard.grafana.app/${v2}; refresh finds no drift despite the server's defaults; a one-panel edit is a short diff`, async () => {
        const inputs = await checked(exported(12));
        const c = await p.create(inputs);
        expect(c.outs).toMatchObject({ uid: "svc-v2", title: "Service", version: 1 });
        expect(
            fake.requests.some((r) => r.method === "POST" && r.path === `/apis/dashboard.grafana.app/${v2}/namespaces/org-${orgId}/dashboards`),
        ).toBe(true);
        // the legacy view refuses it (406 from 12.1): stored as v2
        const legacy = await fetch(`${fake.url}/api/dashboards/uid/svc-v2`, {
            headers: { Authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString("base64")}`, "X-Grafana-Org-Id": String(orgId) },
        });
        expect(legacy.status).toBe(406);
        const r = await p.read!(c.id, c.outs!);
        expect(r.inputs).toBeUndefined();
        expect(r.props).toEqual(c.outs);
        expect((await p.diff!(c.id, r.props!, await checked(exported(12)))).changes).toBe(false);

        const edited = exported(12) as { spec: { elements: Record<string, { spec: { title: string } }> } };
        edited.spec.elements["panel-7"].spec.title = "Latency p99";
        const next = await checked(edited);
        expect((await p.diff!(c.id, r.props!, next)).changes).toBe(true);
        expect(changedLines(inputs.dashboard, next.dashboard)).toBeGreaterThan(0);
        expect(changedLines(inputs.dashboard, next.dashboard)).toBeLessThan(40);
        const u = await p.update!(c.id, r.props!, next);
        expect(u.outs).toMatchObject({ version: 2, title: "Service" });
        expect((fake.dashboards(orgId)[0].json.elements as Record<string, { spec: { title: string } }>)["panel-7"].spec.title).toBe("Latency p99");
        await p.delete!(c.id, u.outs!);
        expect(fake.dashboards(orgId)).toEqual([]);
    });

    it("an edit made in Grafana shows field by field on refresh, without the server's defaults", async () => {
        const inputs = await checked(exported(3));
        const c = await p.create(inputs);
        const theirs = exported(3) as { spec: { elements: Record<string, { spec: { title: string } }> } };
        theirs.spec.elements["panel-2"].spec.title = "Edited in Grafana";
        const put = await fetch(`${fake.url}/apis/dashboard.grafana.app/${v2}/namespaces/org-${orgId}/dashboards/svc-v2`, {
            method: "PUT",
            headers: {
                Authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString("base64")}`,
                "X-Grafana-Org-Id": String(orgId),
                "Content-Type": "application/json",
            },
            body: JSON.stringify({ metadata: { name: "svc-v2" }, spec: theirs.spec }),
        });
        expect(put.status).toBe(200);
        const r = await p.read!(c.id, c.outs!);
        expect(r.props).toMatchObject({ version: 2 });
        const live = parseModelText((r.inputs as unknown as DashboardInputs).dashboard);
        const declared = parseModelText(inputs.dashboard) as { spec: { elements: Record<string, { spec: { title: string } }> } };
        declared.spec.elements["panel-2"].spec.title = "Edited in Grafana";
        expect(live).toEqual(declared);
    });
});

it("a v2 model on Grafana 11.6 fails on the first call with the version needed; a v1 model stays v1 on 13.x", async () => {
    fake = await startFake({ profile: "11.6" });
    orgId = (await organizationProvider.create({ name: "v2", __resourceName: "v2" })).outs!.orgId;
    const msg = await errorOf(p.create(await checked(exported(1))));
    expect(msg).toMatch(
        /^Dashboard "svc": this is a schema v2 dashboard .*Grafana 11\.6\.15 at .* has no v2 dashboard API: it needs Grafana 12 .* or Grafana 13/,
    );
    expect(fake.dashboards(orgId)).toEqual([]);
    await fake.stop();

    fake = await startFake({ profile: "13.x" });
    orgId = (await organizationProvider.create({ name: "v1", __resourceName: "v1" })).outs!.orgId;
    await p.create(await checked({ title: "Classic", panels: [] }));
    expect(fake.requests.some((r) => r.method === "POST" && r.path === `/apis/dashboard.grafana.app/v1/namespaces/org-${orgId}/dashboards`)).toBe(
        true,
    );
    expect(fake.requests.some((r) => r.path.includes("/v2/"))).toBe(false);
});
