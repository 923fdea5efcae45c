// N independent dashboards in one org (config: count, orgId), saved with the stack's connection (grafana:url,
// grafana:auth: admin basic auth) and orgId. No uid in the models: Grafana's own behaviour for new dashboards.
import * as pulumi from "@pulumi/pulumi";
import { Dashboard } from "../../../../provider";

const config = new pulumi.Config();
const count = config.requireNumber("count");
const orgId = config.requireNumber("orgId");

for (let i = 0; i < count; i++) {
    new Dashboard(`dash-${i}`, {
        dashboard: {
            title: `Fault dashboard ${i}`,
            tags: ["e2e-fault"],
            timezone: "browser",
            schemaVersion: 36,
            panels: [{ id: 1, type: "text", title: `Panel ${i}`, gridPos: { x: 0, y: 0, w: 12, h: 4 }, options: { content: `dashboard ${i}` } }],
        },
        orgId,
    });
}
