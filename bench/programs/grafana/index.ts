// N dashboards in one org with our provider, admin credentials (stack config grafana:url / grafana:auth) + orgId.
import * as pulumi from "@pulumi/pulumi";
import type * as library from "pulumi-grafana-dynamic";
import { modelFor } from "../../dashboard-model";

// BENCH_LIBRARY (set by scripts/bench) names the library installed in this program's node_modules, as a user gets
// it from npm; without it, the TypeScript sources, which the provider host compiles. The types come from the
// installed package's declarations either way, as a user's program gets them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Dashboard } = require(process.env.BENCH_LIBRARY || "../../../provider") as typeof library;

const config = new pulumi.Config();
const count = config.requireNumber("count");
const orgId = config.requireNumber("orgId");
const model = config.get("model") ?? "bench";
const titleSuffix = config.get("titleSuffix") ?? "";

for (let i = 0; i < count; i++) {
    new Dashboard(`dash-${i}`, { dashboard: modelFor(model, i, titleSuffix), orgId });
}
