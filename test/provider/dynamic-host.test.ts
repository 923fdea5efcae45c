import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { registerAll, Registration } from "../support/serialize-providers";
import { FakeGrafana } from "../support/fake-grafana";

/* eslint-disable @typescript-eslint/no-require-imports */
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

// The program side: credentials are present in this process's env while the SDK serializes the providers.
const PROGRAM_PASSWORD = "program-side-Pw-4242";
const HOST_PASSWORD = "host-config-Pw-9191";

type Props = Record<string, unknown>;
interface Client {
    [method: string]: (req: unknown, cb: (err: grpc.ServiceError | null, res: { [k: string]: () => unknown }) => void) => void;
}

let fake: FakeGrafana;
let host: ChildProcess;
let client: Client;
let regs: Record<string, Registration>;

function call(method: string, req: unknown): Promise<{ [k: string]: () => unknown }> {
    return new Promise((resolve, reject) => client[method](req, (err, res) => (err ? reject(err) : resolve(res))));
}

const struct = (v: Props) => Struct.fromJavaScript(v);
const urn = (type: string, name: string) => `urn:pulumi:stack::project::${type}::${name}`;

async function check(reg: Registration, name: string, news: Props) {
    const req = new provproto.CheckRequest();
    req.setUrn(urn(reg.type, name));
    req.setOlds(struct({}));
    req.setNews(struct({ ...news, __provider: reg.inputs.__provider }));
    const res = await call("check", req);
    return {
        inputs: (res.getInputs() as { toJavaScript(): Props }).toJavaScript(),
        failures: (res.getFailuresList() as { getProperty(): string; getReason(): string }[]).map((f) => ({
            property: f.getProperty(),
            reason: f.getReason(),
        })),
    };
}

async function create(reg: Registration, name: string, props: Props) {
    const req = new provproto.CreateRequest();
    req.setUrn(urn(reg.type, name));
    req.setProperties(struct(props));
    const res = await call("create", req);
    return { id: res.getId() as string, outs: (res.getProperties() as { toJavaScript(): Props }).toJavaScript() };
}

async function diff(reg: Registration, name: string, id: string, olds: Props, news: Props) {
    const req = new provproto.DiffRequest();
    req.setId(id);
    req.setUrn(urn(reg.type, name));
    req.setOlds(struct(olds));
    req.setNews(struct(news));
    const res = await call("diff", req);
    return { changes: res.getChanges() as number, replaces: res.getReplacesList() as string[] };
}

async function update(reg: Registration, name: string, id: string, olds: Props, news: Props) {
    const req = new provproto.UpdateRequest();
    req.setId(id);
    req.setUrn(urn(reg.type, name));
    req.setOlds(struct(olds));
    req.setNews(struct(news));
    const res = await call("update", req);
    return (res.getProperties() as { toJavaScript(): Props }).toJavaScript();
}

async function read(reg: Registration, name: string, id: string, props: Props) {
    const req = new provproto.ReadRequest();
    req.setId(id);
    req.setUrn(urn(reg.type, name));
    req.setProperties(struct(props));
    const res = await call("read", req);
    return { id: res.getId() as string, props: (res.getProperties() as { toJavaScript(): Props } | undefined)?.toJavaScript() };
}

async function del(reg: Registration, name: string, id: string, props: Props) {
    const req = new provproto.DeleteRequest();
    req.setId(id);
    req.setUrn(urn(reg.type, name));
    req.setProperties(struct(props));
    await call("delete", req);
}

beforeAll(async () => {
    process.env.GRAFANA_URL = "http://127.0.0.1:1";
    process.env.GRAFANA_AUTH = `admin:${PROGRAM_PASSWORD}`;
    regs = await registerAll();
    fake = await FakeGrafana.start({ adminPassword: HOST_PASSWORD, apiKeys: "removed404" });
    const root = path.resolve(__dirname, "../..");
    // The provider host gets no GRAFANA_* env: its connection must come from the engine's Configure call.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
    host = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/dynamic-provider"), "127.0.0.1:1"], {
        cwd: root,
        env,
        stdio: ["ignore", "pipe", "pipe"],
    });
    const port = await new Promise<string>((resolve, reject) => {
        host.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
        host.once("exit", (code) => reject(new Error(`provider host exited ${code}`)));
    });
    client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as Client;
    const conf = new provproto.ConfigureRequest();
    conf.setArgs(struct({ "grafana:url": fake.url, "grafana:auth": `admin:${HOST_PASSWORD}` }));
    conf.setAcceptsecrets(true);
    await call("configure", conf);
    // The host's first call loads (and, from a checkout, compiles) the library: pay that here, not inside a test's 5 s.
    await check(regs.org, "org", { name: "warm-up", __resourceName: "org" });
}, 60000);

afterAll(async () => {
    host?.kill();
    await fake?.stop();
});

