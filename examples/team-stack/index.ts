// A team's Grafana as a Pulumi program: an org, a folder, a data source, a service account with a token that rotates
// before it expires, and two dashboards saved in the folder with that token: one built with the typed
// @grafana/grafana-foundation-sdk builders, one exported from Grafana ("Export for sharing externally") with inputs.
// And a team with a private folder: the team can edit in it, the org's Viewers and Editors cannot see it.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DashboardBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder } from "@grafana/grafana-foundation-sdk/timeseries";
import {
    Dashboard,
    DataSource,
    Folder,
    FolderPermissions,
    Organization,
    OrgMembership,
    ServiceAccount,
    ServiceAccountRole,
    ServiceAccountToken,
    Team,
    TeamMembership,
} from "pulumi-grafana-dynamic";

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

// The team and its private folder (config privateTeam: false leaves them out). Its members (config teamMembers:
// logins or emails of existing users, comma-separated) join the org as Viewers and the team, which may edit the
// folder. The folder's list names the team only: no Viewer or Editor role item, so nobody else but Admins sees it.
let teamId: pulumi.Output<number> | undefined;
let privateFolderUid: pulumi.Output<string> | undefined;
if (config.getBoolean("privateTeam") ?? true) {
    const team = new Team("team", { orgId: org.orgId, name: config.get("teamName") ?? "Team A" });
    const members = (config.get("teamMembers") ?? "")
        .split(",")
        .map((m) => m.trim())
        .filter(Boolean);
    for (const user of members) {
        const inOrg = new OrgMembership(`org-member-${user}`, { orgId: org.orgId, loginOrEmail: user, role: "Viewer" });
        new TeamMembership(`team-member-${user}`, { orgId: org.orgId, teamId: team.teamId, user }, { dependsOn: [inOrg] });
    }
    const privateFolder = new Folder("team-private-folder", { orgId: org.orgId, title: "Team A private" });
    new FolderPermissions("team-private-folder", {
        orgId: org.orgId,
        folderUid: privateFolder.uid,
        items: [{ teamId: team.teamId, permission: "Edit" }],
    });
    teamId = team.teamId;
    privateFolderUid = privateFolder.uid;
}

export const orgId = org.orgId;
export const privateTeamId = teamId;
export const privateFolder = privateFolderUid;
export const folderUid = folder.uid;
export const dataSourceUid = prometheus.uid;
export const serviceAccountId = bot.serviceAccountId;
export const tokenName = token.tokenName;
export const tokenExpiration = token.expiration;
export const tokenKey = token.key; // secret
export const typedDashboardUid = typedDashboard.uid;
export const fileDashboardUid = fileDashboard.uid;
