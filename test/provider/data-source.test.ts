import { dataSourceProvider as p, DataSourceInputs, DataSourceOutputs } from "../../provider/data-source";
import { organizationProvider } from "../../provider/organization";
import { FakeGrafana, hashSecret } from "../support/fake-grafana";
import { errorOf, newProviderProcess, startFake } from "../support/provider-env";

let fake: FakeGrafana;
let orgId: number;
async function setup(version: string) {
    fake = await startFake({ version });
    orgId = (await organizationProvider.create({ name: "team", __resourceName: "team" })).outs!.orgId;
}
afterEach(() => fake?.stop());

const SECRET = "s3cret-Header-Value-981";
const d = (extra: Partial<DataSourceInputs> = {}): DataSourceInputs => ({
    __resourceName: "prom",
    __autoUid: "auto-prom",
    orgId,
    name: "Prometheus",
    type: "prometheus",
    url: "http://127.0.0.1:1", // nothing listens there: Grafana stores data sources without calling them
    jsonData: { httpMethod: "POST" },
    secureJsonData: { httpHeaderValue1: SECRET },
    ...extra,
});

describe("DataSource: check (no HTTP)", () => {
    it("names the field and never echoes a secret value", async () => {
        const r = await p.check!(
            {} as never,
            {
                __resourceName: "x",
                name: "",
                type: "prometheus",
                url: "prometheus:9090",
                access: "server",
                jsonData: [1],
                secureJsonData: { pw: 42, tok: SECRET },
            } as never,
        );
        expect(r.failures!.map((x) => x.property)).toEqual(["name", "url", "access", "jsonData", "secureJsonData.pw"]);
        expect(JSON.stringify(r.failures)).not.toContain(SECRET);
        expect(r.failures![4].reason).toBe("secureJsonData.pw must be a string (value not shown: it is secret)");
    });
});

describe.each(["10.0.0", "12.1.0"])("DataSource against a fake Grafana %s", (version) => {
    it("create with a derived uid and an unreachable URL, no diff when unchanged, update in place, secret removal, delete", async () => {
        await setup(version);
        const c = await p.create(d());
        expect(c.id).toBe(`${orgId}:auto-prom`);
        expect(c.outs).toMatchObject({
            uid: "auto-prom",
            orgId,
            secureJsonFields: ["httpHeaderValue1"],
            url: "http://127.0.0.1:1",
            jsonData: { httpMethod: "POST" },
        });
        expect(c.outs!.access).toBeUndefined(); // Grafana's default, not declared: no drift
        const post = fake.requests.find((r) => r.method === "POST" && r.path === "/api/datasources")!;
        expect(post.orgHeader).toBe(String(orgId));
        expect(post.body).toMatchObject({ access: "proxy", uid: "auto-prom" });
        expect(fake.dataSourceList(orgId)[0].secure).toEqual({ httpHeaderValue1: hashSecret(SECRET) });
        expect(await p.diff!(c.id, c.outs!, d())).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
        // A new secret value is a change (diff on the declared value).
        expect(await p.diff!(c.id, c.outs!, d({ secureJsonData: { httpHeaderValue1: "other" } }))).toMatchObject({ changes: true, replaces: [] });
        expect(await p.diff!(c.id, c.outs!, d({ uid: "declared" }))).toMatchObject({ replaces: ["uid"] });

        const u = await p.update!(
            c.id,
            c.outs!,
            d({ url: "http://127.0.0.1:2", isDefault: true, secureJsonData: undefined, basicAuth: true, basicAuthUser: "u" }),
        );
        expect(u.outs).toMatchObject({ url: "http://127.0.0.1:2", isDefault: true, secureJsonFields: [], basicAuthUser: "u" });
        expect(u.outs!.secureJsonData).toBeUndefined();
        expect(fake.dataSourceList(orgId)[0]).toMatchObject({ url: "http://127.0.0.1:2", secure: {} });
        await p.delete!(c.id, u.outs!);
        expect(fake.dataSourceList(orgId)).toEqual([]);
        expect(await p.read!(c.id, u.outs!)).toEqual({});
        await expect(p.delete!(c.id, u.outs!)).resolves.toBeUndefined();
    });

    it("refresh: a secure field removed in Grafana is drift (ReadResult.inputs), and the next update writes it again", async () => {
        await setup(version);
        const c = await p.create(d());
        expect((await p.read!(c.id, c.outs!)).inputs).toBeUndefined();
        fake.dropSecureField(orgId, "auto-prom", "httpHeaderValue1");
        const r = await p.read!(c.id, c.outs!);
        expect(r.props!.secureJsonFields).toEqual([]);
        expect(r.inputs!.secureJsonData).toBeUndefined();
        const refreshed = r.props as DataSourceOutputs;
        expect(await p.diff!(c.id, refreshed, d())).toMatchObject({ changes: true, replaces: [] });
        await p.update!(c.id, refreshed, d());
        expect(fake.dataSourceList(orgId)[0].secure).toEqual({ httpHeaderValue1: hashSecret(SECRET) });
        // A url changed in Grafana shows in the outputs, so diff plans it back.
        const r2 = await p.read!(c.id, { ...c.outs!, url: "http://elsewhere:1" });
        expect(r2.props!.url).toBe("http://127.0.0.1:1");
    });

    it("crash after create: the next up adopts its own data source (derived uid); a foreign name or uid fails, naming it", async () => {
        await setup(version);
        fake.inject({ method: "POST", path: "/api/datasources" }, { applyThenReset: true });
        const c = await p.create(d());
        newProviderProcess();
        const again = await p.create(d({ url: "http://127.0.0.1:3" }));
        expect(again.outs!.dataSourceId).toBe(c.outs!.dataSourceId);
        expect(fake.dataSourceList(orgId)).toHaveLength(1);
        expect(fake.dataSourceList(orgId)[0].url).toBe("http://127.0.0.1:3");
        const named = await errorOf(p.create(d({ __resourceName: "prom2", __autoUid: "auto-prom2" })));
        expect(named).toBe(
            `DataSource "prom2": Grafana POST /api/datasources failed: 409 data source with the same name already exists. In org ${orgId}, the name "Prometheus" is taken by a data source with another uid, not made by this resource: choose another name, or delete that data source in Grafana`,
        );
        const uidTaken = await errorOf(p.create(d({ __resourceName: "loki", name: "Loki", type: "loki", uid: "auto-prom" })));
        expect(uidTaken).toContain('uid "auto-prom" is taken by data source "Prometheus" (type prometheus), not made by this resource');
        expect(JSON.stringify(fake.requests)).toContain(SECRET); // sent to Grafana, of course...
        expect(named + uidTaken).not.toContain(SECRET); // ...but never in an error
    });

    it("Grafana 10.0 needs a URL to update a prometheus data source: the error says so", async () => {
        await setup(version);
        const c = await p.create(d({ url: undefined }));
        const msg = await errorOf(p.update!(c.id, c.outs!, d({ url: undefined, isDefault: true })));
        expect(msg).toBe(
            'DataSource "prom": Grafana PUT /api/datasources/uid/auto-prom failed: 400 Validation error, invalid URL. Grafana refused url (none set) for type "prometheus": set url to an http(s) URL (Grafana 10.0 requires one to update a prometheus data source)',
        );
    });
});
