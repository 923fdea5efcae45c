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

/**
 * A real-size dashboard (the "about 450 KB"): rows of time-series and stat panels, each with several
 * PromQL targets, thresholds, overrides and links, as large exported dashboards are. Deterministic per index;
 * panels are added until the compact JSON reaches `targetBytes`.
 */
export function bigDashboard(i: number, targetBytes: number, titleSuffix = ""): Record<string, unknown> {
    const services = ["checkout", "payments", "search", "catalog", "auth", "gateway", "orders", "inventory"];
    const panels: Record<string, unknown>[] = [];
    const base = {
        uid: `big-${i}`,
        title: `Big dashboard ${i}${titleSuffix}`,
        tags: ["bench", "big", `team-${i % 7}`],
        timezone: "browser",
        schemaVersion: 38,
        editable: true,
        graphTooltip: 1,
        time: { from: "now-6h", to: "now" },
        refresh: "30s",
        templating: {
            list: ["cluster", "namespace", "service", "instance"].map((name) => ({
                name,
                type: "query",
                datasource: { type: "prometheus", uid: "prometheus" },
                query: { query: `label_values(up{job=~".+"}, ${name})`, refId: `${name}-q` },
                definition: `label_values(up{job=~".+"}, ${name})`,
                includeAll: true,
                multi: true,
                refresh: 2,
                sort: 1,
                current: { selected: true, text: ["All"], value: ["$__all"] },
            })),
        },
        annotations: {
            list: [
                {
                    builtIn: 1,
                    datasource: { type: "grafana", uid: "-- Grafana --" },
                    enable: true,
                    hide: true,
                    name: "Annotations & Alerts",
                    type: "dashboard",
                },
            ],
        },
        panels,
    };
    let size = Buffer.byteLength(JSON.stringify(base));
    for (let p = 0; size < targetBytes; p++) {
        const svc = services[(i + p) % services.length];
        const sel = `cluster=~"$cluster",namespace=~"$namespace",service="${svc}",instance=~"$instance"`;
        const panel = {
            id: p + 1,
            type: p % 5 === 4 ? "stat" : "timeseries",
            title: `${svc} ${["request rate", "error ratio", "p99 latency", "saturation", "availability"][p % 5]} #${p}`,
            description: `Panel ${p} of dashboard ${i}: ${svc} golden signals, split by route and status code, for the selected cluster and namespace.`,
            gridPos: { h: 8, w: 8, x: (p % 3) * 8, y: Math.floor(p / 3) * 8 },
            datasource: { type: "prometheus", uid: "prometheus" },
            interval: "1m",
            maxDataPoints: 500,
            targets: ["A", "B", "C"].map((refId, t) => ({
                refId,
                datasource: { type: "prometheus", uid: "prometheus" },
                editorMode: "code",
                range: true,
                legendFormat: `{{route}} {{code}} ${refId}`,
                expr:
                    t === 0
                        ? `sum by (route, code) (rate(http_server_requests_seconds_count{${sel}}[$__rate_interval]))`
                        : t === 1
                          ? `sum by (route) (rate(http_server_requests_seconds_count{${sel},code=~"5.."}[$__rate_interval])) / sum by (route) (rate(http_server_requests_seconds_count{${sel}}[$__rate_interval]))`
                          : `histogram_quantile(0.99, sum by (le, route) (rate(http_server_requests_seconds_bucket{${sel}}[$__rate_interval])))`,
            })),
            fieldConfig: {
                defaults: {
                    unit: ["reqps", "percentunit", "s", "percent", "percentunit"][p % 5],
                    min: 0,
                    decimals: 2,
                    color: { mode: "palette-classic" },
                    custom: {
                        drawStyle: "line",
                        lineWidth: 1,
                        fillOpacity: 10,
                        gradientMode: "none",
                        showPoints: "never",
                        spanNulls: false,
                        stacking: { mode: "none", group: "A" },
                    },
                    thresholds: {
                        mode: "absolute",
                        steps: [
                            { color: "green", value: null },
                            { color: "orange", value: 0.8 },
                            { color: "red", value: 0.95 },
                        ],
                    },
                    links: [{ title: `${svc} runbook`, url: `https://runbooks.example.com/${svc}/${p}?cluster=\${cluster}&namespace=\${namespace}` }],
                },
                overrides: [
                    { matcher: { id: "byRegexp", options: ".*5xx.*" }, properties: [{ id: "color", value: { mode: "fixed", fixedColor: "red" } }] },
                    {
                        matcher: { id: "byName", options: "B" },
                        properties: [
                            { id: "custom.axisPlacement", value: "right" },
                            { id: "unit", value: "percentunit" },
                        ],
                    },
                ],
            },
            options: {
                legend: { displayMode: "table", placement: "bottom", showLegend: true, calcs: ["mean", "max", "lastNotNull"] },
                tooltip: { mode: "multi", sort: "desc" },
            },
        };
        panels.push(panel);
        size += Buffer.byteLength(JSON.stringify(panel)) + 1;
    }
    return base;
}

/** The model the bench programs build for stack config `model` ("bench" or "big:<bytes>"). */
export function modelFor(kind: string, i: number, titleSuffix = ""): Record<string, unknown> {
    const m = /^big:(\d+)$/.exec(kind);
    return m ? bigDashboard(i, Number(m[1]), titleSuffix) : benchDashboard(i, titleSuffix);
}
