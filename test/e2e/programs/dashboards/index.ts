// An org and `count` dashboards in it (admin credentials from grafana:url / grafana:auth, plus orgId). The models
// have no uid, so Grafana assigns one and a create retried after a lost answer must find its own first attempt.
import * as pulumi from "@pulumi/pulumi";
import { Dashboard, Organization } from "../../../../provider";

const config = new pulumi.Config();
const orgName = config.require("orgName");
const count = config.requireNumber("count");
const titleSuffix = config.get("titleSuffix") ?? "";

const org = new Organization("org", { name: orgName });
for (let i = 0; i < count; i++) {
    new Dashboard(`dash-${i}`, {
        orgId: org.orgId,
        dashboard: {
            title: `${orgName} dashboard ${i}${titleSuffix}`,
            tags: ["e2e"],
            schemaVersion: 38,
            panels: [
                {
                    id: 1,
                    type: "timeseries",
                    title: "Requests",
                    gridPos: { h: 8, w: 12, x: 0, y: 0 },
                    targets: [{ refId: "A", expr: `sum(rate(http_requests_total{job="svc-${i}"}[5m]))` }],
                },
            ],
        },
    });
}

export const orgId = org.orgId;
