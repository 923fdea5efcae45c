// A grafana.com-sized dashboard (~470 KB) from "Export for sharing externally", declared without `inputs`:
// check must refuse it in a few lines, never by printing the model.
import { Dashboard } from "../../../../provider";

const panels = Array.from({ length: 640 }, (_, i) => ({
    id: i + 1,
    type: "timeseries",
    title: `Requests by instance, service ${i}`,
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    datasource: { type: "prometheus", uid: "${DS_PROMETHEUS}" },
    targets: [
        { refId: "A", expr: `sum by (instance) (rate(http_requests_total{job="api-${i}",code=~"5.."}[5m]))`, legendFormat: "{{instance}}" },
        { refId: "B", expr: `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="api-${i}"}[5m])))` },
    ],
    fieldConfig: { defaults: { unit: "reqps", thresholds: { mode: "absolute", steps: [{ color: "green", value: null }, { color: "red", value: 80 }] } }, overrides: [] },
}));

new Dashboard("exported", {
    dashboard: JSON.stringify({
        __inputs: [{ name: "DS_PROMETHEUS", label: "Prometheus", type: "datasource", pluginId: "prometheus" }],
        __requires: [{ type: "datasource", id: "prometheus", name: "Prometheus", version: "1.0.0" }],
        title: "Exported",
        panels,
        schemaVersion: 39,
    }),
    orgId: 1,
});
