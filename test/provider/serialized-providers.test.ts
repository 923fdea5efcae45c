// Every kind of the registry as the SDK registers it: its type token, and the serialized provider text (what lands
// in the state) small, credential-free, and loadable as the host loads it; derived uids where a kind has them.
import * as pulumi from "@pulumi/pulumi";
import { KINDS } from "../../provider";
import { construct, examplesFor } from "../support/kind-examples";

interface Seen {
    type: string;
    inputs: Record<string, unknown>;
}

const CREDENTIAL = "admin:serialize-Secret-Pw-55";
const SECRET = "ds-secret-value-31337";

test("type tokens, derived uids, and a small credential-free serialized provider that loads and checks, for every kind", async () => {
    process.env.GRAFANA_AUTH = CREDENTIAL;
    process.env.GRAFANA_URL = "http://127.0.0.1:1";
    const seen: Record<string, Seen> = {};
    await pulumi.runtime.setMocks(
        {
            newResource: (a) => {
                seen[a.name] = { type: a.type, inputs: a.inputs };
                return { id: `${a.name}-id`, state: { ...a.inputs, serviceAccountId: 7 } };
            },
            call: () => ({}),
        },
        "project",
        "stack",
        false,
    );
    const resources = examplesFor().map(([kind, args]) =>
        construct(kind, kind.type, kind.type === "DataSource" ? { ...args, secureJsonData: { httpHeaderValue1: SECRET } } : args),
    );
    await Promise.all(resources.map((r) => new Promise((resolve) => r.urn.apply(resolve))));

    expect(Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, v.type]))).toEqual(
        Object.fromEntries(KINDS.map((k) => [k.type, `pulumi-nodejs:dynamic/grafana:${k.type}`])),
    );
    expect(seen.Folder.inputs.__autoUid).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(seen.DataSource.inputs.__autoUid).not.toBe(seen.Folder.inputs.__autoUid);
    expect(seen.ServiceAccountToken.inputs.__nameSeed).toMatch(/^[A-Za-z0-9_-]{20}$/);
    for (const [type, r] of Object.entries(seen)) {
        const text = String(r.inputs.__provider);
        expect(text.length).toBeLessThan(8 * 1024);
        expect(text).not.toContain(CREDENTIAL);
        expect(text).not.toContain(SECRET);
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- what the provider host does with the text
        const provider = require("require-from-string")(text).handler() as {
            check: (o: unknown, n: unknown) => Promise<{ failures?: { property: string }[] }>;
        };
        const checked = await provider.check({}, { __resourceName: type });
        expect({ type, failed: checked.failures!.length > 0 }).toEqual({ type, failed: true });
    }
});
