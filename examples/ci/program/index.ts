// A team's dashboard of 20 panels: what a pull request typically changes is one panel.
import * as pulumi from "@pulumi/pulumi";
import { Dashboard } from "../../../provider";

const config = new pulumi.Config();
const editedPanel = config.getNumber("editedPanel");
const editedTitle = config.get("editedTitle") ?? "";

const panels = Array.from({ length: 20 }, (_, i) => ({
    id: i + 1,
    type: "timeseries",
    title: i === editedPanel ? editedTitle : `HTTP 5xx rate, service ${i + 1}`,
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    datasource: { type: "prometheus", uid: "prometheus" },
    targets: [{ refId: "A", expr: `sum(rate(http_requests_total{job="svc-${i + 1}",code=~"5.."}[5m]))`, legendFormat: "{{instance}}" }],
    fieldConfig: { defaults: { unit: "reqps", color: { mode: "palette-classic" } }, overrides: [] },
    options: { legend: { displayMode: "list", placement: "bottom" }, tooltip: { mode: "single" } },
}));

const dashboard = new Dashboard("services", {
    dashboard: { title: "Services", tags: ["ci"], schemaVersion: 39, time: { from: "now-6h", to: "now" }, panels },
    orgId: config.getNumber("orgId"),
});

export const url = dashboard.url;
