// The dashboard model every benchmark path saves (our provider, the no-op floor, the raw API loop): a realistic,
// mid-sized dashboard (four time-series panels with queries) so state sizes mean something.
export function benchDashboard(i: number, titleSuffix = ""): Record<string, unknown> {
    const panels = [0, 1, 2, 3].map((p) => ({
        id: p + 1,
        type: "timeseries",
        title: `Panel ${p + 1}`,
        gridPos: { h: 8, w: 12, x: (p % 2) * 12, y: Math.floor(p / 2) * 8 },
        datasource: { type: "prometheus", uid: "prometheus" },
        targets: [{ refId: "A", expr: `sum(rate(http_requests_total{job="svc-${i}",code=~"${p + 2}.."}[5m]))` }],
        fieldConfig: { defaults: { unit: "reqps" }, overrides: [] },
        options: { legend: { displayMode: "list", placement: "bottom" }, tooltip: { mode: "single" } },
    }));
    return {
        uid: `bench-${i}`,
        title: `Bench dashboard ${i}${titleSuffix}`,
        tags: ["bench"],
        timezone: "browser",
        schemaVersion: 38,
        time: { from: "now-6h", to: "now" },
        panels,
    };
}
