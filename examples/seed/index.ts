// The Grafana "API tokens and dashboards for an organization" tutorial as a Pulumi program:
// create the org, make the admin an Admin member, create an org API key, create a dashboard with that key.
import * as pulumi from "@pulumi/pulumi";
import { ApiKey, Dashboard, Organization, OrgMembership, OrgRole } from "pulumi-grafana-dynamic";

const config = new pulumi.Config();
const orgName = config.get("orgName") ?? "apiorg";
const adminLogin = config.get("adminLogin") ?? "admin";
const dashboardTitle = config.get("dashboardTitle") ?? "Production Overview";

// `pulumi config set adopt true` takes over an org of that name made earlier (by hand or by the tutorial's curl calls).
const org = new Organization("apiorg", { name: orgName, adopt: config.getBoolean("adopt") });

// The creator of an org is already its Admin (the tutorial's "optional step"): this adopts that membership.
const admin = new OrgMembership("apiorg-admin", { orgId: org.orgId, loginOrEmail: adminLogin, role: "Admin" });

// Optional second member, e.g. to try a role change: `pulumi config set memberLogin bob; ... memberRole Editor`.
const memberLogin = config.get("memberLogin");
if (memberLogin) {
    new OrgMembership("apiorg-member", { orgId: org.orgId, loginOrEmail: memberLogin, role: (config.get("memberRole") ?? "Viewer") as OrgRole });
}

// Scoped to the new org with X-Grafana-Org-Id; the admin's own org context is never switched.
const key = new ApiKey(
    "apikeycurl",
    { orgId: org.orgId, name: "apikeycurl", role: "Admin", useServiceAccount: config.getBoolean("useServiceAccount") },
    { dependsOn: [admin] },
);

// Saved with the org's key, as in the tutorial's curl call; the URL comes from grafana:url / GRAFANA_URL.
const dashboard = new Dashboard("production-overview", {
    dashboard: {
        id: null,
        title: dashboardTitle,
        tags: ["templated"],
        timezone: "browser",
        rows: [{}],
        schemaVersion: 6,
        version: 0,
    },
    overwrite: false,
    connection: { auth: key.key },
});

export const orgId = org.orgId;
export const apiKeyKind = key.kind;
export const dashboardUid = dashboard.uid;
export const dashboardUrl = dashboard.url;
export const apiKey = key.key; // secret: `pulumi stack output apiKey --show-secrets`
