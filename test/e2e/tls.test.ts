// Connection settings (issue 11) through the real Pulumi CLI with the seed example, against the Grafana API emulator
// (each e2e profile) serving HTTPS itself (start --https) with a throw-away CA and certificate made by openssl here, and through a
// private nginx in front of it that requires a client certificate and an extra header.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import { EngineEvent, LocalWorkspace, OpMap, Stack } from "@pulumi/pulumi/automation";
import { processState } from "../../provider/connection";
import { organizationProvider } from "../../provider/organization";
import { e2eProfiles, e2eReady, missingForE2e, needsOwnServer, RealGrafana, startGrafana } from "../support/grafana-server";
import { NginxProxy, nginxBinary, startNginx } from "../support/nginx";
import { missingPulumiBinaries, pulumiBinDir, pulumiCommand, pulumiEnv } from "../support/pulumi-env";
import { makeTestPki, TestPki } from "../support/tls";

jest.setTimeout(300_000);

const SEED_DIR = path.resolve(__dirname, "../../examples/seed");
const PROXY_TOKEN = "proxy-Tok3n-7f2c91d4";
const ownServer = needsOwnServer("it starts a server with its own throw-away certificate");
const ready = e2eReady("TLS end-to-end suite", [
    ...missingPulumiBinaries(),
    ...(ownServer ? [] : missingForE2e()),
    ...(nginxBinary() ? [] : ["nginx"]),
]);
if (ready && ownServer) test.skip(`TLS end-to-end suite [${ownServer}]`, () => undefined);

interface Http {
    status: number;
    body: unknown;
}

/** Straight to the server over HTTPS, trusting the test CA. */
function api(g: RealGrafana, ca: string, method: string, p: string, auth = `admin:${g.adminPassword}`): Promise<Http> {
    return new Promise((resolve, reject) => {
        const req = https.request(`${g.url}${p}`, {
            method,
            ca,
            headers: { Authorization: auth.includes(":") ? `Basic ${Buffer.from(auth).toString("base64")}` : `Bearer ${auth}` },
        });
        req.on("response", (res) => {
            let text = "";
            res.on("data", (d: Buffer) => (text += d.toString()));
            res.on("end", () => {
                let body: unknown = text;
                try {
                    body = JSON.parse(text);
                } catch {
                    /* not JSON */
                }
                resolve({ status: res.statusCode ?? 0, body });
            });
        });
        req.on("error", reject);
        req.end();
    });
}

function changesOf(summary: OpMap | undefined): Record<string, number> {
    return Object.fromEntries(Object.entries(summary ?? {}).filter(([op, n]) => op !== "same" && (n ?? 0) > 0)) as Record<string, number>;
}

/** Everything the CLI printed in this file's runs: checked for secrets at the end. */
const printed: string[] = [];

/** Runs an operation and returns everything the CLI printed, and its error if it failed. */
async function run(op: (opts: { onOutput: (s: string) => void; onEvent: (e: EngineEvent) => void }) => Promise<unknown>) {
    let output = "";
    const warnings: string[] = [];
    let error: Error | undefined;
    let result: unknown;
    try {
        result = await op({
            onOutput: (s) => (output += s),
            onEvent: (e) => {
                if (e.diagnosticEvent?.severity === "warning") warnings.push(e.diagnosticEvent.message);
            },
        });
    } catch (e) {
        error = e as Error;
    }
    printed.push(output, error ? String(error) : "");
    return { output, warnings, error, result };
}

async function newStack(name: string, stateDir: string): Promise<Stack> {
    return LocalWorkspace.createOrSelectStack(
        { stackName: name, workDir: SEED_DIR },
        { envVars: pulumiEnv(stateDir), pulumiCommand: await pulumiCommand() },
    );
}

function exported(stack: Stack, stateDir: string): string[] {
    const env = { ...process.env, ...pulumiEnv(stateDir) };
    const out = execFileSync(path.join(pulumiBinDir(), "pulumi"), ["stack", "export", "--stack", stack.name], { cwd: SEED_DIR, env }).toString();
    const files = execFileSync("find", [stateDir, "-name", "*.json", "-path", "*stacks*"]).toString().trim().split("\n");
    return [out, ...files.map((f) => fs.readFileSync(f, "utf8"))];
}

/** The provider object called in this process (no CLI), with these GRAFANA_* env settings: what Grafana or nginx really answers. */
async function createOrgDirectly(env: Record<string, string>): Promise<string> {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    processState().stackConfig = {};
    try {
        await organizationProvider.create({ name: "direct", __resourceName: "direct" });
        return "created";
    } catch (e) {
        return (e as Error).message;
    } finally {
        process.env = saved;
    }
}

/** The base64 lines of a PEM key: none may show anywhere. */
const keyLines = (pem: string) => pem.split("\n").filter((l) => l && !l.startsWith("-----"));