describe("the real @pulumi/pulumi dynamic-provider host, over gRPC, with the SDK's own serialized providers", () => {
    it("registers the documented type tokens, and the serialized text holds no credential", () => {
        expect(
            Object.values(regs)
                .map((r) => r.type)
                .sort(),
        ).toEqual([
            "pulumi-nodejs:dynamic/grafana:ApiKey",
            "pulumi-nodejs:dynamic/grafana:Dashboard",
            "pulumi-nodejs:dynamic/grafana:OrgMembership",
            "pulumi-nodejs:dynamic/grafana:Organization",
        ]);
        for (const r of Object.values(regs)) {
            const text = r.inputs.__provider;
            expect(typeof text).toBe("string");
            expect(text as string).not.toContain(PROGRAM_PASSWORD);
            expect(text as string).not.toContain("127.0.0.1:1");
            expect(text as string).toContain("exports.handler");
            // A stub that loads the library in the host, not a copy of the library: small, and no HTTP code in it.
            expect((text as string).length).toBeLessThan(8 * 1024);
            expect(text as string).not.toMatch(/axios|\/api\/orgs|dashboards\/db/);
        }
    });

    it("check fails with field-named errors inside the host", async () => {
        const r = await check(regs.org, "org", { name: "", __resourceName: "org" });
        expect(r.failures).toEqual([{ property: "name", reason: "name must be a non-empty string" }]);
        expect(fake.requests).toHaveLength(0);
    });

    it("drives Organization, ApiKey and Dashboard through create, diff, update, read and delete", async () => {
        const orgIn = (await check(regs.org, "org", { name: "apiorg", __resourceName: "org" })).inputs;
        const org = await create(regs.org, "org", orgIn);
        expect(fake.orgs()).toContainEqual({ id: Number(org.id), name: "apiorg" });
        expect(org.outs.__provider).toBe(regs.org.inputs.__provider);

        const DIFF_NONE = provproto.DiffResponse.DiffChanges.DIFF_NONE;
        const DIFF_SOME = provproto.DiffResponse.DiffChanges.DIFF_SOME;
        expect(await diff(regs.org, "org", org.id, org.outs, orgIn)).toEqual({ changes: DIFF_NONE, replaces: [] });
        const renamed = { ...orgIn, name: "apiorg2" };
        expect(await diff(regs.org, "org", org.id, org.outs, renamed)).toEqual({ changes: DIFF_SOME, replaces: [] });
        const orgOuts = await update(regs.org, "org", org.id, org.outs, renamed);
        expect(fake.orgs()).toContainEqual({ id: Number(org.id), name: "apiorg2" });

        const orgId = Number(org.id);
        const keyIn = (await check(regs.key, "key", { orgId, name: "apikeycurl", role: "Admin", __resourceName: "key" })).inputs;
        const key = await create(regs.key, "key", keyIn);
        expect(key.outs).toMatchObject({ kind: "serviceaccount", orgId });
        expect(key.outs.key).toMatch(/^glsa_/);

        const dashIn = (
            await check(regs.dash, "dash", {
                dashboard: { title: "Production Overview", rows: [{}], schemaVersion: 6 },
                connection: { auth: key.outs.key },
                __resourceName: "dash",
            })
        ).inputs;
        const dash = await create(regs.dash, "dash", dashIn);
        expect(fake.dashboards(orgId).map((d) => d.uid)).toEqual([dash.id]);
        expect(
            fake.requests.find(
                (r) =>
                    r.method === "POST" && /^\/api(s\/dashboard\.grafana\.app\/[^/]+\/namespaces\/[^/]+\/dashboards|\/dashboards\/db)$/.test(r.path),
            )?.auth,
        ).toBe("bearer");

        // refresh of something deleted out of band reports it gone (blank id)
        await del(regs.dash, "dash", dash.id, dash.outs);
        expect((await read(regs.dash, "dash", dash.id, dash.outs)).id).toBe("");
        await del(regs.dash, "dash", dash.id, dash.outs); // and delete is idempotent

        await del(regs.key, "key", key.id, key.outs);
        expect(fake.serviceAccounts(orgId)).toEqual([]);
        const r = await read(regs.org, "org", org.id, orgOuts);
        expect(r.props).toMatchObject({ name: "apiorg2", orgId });
        await del(regs.org, "org", org.id, orgOuts);
        expect(fake.orgs().map((o) => o.id)).not.toContain(orgId);
    });

    it("a Grafana error comes back through gRPC in the documented form, without credentials", async () => {
        const orgIn = (await check(regs.org, "org", { name: "taken", __resourceName: "org" })).inputs;
        await create(regs.org, "org", orgIn);
        const err = await create(regs.org, "org", orgIn).then(
            () => undefined,
            (e: grpc.ServiceError) => e,
        );
        expect(err?.details).toMatch(/^Organization "org": Grafana POST \/api\/orgs failed: 409 Organization name taken/);
        expect(err?.details).not.toContain(HOST_PASSWORD);
    });
});
