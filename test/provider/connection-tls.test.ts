// Connection settings (issue 11) against the fake Grafana over HTTPS, with certificates openssl makes here:
// precedence (resource connection > stack config > env), validation in check/configure, TLS errors in plain words,
// and that no key material or header value shows in any message.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { apiKeyProvider } from "../../provider/api-key";
import { processState } from "../../provider/connection";
import { dashboardProvider } from "../../provider/dashboard";
import { dataSourceProvider } from "../../provider/data-source";
import { folderProvider } from "../../provider/folder";
import { organizationProvider as org } from "../../provider/organization";
import { orgMembershipProvider } from "../../provider/org-membership";
import { serviceAccountProvider } from "../../provider/service-account";
import { serviceAccountTokenProvider } from "../../provider/service-account-token";
import { FakeGrafana } from "../support/fake-grafana";
import { ADMIN_PASSWORD, errorOf, newProviderProcess } from "../support/provider-env";
import { makeTestPki, TestPki } from "../support/tls";

const PROXY_TOKEN = "proxy-token-Zq81-secret";
const SETTINGS_ENV = [
    "GRAFANA_URL",
    "GRAFANA_AUTH",
    "GRAFANA_CA_CERT",
    "GRAFANA_TLS_CERT",
    "GRAFANA_TLS_KEY",
    "GRAFANA_INSECURE_SKIP_VERIFY",
    "GRAFANA_ORG_ID",
    "GRAFANA_HTTP_HEADERS",
    "GRAFANA_RETRIES",
    "GRAFANA_TIMEOUT",
];

let pki: TestPki;
let fake: FakeGrafana | undefined;
let stderr: string[];
const realWrite = process.stderr.write.bind(process.stderr);

beforeAll(() => {
    pki = makeTestPki();
});
afterAll(() => pki.remove());

beforeEach(() => {
    for (const k of SETTINGS_ENV) delete process.env[k];
    process.env.GRAFANA_AUTH = `admin:${ADMIN_PASSWORD}`;
    process.env.GRAFANA_RETRY_BASE_MS = "5";
    newProviderProcess();
    processState().stackConfig = {};
    stderr = [];
    process.stderr.write = ((chunk: string | Uint8Array) => {
        stderr.push(String(chunk));
        return true;
    }) as typeof process.stderr.write;
});
afterEach(async () => {
    process.stderr.write = realWrite;
    await fake?.stop();
    fake = undefined;
    for (const k of SETTINGS_ENV) delete process.env[k];
    processState().stackConfig = {};
    processState().configError = undefined;
});

/** A fake Grafana over HTTPS; GRAFANA_URL points at it. */
async function startHttps(
    server: { cert: string; key: string },
    extra: { clientCa?: string; requireHeaders?: Record<string, string> } = {},
): Promise<FakeGrafana> {
    fake = await FakeGrafana.start({
        adminPassword: ADMIN_PASSWORD,
        https: { cert: server.cert, key: server.key, clientCa: extra.clientCa },
        requireHeaders: extra.requireHeaders,
    });
    process.env.GRAFANA_URL = fake.url;
    return fake;
}

/** What the engine's Configure hands the provider: stack config, all strings. */
function configure(values: Record<string, string>) {
    return org.configure!({ config: { get: (k: string) => values[k], require: (k: string) => values[k] } });
}

const orgInputs = (connection?: Record<string, unknown>) => ({ name: "tlsorg", __resourceName: "tlsorg", ...(connection ? { connection } : {}) });
const hostOf = (f: FakeGrafana) => new URL(f.url).host;

/** No message may carry key material, a header value or the admin password. */
function expectNoSecrets(text: string) {
    expect(text).not.toContain(PROXY_TOKEN);
    expect(text).not.toContain(ADMIN_PASSWORD);
    expect(text).not.toContain("PRIVATE KEY");
    for (const key of [pki.client.key, pki.server.key, pki.rogueClient.key]) {
        const body = key.split("\n").filter((l) => l && !l.startsWith("-----"));
        for (const line of body) expect(text).not.toContain(line);
    }
}

