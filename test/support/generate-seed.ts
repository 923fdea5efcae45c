// A Grafana as a team has it, made by hand (plain HTTP, no Pulumi), for the `generate` tests: two orgs, nested folders
// (flat on a Grafana without nesting), dashboards (two with the same title in different folders), a data source with a
// secret, a service account with a token, an Editor user; on Grafana 13 (v2 dashboards on by default) also one
// schema v2 dashboard, saved through /apis/dashboard.grafana.app/v2 as 13's UI saves it.

export interface Seeded {
    orgIds: number[];
    /** Every secret value put into Grafana (data-source secure fields, the token's key, the user's password). */
    secrets: string[];
    /** config key -> value, as the generated program names them. */
    dataSourceSecrets: Record<string, string>;
    dashboards: { orgId: number; uid: string; v2?: boolean }[];
}

/** The schema v2 dashboard of the seed (uid v2-svc-main): a panel in a grid, as the foundation SDK's v2 types have it. */
export const V2_UID = "v2-svc-main";

function v2Spec(title: string): Record<string, unknown> {
    return {
        title,
        tags: ["seed"],
        elements: {
            "panel-1": {
                kind: "Panel",
                spec: {
                    id: 1,
                    title: "Errors",
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
            },
        },
        layout: {
            kind: "GridLayout",
            spec: {
                items: [
                    { kind: "GridLayoutItem", spec: { x: 0, y: 0, width: 12, height: 8, element: { kind: "ElementReference", name: "panel-1" } } },
                ],
            },
        },
    };
}

/** Whether the server is Grafana 13 or later (v2 dashboards on by default there; behind feature toggles on 12). */
export async function servesV2(url: string): Promise<boolean> {
    const health = (await (await fetch(`${url}/api/health`)).json()) as { version?: string };
    return Number(/^(\d+)\./.exec(health.version ?? "")?.[1] ?? 0) >= 13;
}

export async function api(url: string, auth: string, method: string, p: string, body?: unknown, orgId?: number): Promise<unknown> {
    const authorization = auth.includes(":") ? `Basic ${Buffer.from(auth).toString("base64")}` : `Bearer ${auth}`;
    const headers: Record<string, string> = { Authorization: authorization, "Content-Type": "application/json" };
    if (orgId !== undefined) headers["X-Grafana-Org-Id"] = String(orgId);
    const res = await fetch(`${url}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
}

const panels = (n: number, title: string) =>
    Array.from({ length: n }, (_, i) => ({
        id: i + 1,
        type: "timeseries",
        title: `${title} ${i + 1}`,
        gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
        targets: [{ refId: "A", expr: `rate(http_requests_total{code=~"5.."}[5m])` }],
    }));

/** Seeds one Grafana; `nested` when the server has nested folders. `tag` keeps names apart between runs on one server. */
export async function seedGrafana(url: string, admin: string, nested: boolean, extraDashboards = 0): Promise<Seeded> {
    const secrets: string[] = [];
    const dataSourceSecrets: Record<string, string> = {};
    const dashboards: Seeded["dashboards"] = [];
    const acme = ((await api(url, admin, "POST", "/api/orgs", { name: "Acme Corp" })) as { orgId: number }).orgId;
    const orgIds = [1, acme];
    const password = "bob-Pw-seed-5120";
    secrets.push(password);
    await api(url, admin, "POST", "/api/admin/users", { name: "Bob", login: "bob", email: "bob@example.com", password });
    await api(url, admin, "POST", `/api/orgs/${acme}/users`, { loginOrEmail: "bob", role: "Editor" });
    for (const orgId of orgIds) {
        const sfx = orgId === 1 ? "main" : "acme";
        const f = async (uid: string, title: string, parentUid?: string) =>
            api(url, admin, "POST", "/api/folders", { uid, title, ...(parentUid && nested ? { parentUid } : {}) }, orgId);
        await f(`ops-${sfx}`, "Ops");
        await f(`ops-db-${sfx}`, "Databases", `ops-${sfx}`);
        await f(`team-${sfx}`, "Team");
        const d = async (uid: string, title: string, folderUid: string, n = 2) => {
            await api(
                url,
                admin,
                "POST",
                "/api/dashboards/db",
                { dashboard: { uid, title, panels: panels(n, title), schemaVersion: 39, tags: ["seed"] }, folderUid },
                orgId,
            );
            dashboards.push({ orgId, uid });
        };
        // The same title in two folders (allowed in every version: titles are unique per folder).
        await d(`lat-ops-${sfx}`, "Latency", `ops-${sfx}`, 3);
        await d(`lat-team-${sfx}`, "Latency", `team-${sfx}`);
        await d(`pg-${sfx}`, "Postgres", `ops-db-${sfx}`);
        await d(`home-${sfx}`, "Home", "");
        if (orgId === 1 && (await servesV2(url))) {
            const metadata = { name: V2_UID, annotations: { "grafana.app/folder": `ops-${sfx}` } };
            await api(
                url,
                admin,
                "POST",
                "/apis/dashboard.grafana.app/v2/namespaces/default/dashboards",
                { metadata, spec: v2Spec("Service (v2)") },
                orgId,
            );
            dashboards.push({ orgId, uid: V2_UID, v2: true });
        }
        for (let i = 0; i < extraDashboards; i++) await d(`x${i}-${sfx}`, `Service ${i}`, i % 2 ? `team-${sfx}` : "", 1);
        const secret = `Bearer prom-secret-${sfx}-8841`;
        secrets.push(secret);
        await api(
            url,
            admin,
            "POST",
            "/api/datasources",
            {
                uid: `prom-${sfx}`,
                name: "Prometheus",
                type: "prometheus",
                url: "http://prometheus:9090",
                access: "proxy",
                jsonData: { httpHeaderName1: "Authorization", httpMethod: "POST" },
                secureJsonData: { httpHeaderValue1: secret },
            },
            orgId,
        );
        dataSourceSecrets[orgId === 1 ? "mainOrgPrometheusHttpHeaderValue1" : "acmeCorpPrometheusHttpHeaderValue1"] = secret;
        const sa = (await api(url, admin, "POST", "/api/serviceaccounts", { name: "ci-bot", role: "Editor" }, orgId)) as { id: number };
        const token = (await api(url, admin, "POST", `/api/serviceaccounts/${sa.id}/tokens`, { name: "ci" }, orgId)) as { key: string };
        secrets.push(token.key);
    }
    return { orgIds, secrets, dataSourceSecrets, dashboards };
}
