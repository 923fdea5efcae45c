// A team's Grafana as a Pulumi program: an org, a folder, a data source, a service account with a token that rotates
// before it expires, and two dashboards saved in the folder with that token: one built with the typed
// @grafana/grafana-foundation-sdk builders, one exported from Grafana ("Export for sharing externally") with inputs.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DashboardBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder } from "@grafana/grafana-foundation-sdk/timeseries";
import { Dashboard, DataSource, Folder, Organization, ServiceAccount, ServiceAccountRole, ServiceAccountToken } from "../../provider";

const config = new pulumi.Config();
const orgName = config.get("orgName") ?? "team-a";

const org = new Organization("team-org", { name: orgName });

const folder = new Folder("team-folder", {
    orgId: org.orgId,
    title: config.get("folderTitle") ?? "Team A",
    uid: config.get("folderUid"), // absent: derived from project, stack and resource name
    forceDestroy: config.getBoolean("forceDestroy"),
});

const prometheus = new DataSource("team-prometheus", {
    orgId: org.orgId,
    name: "Prometheus",
    type: "prometheus",
    url: config.get("prometheusUrl") ?? "http://prometheus.invalid:9090", // stored without being called
    jsonData: { httpMethod: "POST", httpHeaderName1: "Authorization" },
    secureJsonData: { httpHeaderValue1: config.requireSecret("prometheusToken") },
});

const bot = new ServiceAccount("dashboards-bot", {
    orgId: org.orgId,
    name: "dashboards-bot",
    role: (config.get("botRole") ?? "Editor") as ServiceAccountRole,
});

// A 30-day token; any preview/up in its last 7 days plans a new token, created before the old one is deleted, and the
// dashboards below move to it in the same `up`.
const token = new ServiceAccountToken("dashboards-bot-token", {
    orgId: org.orgId,
    serviceAccountId: bot.serviceAccountId,
    name: "dashboards",
    secondsToLive: config.getNumber("tokenSeconds") ?? 30 * 24 * 3600,
    rotateBeforeExpirySeconds: config.getNumber("rotateBeforeSeconds") ?? 7 * 24 * 3600,
});

// Typed: the builder's model is passed as is (no uid: one is derived from the resource name).
const typed = new DashboardBuilder(config.get("typedTitle") ?? "API latency")
    .tags(["team-stack", "typed"])
    .refresh("1m")
    .time({ from: "now-6h", to: "now" })
    .withPanel(
        new PanelBuilder()
            .title("p99 latency")
            .datasource({ type: "prometheus", uid: "prometheus" })
            .withTarget(new DataqueryBuilder().expr("histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))")),
    );

const typedDashboard = new Dashboard("api-latency", {
    dashboard: prometheus.uid.apply((uid) => {
        const model = typed.build();
        for (const panel of model.panels ?? []) if ("datasource" in panel && panel.datasource) panel.datasource.uid = uid;
        return model;
    }),
    folderUid: folder.uid,
    connection: { auth: token.key },
});

// From a file exported for sharing externally: its ${DS_PROMETHEUS} placeholders are mapped to the data source.
const fileDashboard = new Dashboard("service-overview", {
    dashboard: fs.readFileSync(path.join(__dirname, "dashboards", "service-overview.json"), "utf8"),
    inputs: { DS_PROMETHEUS: prometheus.uid },
    folderUid: folder.uid,
    connection: { auth: token.key },
});

export const orgId = org.orgId;
export const folderUid = folder.uid;
export const dataSourceUid = prometheus.uid;
export const serviceAccountId = bot.serviceAccountId;
export const tokenName = token.tokenName;
export const tokenExpiration = token.expiration;
export const tokenKey = token.key; // secret
export const typedDashboardUid = typedDashboard.uid;
export const fileDashboardUid = fileDashboard.uid;