describe("TLS errors name the host and what to set, never key material", () => {
    it("unknown CA, self-signed, hostname mismatch, expired: each in plain words", async () => {
        await startHttps(pki.server);
        const unknown = await errorOf(org.create(orgInputs()));
        expect(unknown).toBe(
            `Organization "tlsorg": Grafana POST /api/orgs failed: no response TLS: the certificate of ${hostOf(fake!)} is not signed by a CA this provider trusts ` +
                "(UNABLE_TO_VERIFY_LEAF_SIGNATURE): set caCert (grafana:caCert, GRAFANA_CA_CERT) to the PEM or file of the CA that issued it",
        );
        expect(fake!.requests).toHaveLength(0);
        await fake!.stop();

        await startHttps(pki.selfSigned);
        expect(await errorOf(org.create(orgInputs()))).toContain(
            `the certificate of ${hostOf(fake!)} is not signed by a CA this provider trusts (DEPTH_ZERO_SELF_SIGNED_CERT)`,
        );
        await fake!.stop();

        await startHttps(pki.wrongName);
        process.env.GRAFANA_CA_CERT = pki.ca.certFile;
        expect(await errorOf(org.create(orgInputs()))).toBe(
            `Organization "tlsorg": Grafana POST /api/orgs failed: no response TLS: the certificate of ${hostOf(fake!)} is not issued for this host name ` +
                "(ERR_TLS_CERT_ALTNAME_INVALID: IP: 127.0.0.1 is not in the cert's list): use a URL with a name the certificate lists",
        );
        await fake!.stop();

        await startHttps(pki.expired);
        expect(await errorOf(org.create(orgInputs()))).toBe(
            `Organization "tlsorg": Grafana POST /api/orgs failed: no response TLS: the certificate of ${hostOf(fake!)} has expired (CERT_HAS_EXPIRED): the server's certificate must be renewed`,
        );
    });

    it("a server that requires a client certificate: the clear error without one, success with tlsCert/tlsKey (files or PEM text)", async () => {
        await startHttps(pki.server, { clientCa: pki.clientCa.cert });
        process.env.GRAFANA_CA_CERT = pki.ca.cert; // PEM text in the env works too
        const msg = await errorOf(org.create(orgInputs()));
        expect(msg).toBe(
            `Organization "tlsorg": Grafana POST /api/orgs failed: no response TLS: ${hostOf(fake!)} ended the handshake (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED); ` +
                "it probably requires a client certificate: set tlsCert and tlsKey",
        );
        const created = await org.create(orgInputs({ tlsCert: pki.client.certFile, tlsKey: pki.client.keyFile }));
        expect(fake!.orgs()).toContainEqual({ id: created.outs!.orgId, name: "tlsorg" });
        await org.delete!(created.id, created.outs!);
        const again = await org.create(orgInputs({ tlsCert: pki.client.cert, tlsKey: pki.client.key }));
        expect(again.outs!.orgId).toBeGreaterThan(created.outs!.orgId);
        expectNoSecrets(msg);
    });

    it("plain http:// to an HTTPS port and https:// to a plain HTTP port say so", async () => {
        await startHttps(pki.server);
        process.env.GRAFANA_URL = fake!.url.replace("https:", "http:");
        const msg = await errorOf(org.create(orgInputs()));
        // Grafana (Go) answers plain HTTP on its HTTPS port with 400 "Client sent an HTTP request to an HTTPS server.", as the emulator does
        expect(msg).toBe(
            `Organization "tlsorg": Grafana POST /api/orgs failed: 400 ${new URL(fake!.url).host} serves HTTPS on this port: use https:// in url`,
        );
        await fake!.stop();
        fake = await FakeGrafana.start({ adminPassword: ADMIN_PASSWORD });
        process.env.GRAFANA_URL = fake.url.replace("http:", "https:");
        expect(await errorOf(org.create(orgInputs()))).toBe(
            `Organization "tlsorg": Grafana POST /api/orgs failed: no response TLS: ${hostOf(fake)} does not speak TLS on this port (EPROTO wrong version number): use http:// in url, or the server's HTTPS port`,
        );
    });
});

