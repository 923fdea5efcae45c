// The engine's floor: the same N resources and inputs as ../grafana, through a dynamic provider that does nothing.
import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import { modelFor } from "../../dashboard-model";

const noopProvider: dynamic.ResourceProvider = {
    async create(inputs) {
        return { id: String(inputs.dashboard.uid), outs: inputs };
    },
    async diff(_id, olds, news) {
        // Key order may change on the way through the engine, so compare sorted JSON.
        const sorted = (v: unknown): unknown =>
            Array.isArray(v)
                ? v.map(sorted)
                : v && typeof v === "object"
                  ? Object.fromEntries(
                        Object.keys(v)
                            .sort()
                            .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
                    )
                  : v;
        const same = (k: string) => JSON.stringify(sorted(olds[k])) === JSON.stringify(sorted(news[k]));
        return { changes: !(same("dashboard") && same("orgId")) };
    },
    async update(_id, _olds, news) {
        return { outs: news };
    },
    async read(id, props) {
        return { id, props };
    },
    async delete() {
        /* nothing */
    },
};

class NoopDashboard extends dynamic.Resource {
    constructor(name: string, args: Record<string, unknown>) {
        super(noopProvider, name, args, undefined, "bench", "NoopDashboard");
    }
}

const config = new pulumi.Config();
const count = config.requireNumber("count");
const orgId = config.requireNumber("orgId");
const model = config.get("model") ?? "bench";
const titleSuffix = config.get("titleSuffix") ?? "";

for (let i = 0; i < count; i++) {
    new NoopDashboard(`dash-${i}`, { dashboard: modelFor(model, i, titleSuffix), orgId });
}