if (ready && !ownServer)
    describe.each(e2eProfiles())("seed example over HTTPS, real Pulumi CLI, Grafana emulator %s", (profile) => {
        let pki: TestPki;
        let g: RealGrafana;
        let stateDir: string;
        let host: string;

        beforeAll(async () => {
            pki = makeTestPki();
            g = await startGrafana(profile, { https: { certFile: pki.server.certFile, keyFile: pki.server.keyFile } });
            host = new URL(g.url).host;
            stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "pgd-e2e-tls-"));
        });

        afterAll(async () => {
            await g?.stop();
            if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
            pki?.remove();
        });

        describe("Grafana serving HTTPS with a private CA", () => {
            let stack: Stack;
            beforeAll(async () => {
                expect(g.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
                stack = await newStack(`tls-direct-${profile}`, stateDir);
                await stack.setAllConfig({ "grafana:url": { value: g.url }, "grafana:auth": { value: `admin:${g.adminPassword}`, secret: true } });
            });
            afterAll(async () => {
                await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
            });

            test("without caCert, up fails with the unknown-CA error naming the host and what to set; nothing is made", async () => {
                const r = await run((o) => stack.up(o));
                expect(r.error).toBeDefined();
                expect(r.output).toContain(
                    `error: Organization "apiorg": Grafana POST /api/orgs failed: no response TLS: the certificate of ${host} is not signed by a CA this provider trusts ` +
                        "(UNABLE_TO_VERIFY_LEAF_SIGNATURE): set caCert (grafana:caCert, GRAFANA_CA_CERT) to the PEM or file of the CA that issued it",
                );
                expect((await api(g, pki.ca.cert, "GET", "/api/orgs")).body).toEqual([{ id: 1, name: "Main Org." }]);
            });

            test("with caCert (a file path) the seed flow runs: org, membership, key and dashboard made over HTTPS; preview then shows no change", async () => {
                await stack.setConfig("grafana:caCert", { value: pki.ca.certFile });
                const r = await run((o) => stack.up(o));
                expect(r.error).toBeUndefined();
                const up = r.result as Awaited<ReturnType<Stack["up"]>>;
                expect(changesOf(up.summary.resourceChanges)).toEqual({ create: 4 }); // the stack itself was made by the failed up
                expect(r.warnings).toEqual([]);
                const orgId = up.outputs.orgId.value as number;
                const key = up.outputs.apiKey.value as string;
                expect((await api(g, pki.ca.cert, "GET", "/api/org", key)).body).toMatchObject({ id: orgId, name: "apiorg" });
                const dash = await api(g, pki.ca.cert, "GET", `/api/dashboards/uid/${up.outputs.dashboardUid.value as string}`, key);
                expect(dash).toMatchObject({ status: 200, body: { dashboard: { title: "Production Overview" } } });
                expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
            });

            test("http:// to Grafana's HTTPS port: Grafana's 400 becomes 'use https://'", async () => {
                const msg = await createOrgDirectly({ GRAFANA_URL: g.url.replace("https:", "http:"), GRAFANA_AUTH: `admin:${g.adminPassword}` });
                expect(msg).toBe(`Organization "direct": Grafana POST /api/orgs failed: 400 ${host} serves HTTPS on this port: use https:// in url`);
            });

            test("with insecureSkipVerify instead, refresh and destroy work and the CLI shows the warning", async () => {
                await stack.removeConfig("grafana:caCert");
                await stack.setConfig("grafana:insecureSkipVerify", { value: "true" });
                const warning =
                    `grafana: insecureSkipVerify is on for ${g.url}: the server's TLS certificate is NOT verified, so anyone on the network path can impersonate ` +
                    "Grafana and read the credentials sent to it. Set caCert to the CA that issued the certificate instead.";
                // preview makes no call to Grafana, and still says it
                const preview = await run((o) => stack.preview(o));
                expect(preview.warnings.map((w) => w.trim())).toEqual([warning]);
                // The engine records stack config in the default provider's state: one `up` first (it updates only the
                // default provider: no resource change, no call to Grafana).
                const up = await run((o) => stack.up(o));
                expect(changesOf((up.result as Awaited<ReturnType<Stack["up"]>>).summary.resourceChanges)).toEqual({});
                expect(up.output).toContain(`warning: ${warning}`);
                const refresh = await run((o) => stack.refresh(o));
                expect(refresh.error).toBeUndefined();
                expect(changesOf((refresh.result as Awaited<ReturnType<Stack["refresh"]>>).summary.resourceChanges)).toEqual({});
                expect(refresh.warnings.map((w) => w.trim())).toEqual([warning]);
                expect(refresh.output).toContain(`warning: ${warning}`);
                const destroy = await run((o) => stack.destroy(o));
                expect(destroy.error).toBeUndefined();
                expect(destroy.output).toContain(`warning: ${warning}`);
                expect((await api(g, pki.ca.cert, "GET", "/api/orgs")).body).toEqual([{ id: 1, name: "Main Org." }]);
            });
        });

        describe("nginx in front, requiring a client certificate and an extra header", () => {
            let stack: Stack;
            let proxy: NginxProxy;
            beforeAll(async () => {
                proxy = await startNginx({
                    upstream: g.url,
                    certFile: pki.server.certFile,
                    keyFile: pki.server.keyFile,
                    clientCaFile: pki.clientCa.certFile,
                    requireHeader: { name: "X-Proxy-Token", value: PROXY_TOKEN },
                });
                stack = await newStack(`tls-proxy-${profile}`, stateDir);
                await stack.setAllConfig({
                    "grafana:url": { value: proxy.url },
                    "grafana:auth": { value: `admin:${g.adminPassword}`, secret: true },
                    "grafana:caCert": { value: pki.ca.cert }, // PEM text this time
                });
            });
            afterAll(async () => {
                await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
                await proxy?.stop();
            });

            test("without a client certificate: nginx's 400 becomes the clear error", async () => {
                const r = await run((o) => stack.up(o));
                expect(r.error).toBeDefined();
                expect(r.output).toContain(
                    `error: Organization "apiorg": Grafana POST /api/orgs failed: 400 TLS: ${new URL(proxy.url).host} requires a client certificate and none was sent ` +
                        "(400 No required SSL certificate was sent): set tlsCert and tlsKey",
                );
            });

            test("a client certificate from a CA nginx does not trust: nginx's other 400, in plain words", async () => {
                const msg = await createOrgDirectly({
                    GRAFANA_URL: proxy.url,
                    GRAFANA_AUTH: `admin:${g.adminPassword}`,
                    GRAFANA_CA_CERT: pki.ca.certFile,
                    GRAFANA_TLS_CERT: pki.rogueClient.certFile,
                    GRAFANA_TLS_KEY: pki.rogueClient.keyFile,
                    GRAFANA_HTTP_HEADERS: JSON.stringify({ "X-Proxy-Token": PROXY_TOKEN }),
                });
                expect(msg).toBe(
                    `Organization "direct": Grafana POST /api/orgs failed: 400 TLS: ${new URL(proxy.url).host} rejected the client certificate (400 The SSL certificate error): ` +
                        "tlsCert must be signed by a CA the server trusts and be valid now",
                );
                printed.push(msg);
            });

            test("with tlsCert/tlsKey but without the header: nginx's 403, the header value nowhere", async () => {
                await stack.setAllConfig({
                    "grafana:tlsCert": { value: pki.client.certFile },
                    "grafana:tlsKey": { value: pki.client.key, secret: true }, // PEM text, a secret
                });
                const r = await run((o) => stack.up(o));
                expect(r.error).toBeDefined();
                expect(r.output).toContain('error: Organization "apiorg": Grafana POST /api/orgs failed: 403 missing or wrong X-Proxy-Token header');
            });

            test("with tlsCert/tlsKey and httpHeaders the seed flow runs through the proxy; preview then shows no change", async () => {
                await stack.setConfig("grafana:httpHeaders", { value: JSON.stringify({ "X-Proxy-Token": PROXY_TOKEN }), secret: true });
                const r = await run((o) => stack.up(o));
                expect(r.error).toBeUndefined();
                const up = r.result as Awaited<ReturnType<Stack["up"]>>;
                expect(changesOf(up.summary.resourceChanges)).toEqual({ create: 4 });
                const key = up.outputs.apiKey.value as string;
                expect((await api(g, pki.ca.cert, "GET", "/api/org", key)).body).toMatchObject({ id: up.outputs.orgId.value, name: "apiorg" });
                expect(changesOf((await stack.preview()).changeSummary)).toEqual({});
                // every request went through nginx, with a client certificate
                const log = fs.readFileSync(path.join(proxy.dir, "access.log"), "utf8");
                // the dashboard save: legacy (10.x/11.x) or app-platform (12.x/13.x: 201)
                expect(log).toMatch(/"POST \/api(\/dashboards\/db|s\/dashboard\.grafana\.app\/\S+\/dashboards) HTTP\/1.1" 20[01]/);
            });

            test("pulumi stack export, the state files and the CLI's output hold no key material, header value or password", async () => {
                for (const text of [...exported(stack, stateDir), ...printed]) {
                    for (const line of keyLines(pki.client.key)) expect(text).not.toContain(line);
                    expect(text).not.toContain(PROXY_TOKEN);
                    expect(text).not.toContain(g.adminPassword);
                }
                for (const text of exported(stack, stateDir)) expect(text).toContain("4dabf18193072939515e22adb298388d"); // Pulumi's secret signature: they are there, encrypted
            });

            test("destroy through the proxy removes everything", async () => {
                const d = await stack.destroy();
                expect(changesOf(d.summary.resourceChanges)).toEqual({ delete: 5 });
                expect((await api(g, pki.ca.cert, "GET", "/api/orgs")).body).toEqual([{ id: 1, name: "Main Org." }]);
            });
        });
    });