describe("precedence: resource connection > stack config (grafana:*) > env, per setting", () => {
    it("caCert: env alone, stack over env, resource over stack", async () => {
        await startHttps(pki.server);
        process.env.GRAFANA_CA_CERT = pki.ca.certFile;
        expect((await org.create(orgInputs())).outs!.name).toBe("tlsorg");
        await configure({ "grafana:caCert": pki.selfSigned.certFile }); // a CA that did not sign the server's certificate
        expect(await errorOf(org.create({ ...orgInputs(), name: "b" }))).toContain("is not signed by a CA this provider trusts");
        expect((await org.create({ ...orgInputs({ caCert: pki.ca.cert }), name: "c" })).outs!.name).toBe("c");
    });

    it("httpHeaders: sent on every request; resource > stack > env; the proxy's 403 names no value", async () => {
        await startHttps(pki.server, { requireHeaders: { "X-Proxy-Token": PROXY_TOKEN } });
        process.env.GRAFANA_CA_CERT = pki.ca.certFile;
        const denied = await errorOf(org.create(orgInputs()));
        expect(denied).toMatch(/^Organization "tlsorg": Grafana POST \/api\/orgs failed: 403 missing or wrong X-Proxy-Token header\./);
        process.env.GRAFANA_HTTP_HEADERS = JSON.stringify({ "X-Proxy-Token": PROXY_TOKEN });
        const a = await org.create(orgInputs());
        await configure({ "grafana:httpHeaders": JSON.stringify({ "X-Proxy-Token": "wrong" }) });
        const overridden = await errorOf(org.create({ ...orgInputs(), name: "b" }));
        expect(overridden).toContain("403 missing or wrong X-Proxy-Token header");
        const c = await org.create({ ...orgInputs({ httpHeaders: { "X-Proxy-Token": PROXY_TOKEN } }), name: "c" });
        expect([a.outs!.name, c.outs!.name]).toEqual(["tlsorg", "c"]);
        expectNoSecrets(denied + overridden);
    });

    it("retries and timeout: GRAFANA_RETRIES, grafana:retries, connection.retries; connection.timeout", async () => {
        fake = await FakeGrafana.start({ adminPassword: ADMIN_PASSWORD });
        process.env.GRAFANA_URL = fake.url;
        const locked = { status: 500, body: { message: "database is locked" } };
        const posts = () => fake!.requests.filter((r) => r.method === "POST").length;
        process.env.GRAFANA_RETRIES = "1";
        fake.inject({ method: "POST", path: "/api/orgs" }, locked, locked, locked);
        expect(await errorOf(org.create(orgInputs()))).toBe('Organization "tlsorg": Grafana POST /api/orgs failed: 500 database is locked');
        expect(posts()).toBe(2);
        await configure({ "grafana:retries": "0" });
        expect(await errorOf(org.create(orgInputs()))).toContain("500 database is locked");
        expect(posts()).toBe(3);
        // the third queued 500 is used up; the resource's 2 retries get past the one injected next
        fake.inject({ method: "POST", path: "/api/orgs" }, locked);
        expect((await org.create(orgInputs({ retries: 2 }))).outs!.name).toBe("tlsorg");
        expect(posts()).toBe(5);

        fake.inject({ method: "POST", path: "/api/orgs" }, { delayMs: 800, status: 200 });
        const started = Date.now();
        expect(await errorOf(org.create({ ...orgInputs({ timeout: 0.2, retries: 0 }), name: "slow" }))).toBe(
            'Organization "tlsorg": Grafana POST /api/orgs failed: no response ECONNABORTED: timeout of 200ms exceeded',
        );
        expect(Date.now() - started).toBeLessThan(700);
    });

    it("orgId: one rule for every org-scoped kind: own orgId, else the configured default (basic auth), else the credential's org", async () => {
        fake = await FakeGrafana.start({ adminPassword: ADMIN_PASSWORD });
        process.env.GRAFANA_URL = fake.url;
        const created = await org.create(orgInputs());
        const orgId = created.outs!.orgId;
        process.env.GRAFANA_ORG_ID = "1";
        await configure({ "grafana:orgId": String(orgId) });

        // check fills the default in (no HTTP: previews stay free of calls), on every kind
        const before = fake.requests.length;
        const kinds: [string, { check?: (o: never, n: never) => Promise<{ inputs?: unknown; failures?: unknown[] }> }, Record<string, unknown>][] = [
            ["OrgMembership", orgMembershipProvider, { loginOrEmail: "admin", role: "Admin" }],
            ["ApiKey", apiKeyProvider, { name: "k", role: "Admin" }],
            ["Dashboard", dashboardProvider, { dashboard: { title: "T" } }],
            ["Folder", folderProvider, { title: "F", __autoUid: "f" }],
            ["DataSource", dataSourceProvider, { name: "P", type: "prometheus", __autoUid: "p" }],
            ["ServiceAccount", serviceAccountProvider, { name: "sa", role: "Viewer" }],
            ["ServiceAccountToken", serviceAccountTokenProvider, { serviceAccountId: 3, name: "t" }],
        ];
        for (const [kind, p, args] of kinds) {
            const r = await p.check!({} as never, { ...args, __resourceName: kind } as never);
            expect({ kind, failures: r.failures, orgId: (r.inputs as { orgId?: number }).orgId }).toEqual({ kind, failures: [], orgId });
        }
        expect(fake.requests.length).toBe(before);
        const k = await apiKeyProvider.check!({} as never, { name: "k", role: "Admin", __resourceName: "k", connection: { orgId: 1 } } as never);
        expect(k.inputs!.orgId).toBe(1); // the resource's connection.orgId beats grafana:orgId
        const own = await folderProvider.check!({} as never, { title: "F", __resourceName: "f", orgId: 1 } as never);
        expect(own.inputs!.orgId).toBe(1); // and the resource's own orgId beats both
        const d = await dashboardProvider.check!({} as never, { dashboard: { title: "T" }, __resourceName: "d" } as never);
        const saved = await dashboardProvider.create(d.inputs!);
        expect(saved.outs!.orgId).toBe(orgId);
        expect(fake.dashboards(orgId).map((x) => x.uid)).toEqual([saved.id]);
        expect(
            fake.requests.find(
                (r) =>
                    r.method === "POST" && /^\/api(s\/dashboard\.grafana\.app\/[^/]+\/namespaces\/[^/]+\/dashboards|\/dashboards\/db)$/.test(r.path),
            )?.orgHeader,
        ).toBe(String(orgId));

        // a token is already scoped to its org: no default applies, the key's own org is used
        const withToken = await dashboardProvider.check!(
            {} as never,
            { dashboard: { title: "T" }, __resourceName: "d", connection: { auth: "glsa_token" } } as never,
        );
        expect(withToken.inputs!.orgId).toBeUndefined();
        // without any default, orgId stays absent and create takes the credential's org (the admin's current org, 1)
        delete process.env.GRAFANA_ORG_ID;
        processState().stackConfig = {};
        const none = await serviceAccountProvider.check!({} as never, { name: "bot", role: "Viewer", __resourceName: "bot" } as never);
        expect(none.failures).toEqual([]);
        expect(none.inputs!.orgId).toBeUndefined();
        const sa = await serviceAccountProvider.create(none.inputs!);
        expect(sa.outs!.orgId).toBe(1);
        expect(sa.id).toBe(`1:${sa.outs!.serviceAccountId}`);
    });
});

