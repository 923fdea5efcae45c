// The lean floor: the same N resources as ../grafana through a no-op dynamic provider with our state shape (a
// one-line serialized provider, the model once as JSON text): the engine's cost for our state, without Grafana.
import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import { modelFor } from "../../dashboard-model";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const provider = require("bench-lean-provider") as dynamic.ResourceProvider;

// declareOutputs: the class shape of ours too: the same public outputs registered and the same two internal inputs.
// The SDK spends four promises with a formatted stack trace on every registered prop of every resource.
const config = new pulumi.Config();
const declareOutputs = config.getBoolean("declareOutputs") ?? false;
const OUR_CLASS_SHAPE = {
    uid: undefined,
    url: undefined,
    path: undefined,
    version: undefined,
    dashboardId: undefined,
    title: undefined,
    folderUid: undefined,
};

class LeanDashboard extends dynamic.Resource {
    constructor(name: string, args: { dashboard: string; orgId: number }) {
        const props = declareOutputs ? { ...OUR_CLASS_SHAPE, ...args, __autoUid: name, __resourceName: name } : args;
        super(provider, name, props, undefined, "bench", "LeanDashboard");
    }
}

const count = config.requireNumber("count");
const orgId = config.requireNumber("orgId");
const model = config.get("model") ?? "bench";
const titleSuffix = config.get("titleSuffix") ?? "";

for (let i = 0; i < count; i++) {
    new LeanDashboard(`dash-${i}`, { dashboard: JSON.stringify(modelFor(model, i, titleSuffix)), orgId });
}
