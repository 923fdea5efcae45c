// Two schema v2 dashboards in org 1 (admin credentials from grafana:url / grafana:auth): a 12-panel resource in the
// form Grafana 13 exports, and one built with @grafana/grafana-foundation-sdk's dashboardv2 builders. Config
// editedPanel / editedTitle retitle one panel of the first (a pull request's one-panel edit).
import * as pulumi from "@pulumi/pulumi";
import { DashboardBuilder, GridBuilder, GridItemBuilder, PanelBuilder } from "@grafana/grafana-foundation-sdk/dashboardv2";
import { Dashboard } from "../../../../provider";

const config = new pulumi.Config();
const editedPanel = config.getNumber("editedPanel");
const editedTitle = config.get("editedTitle");

const elements: Record<string, unknown> = {};
const items: unknown[] = [];
for (let i = 1; i <= 12; i++) {
    elements[`panel-${i}`] = {
        kind: "Panel",
        spec: {
            id: i,
            title: i === editedPanel && editedTitle ? editedTitle : `HTTP 5xx rate, service ${i}`,
            description: "",
            links: [],
            data: {
                kind: "QueryGroup",
                spec: {
                    queries: [
                        {
                            kind: "PanelQuery",
                            spec: {
                                refId: "A",
                                hidden: false,
                                query: {
                                    kind: "DataQuery",
                                    group: "prometheus",
                                    version: "v0",
                                    spec: { expr: `sum(rate(http_requests_total{code=~"5..",svc="${i}"}[5m]))` },
                                },
                            },
                        },
                    ],
                    transformations: [],
                    queryOptions: {},
                },
            },
            vizConfig: { kind: "VizConfig", group: "timeseries", version: "", spec: { options: {}, fieldConfig: { defaults: {}, overrides: [] } } },
        },
    };
    items.push({
        kind: "GridLayoutItem",
        spec: {
            x: ((i - 1) % 2) * 12,
            y: Math.floor((i - 1) / 2) * 8,
            width: 12,
            height: 8,
            element: { kind: "ElementReference", name: `panel-${i}` },
        },
    });
}

const exported = new Dashboard("exported-v2", {
    orgId: 1,
    dashboard: {
        apiVersion: "dashboard.grafana.app/v2",
        kind: "Dashboard",
        metadata: { name: "e2e-v2-exported", namespace: "default", resourceVersion: "1761234567000000", generation: 4 },
        spec: { title: "Services (v2)", tags: ["e2e"], elements, layout: { kind: "GridLayout", spec: { items } } },
    },
});

const built = new DashboardBuilder("Built with the SDK (v2)")
    .tags(["e2e"])
    .element("cpu", new PanelBuilder().id(1).title("CPU"))
    .layout(new GridBuilder().item(new GridItemBuilder().name("cpu").x(0).y(0).width(24).height(8)))
    .build();
const sdk = new Dashboard("sdk-v2", { orgId: 1, dashboard: built });

export const exportedUid = exported.uid;
export const sdkUid = sdk.uid;