describe("validation in check and configure: the setting named, no secret echoed", () => {
    it("check: unreadable file, PEM that does not parse, negative retries, bad headers, a key that is not the certificate's", async () => {
        const bad = path.join(pki.dir, "garbage.pem");
        fs.writeFileSync(bad, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
        const r = await org.check!(
            {} as never,
            orgInputs({
                caCert: path.join(pki.dir, "missing.crt"),
                tlsCert: bad,
                tlsKey: pki.server.key.replace(/[A-Za-z0-9+/]{20}/, "AAAAAAAAAAAAAAAAAAAA"),
                retries: -1,
                timeout: 0,
                orgId: 0,
                insecureSkipVerify: "yes",
                httpHeaders: { "X-Proxy-Token": 42, "Bad Header": PROXY_TOKEN },
            }) as never,
        );
        expect(r.failures).toEqual([
            {
                property: "connection.caCert",
                reason: `connection.caCert: is neither PEM text nor a readable file: cannot read "${path.join(pki.dir, "missing.crt")}" (ENOENT)`,
            },
            {
                property: "connection.tlsCert",
                reason: `connection.tlsCert: the file "${bad}" holds a certificate that does not parse (certificate 1 of 1)`,
            },
            { property: "connection.tlsKey", reason: "connection.tlsKey: holds a private key that does not parse" },
            { property: "connection.insecureSkipVerify", reason: 'connection.insecureSkipVerify: must be true or false (got "yes")' },
            { property: "connection.orgId", reason: "connection.orgId: must be an integer >= 1 (got 0)" },
            { property: "connection.httpHeaders", reason: "connection.httpHeaders: the value of header X-Proxy-Token must be a string" },
            { property: "connection.retries", reason: "connection.retries: must be an integer >= 0 (got -1)" },
            { property: "connection.timeout", reason: "connection.timeout: must be a number of seconds > 0 (got 0)" },
        ]);
        const mismatch = await org.check!({} as never, orgInputs({ tlsCert: pki.client.certFile, tlsKey: pki.rogueClient.key }) as never);
        expect(mismatch.failures).toEqual([
            { property: "connection.tlsKey", reason: "connection.tlsKey: is not the private key of the certificate in connection.tlsCert" },
        ]);
        const keyPath = await org.check!({} as never, orgInputs({ tlsCert: pki.client.certFile, tlsKey: "MHcCAQEEIBBBBBBBBBBBBB" }) as never);
        expect(keyPath.failures).toEqual([
            { property: "connection.tlsKey", reason: "connection.tlsKey: is neither PEM text nor a readable file: cannot read (ENOENT)" },
        ]);
        const header = await org.check!({} as never, orgInputs({ httpHeaders: { "Bad Header": PROXY_TOKEN, Authorization: "Bearer x" } }) as never);
        expect(header.failures).toEqual([
            { property: "connection.httpHeaders", reason: 'connection.httpHeaders: "Bad Header" is not a valid HTTP header name' },
        ]);
        const auth = await org.check!({} as never, orgInputs({ httpHeaders: { Authorization: "Bearer x" } }) as never);
        expect(auth.failures![0].reason).toBe(
            "connection.httpHeaders: may not set Authorization: the provider sets it (use auth for Authorization, orgId for X-Grafana-Org-Id)",
        );
        expectNoSecrets(JSON.stringify([r, mismatch, keyPath, header, auth].map((x) => x.failures)));
        expect(JSON.stringify(keyPath.failures)).not.toContain("MHcCAQEEIBBBBBBBBBBBBB");
    });

    it("configure: bad stack config and bad env fail before any call, every problem named, no value echoed", async () => {
        process.env.GRAFANA_HTTP_HEADERS = `{"X-Proxy-Token": "${PROXY_TOKEN}"`; // broken JSON holding a secret
        process.env.GRAFANA_TLS_KEY = path.join(pki.dir, "nope.key");
        const msg = await errorOf(
            configure({
                "grafana:retries": "-3",
                "grafana:caCert": pki.server.keyFile,
                "grafana:insecureSkipVerify": "maybe",
                "grafana:orgId": "two",
            }),
        );
        expect(msg).toBe(
            "invalid Grafana connection settings: " +
                [
                    `grafana:caCert: the file "${pki.server.keyFile}" holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
                    "GRAFANA_TLS_KEY: is neither PEM text nor a readable file: cannot read (ENOENT)",
                    'grafana:insecureSkipVerify: must be true or false (got "maybe")',
                    'grafana:orgId: must be an integer >= 1 (got "two")',
                    'GRAFANA_HTTP_HEADERS: is not valid JSON: expected an object of header names to string values, e.g. {"X-Proxy-Token":"..."}',
                    'grafana:retries: must be an integer >= 0 (got "-3")',
                ].join("; "),
        );
        expectNoSecrets(msg);
        // The SDK's host keeps a provider whose configure threw: every later call fails the same way, nothing runs half-configured.
        expect(await errorOf(org.create(orgInputs()))).toBe(`Organization "tlsorg": ${msg}`);
        const enc = path.join(pki.dir, "enc.key");
        execFileSync("openssl", ["pkey", "-in", pki.client.keyFile, "-aes256", "-passout", "pass:pw", "-out", enc]);
        delete process.env.GRAFANA_HTTP_HEADERS;
        delete process.env.GRAFANA_TLS_KEY;
        expect(await errorOf(configure({ "grafana:tlsKey": enc }))).toBe(
            `invalid Grafana connection settings: grafana:tlsKey: the file holds an encrypted private key; passphrases are not supported (decrypt it: openssl pkey -in key.pem -out key-plain.pem)`,
        );
        expect(
            await errorOf(
                configure({ "grafana:tlsKey": pki.client.keyFile, "grafana:url": "https://127.0.0.1:1" }).then(() => org.create(orgInputs())),
            ),
        ).toBe('Organization "tlsorg": grafana:tlsKey: is set but no tlsCert is: set the client certificate too');
    });
});

describe("insecureSkipVerify", () => {
    it("connects to a self-signed server, and warns loudly once per URL", async () => {
        await startHttps(pki.selfSigned);
        await configure({ "grafana:insecureSkipVerify": "true" });
        const a = await org.create(orgInputs());
        await org.create({ ...orgInputs(), name: "b" });
        expect(a.outs!.name).toBe("tlsorg");
        const warnings = stderr.filter((l) => l.includes("insecureSkipVerify"));
        expect(warnings).toEqual([
            `warning: grafana: insecureSkipVerify is on for ${fake!.url}: the server's TLS certificate is NOT verified, so anyone on the network path can impersonate Grafana ` +
                "and read the credentials sent to it. Set caCert to the CA that issued the certificate instead.\n",
        ]);
        // the resource can turn it off again: verification is back
        expect(await errorOf(org.create({ ...orgInputs({ insecureSkipVerify: false }), name: "c" }))).toContain("DEPTH_ZERO_SELF_SIGNED_CERT");
    });
});
