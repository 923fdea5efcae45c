// N dashboards in one org with our provider, admin credentials (stack config grafana:url / grafana:auth) + orgId.
import * as pulumi from "@pulumi/pulumi";
import { Dashboard } from "../../../provider";
import { benchDashboard } from "../../dashboard-model";

const config = new pulumi.Config();
const count = config.requireNumber("count");
const orgId = config.requireNumber("orgId");
const titleSuffix = config.get("titleSuffix") ?? "";

for (let i = 0; i < count; i++) {
    new Dashboard(`dash-${i}`, { dashboard: benchDashboard(i, titleSuffix), orgId });
}
