// Folder, DataSource, ServiceAccount and ServiceAccountToken as the SDK registers them: type tokens, derived names,
// and the serialized provider text (what lands in the state) small, credential-free, and loadable as the host loads it.
import * as pulumi from "@pulumi/pulumi";
import { DataSource, Folder, ServiceAccount, ServiceAccountToken } from "../../provider";

interface Seen {
    type: string;
    inputs: Record<string, unknown>;
}

const CREDENTIAL = "admin:serialize-Secret-Pw-55";
const SECRET = "ds-secret-value-31337";

test("type tokens, derived uids, and a small credential-free serialized provider that loads and checks", async () => {
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
    const folder = new Folder("folder", { title: "Team A", orgId: 2 });
    const ds = new DataSource("ds", { name: "Prometheus", type: "prometheus", orgId: 2, secureJsonData: { httpHeaderValue1: SECRET } });
    const sa = new ServiceAccount("sa", { orgId: 2, name: "bot", role: "Editor" });
    const tok = new ServiceAccountToken("tok", {
        orgId: 2,
        serviceAccountId: sa.serviceAccountId,
        name: "bot",
        secondsToLive: 3600,
        rotateBeforeExpirySeconds: 600,
    });
    await Promise.all([folder, ds, sa, tok].map((r) => new Promise((resolve) => r.urn.apply(resolve))));
    await new Promise((resolve) => tok.tokenName.apply(resolve));

    expect(Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, v.type]))).toEqual({
        folder: "pulumi-nodejs:dynamic/grafana:Folder",
        ds: "pulumi-nodejs:dynamic/grafana:DataSource",
        sa: "pulumi-nodejs:dynamic/grafana:ServiceAccount",
        tok: "pulumi-nodejs:dynamic/grafana:ServiceAccountToken",
    });
    expect(seen.folder.inputs.__autoUid).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(seen.ds.inputs.__autoUid).not.toBe(seen.folder.inputs.__autoUid);
    expect(seen.tok.inputs.__nameSeed).toMatch(/^[A-Za-z0-9_-]{20}$/);
    for (const [name, r] of Object.entries(seen)) {
        const text = String(r.inputs.__provider);
        expect(text.length).toBeLessThan(8 * 1024);
        expect(text).not.toContain(CREDENTIAL);
        expect(text).not.toContain(SECRET);
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- what the provider host does with the text
        const provider = require("require-from-string")(text).handler() as {
            check: (o: unknown, n: unknown) => Promise<{ failures?: { property: string }[] }>;
        };
        const checked = await provider.check({}, { __resourceName: name });
        expect(checked.failures!.length).toBeGreaterThan(0);
    }
});
