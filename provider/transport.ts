import * as crypto from "crypto";
import * as fs from "fs";
import * as https from "https";
import * as path from "path";

/**
 * Everything besides URL and credential that changes how requests reach Grafana, resolved (see connection.ts).
 * `tlsKey` and header values are secrets: never log, serialize or echo this object.
 */
export interface TransportSettings {
    /** PEM text of the CA bundle that replaces Node's default trust store for this connection. */
    caCert?: string;
    /** PEM text of the client certificate (chain) and its private key. */
    tlsCert?: string;
    tlsKey?: string;
    insecureSkipVerify: boolean;
    httpHeaders: Record<string, string>;
    retries: number;
    timeoutMs: number;
}

export const DEFAULT_RETRIES = 5;
export const DEFAULT_TIMEOUT_SECONDS = 30;

/** No TLS setting, no extra header, the default retries and timeout. */
export function defaultTransport(): TransportSettings {
    return { insecureSkipVerify: false, httpHeaders: {}, retries: DEFAULT_RETRIES, timeoutMs: DEFAULT_TIMEOUT_SECONDS * 1000 };
}

/** A setting whose value is wrong. The message names the setting (`connection.caCert`, `grafana:caCert`, `GRAFANA_CA_CERT`), never a secret value. */
export function settingError(setting: string, reason: string): Error & { reason: string } {
    const e = new Error(`${setting}: ${reason}`);
    e.name = "SettingError";
    return Object.assign(e, { reason });
}

type PemKind = "caCert" | "tlsCert" | "tlsKey";

/**
 * `caCert`, `tlsCert`, `tlsKey`: PEM text, or else a file path (relative paths from the program directory, the
 * provider host's working directory), as in the bridged provider. Returns the PEM text, checked to parse.
 */
export function loadPem(value: string, setting: string, kind: PemKind): string {
    let pem = value;
    let from = "";
    if (!value.includes("-----BEGIN")) {
        // A key's "path" may be key material pasted without its header lines: never echo it.
        const shown = kind === "tlsKey" ? "" : ` "${value}"`;
        try {
            pem = fs.readFileSync(path.resolve(value), "utf8");
        } catch (e) {
            const code = (e as NodeJS.ErrnoException).code ?? "error";
            throw settingError(setting, `is neither PEM text nor a readable file: cannot read${shown} (${code})`);
        }
        from = `the file${shown} `;
    }
    if (kind === "tlsKey") {
        if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
            throw settingError(setting, `${from}holds no PEM private key (-----BEGIN PRIVATE KEY-----)`);
        }
        if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem)) {
            throw settingError(setting, `${from}holds an encrypted private key; passphrases are not supported (decrypt it: openssl pkey -in key.pem -out key-plain.pem)`);
        }
        try {
            crypto.createPrivateKey({ key: pem, format: "pem" });
        } catch {
            throw settingError(setting, `${from}holds a private key that does not parse`);
        }
        return pem;
    }
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0) {
        throw settingError(setting, `${from}holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    }
    blocks.forEach((block, i) => {
        try {
            new crypto.X509Certificate(block);
        } catch {
            throw settingError(setting, `${from}holds a certificate that does not parse (certificate ${i + 1} of ${blocks.length})`);
        }
    });
    return pem;
}

/** The client certificate and key must come together and belong together. */
export function checkClientPair(cert: { pem?: string; setting: string }, key: { pem?: string; setting: string }): void {
    if (!cert.pem && !key.pem) return;
    if (!cert.pem) throw settingError(key.setting, "is set but no tlsCert is: set the client certificate too");
    if (!key.pem) throw settingError(cert.setting, "is set but no tlsKey is: set the client certificate's private key too");
    const leaf = new crypto.X509Certificate(cert.pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0]);
    if (!leaf.checkPrivateKey(crypto.createPrivateKey({ key: key.pem, format: "pem" }))) {
        throw settingError(key.setting, `is not the private key of the certificate in ${cert.setting}`);
    }
}

/** Like Go's strconv.ParseBool, which the bridged provider uses for GRAFANA_INSECURE_SKIP_VERIFY. */
export function parseBool(value: unknown, setting: string): boolean {
    if (typeof value === "boolean") return value;
    if (typeof value === "string") {
        if (/^(1|t|true)$/i.test(value.trim())) return true;
        if (/^(0|f|false)$/i.test(value.trim())) return false;
    }
    throw settingError(setting, `must be true or false (got ${JSON.stringify(value)})`);
}

export function parseInteger(value: unknown, setting: string, min: number): number {
    const n = typeof value === "string" && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min) {
        throw settingError(setting, `must be an integer >= ${min} (got ${JSON.stringify(value)})`);
    }
    return n;
}

/** Seconds, > 0; fractions allowed. */
export function parseTimeout(value: unknown, setting: string): number {
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n) || n <= 0) {
        throw settingError(setting, `must be a number of seconds > 0 (got ${JSON.stringify(value)})`);
    }
    return n;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Set by the provider itself from `auth` and `orgId`: a second source would be ambiguous.
const RESERVED_HEADERS = ["authorization", "x-grafana-org-id"];

/** A map of header name to value, or its JSON text (stack config, GRAFANA_HTTP_HEADERS). Values are secrets: never echoed. */
export function parseHeaders(value: unknown, setting: string): Record<string, string> {
    let v = value;
    if (typeof v === "string") {
        try {
            v = JSON.parse(v) as unknown;
        } catch {
            // JSON.parse's message quotes the text: say where, not what.
            throw settingError(setting, `is not valid JSON: expected an object of header names to string values, e.g. {"X-Proxy-Token":"..."}`);
        }
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
        throw settingError(setting, `must be an object of header names to string values, e.g. {"X-Proxy-Token":"..."}`);
    }
    const out: Record<string, string> = {};
    for (const [name, val] of Object.entries(v as Record<string, unknown>)) {
        if (!HEADER_NAME.test(name)) throw settingError(setting, `${JSON.stringify(name)} is not a valid HTTP header name`);
        if (RESERVED_HEADERS.includes(name.toLowerCase())) {
            throw settingError(setting, `may not set ${name}: the provider sets it (use auth for Authorization, orgId for X-Grafana-Org-Id)`);
        }
        if (typeof val !== "string") throw settingError(setting, `the value of header ${name} must be a string`);
        if (/[\r\n\0]/.test(val)) throw settingError(setting, `the value of header ${name} contains a line break or NUL`);
        out[name] = val;
    }
    return out;
}

/** The HTTPS agent for these settings, or undefined when Node's defaults do (no TLS setting, or a plain http URL). */
export function httpsAgentFor(url: string, t: TransportSettings): https.Agent | undefined {
    if (!url.startsWith("https:") || (!t.caCert && !t.tlsCert && !t.insecureSkipVerify)) return undefined;
    if (t.insecureSkipVerify) warnInsecure(url);
    return new https.Agent({
        keepAlive: true,
        ca: t.insecureSkipVerify ? undefined : t.caCert,
        cert: t.tlsCert,
        key: t.tlsKey,
        rejectUnauthorized: !t.insecureSkipVerify,
    });
}

/** Part of the client cache key: a digest, so no secret sits in a key that might get printed. */
export function transportKey(t: TransportSettings): string {
    const parts = [t.caCert ?? "", t.tlsCert ?? "", t.tlsKey ?? "", String(t.insecureSkipVerify), JSON.stringify(Object.entries(t.httpHeaders).sort()), String(t.retries), String(t.timeoutMs)];
    return crypto.createHash("sha256").update(parts.join("\u0000")).digest("hex");
}

function hostOf(url: string): string {
    try {
        return new URL(url).host;
    } catch {
        return url;
    }
}

// Arrays, not Sets: the closure serializer copies module-level values.
const UNKNOWN_CA = [
    "SELF_SIGNED_CERT_IN_CHAIN",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "UNABLE_TO_GET_ISSUER_CERT",
    "CERT_UNTRUSTED",
];
const CLIENT_CERT_REQUIRED = ["ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED", "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE"];
const CLIENT_CERT_REJECTED = [
    "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA",
    "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE",
    "ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED",
    "ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN",
    "ERR_SSL_TLSV1_ALERT_ACCESS_DENIED",
    "ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR",
];

/**
 * A TLS failure in plain words, with the URL's host and what to set; undefined for anything else. For failures
 * without a response (`code` is Node's / OpenSSL's error code) and for proxies that answer instead (nginx's 400s).
 */
export function describeTransportFailure(url: string, failure: { code?: string; message?: string; status?: number; body?: unknown }): string | undefined {
    const host = hostOf(url);
    const { code, status } = failure;
    if (status !== undefined) {
        const body = typeof failure.body === "string" ? failure.body : "";
        if (status === 400 && body.includes("No required SSL certificate was sent")) {
            return `TLS: ${host} requires a client certificate and none was sent (400 No required SSL certificate was sent): set tlsCert and tlsKey`;
        }
        if (status === 400 && body.includes("The SSL certificate error")) {
            return `TLS: ${host} rejected the client certificate (400 The SSL certificate error): tlsCert must be signed by a CA the server trusts and be valid now`;
        }
        if (status === 400 && /plain HTTP request was sent to HTTPS port|Client sent an HTTP request to an HTTPS server/.test(body)) {
            return `${host} serves HTTPS on this port: use https:// in url`;
        }
        return undefined;
    }
    if (!code) return undefined;
    if (UNKNOWN_CA.includes(code)) {
        return `TLS: the certificate of ${host} is not signed by a CA this provider trusts (${code}): set caCert (grafana:caCert, GRAFANA_CA_CERT) to the PEM or file of the CA that issued it`;
    }
    if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
        // Node's reason lists the names the certificate holds: useful, and no secret.
        const reason = (failure.message ?? "").replace(/^Hostname\/IP does not match certificate's altnames: /, "").replace(/[:\s]+$/, "");
        return `TLS: the certificate of ${host} is not issued for this host name (${code}: ${reason}): use a URL with a name the certificate lists`;
    }
    if (code === "CERT_HAS_EXPIRED") return `TLS: the certificate of ${host} has expired (${code}): the server's certificate must be renewed`;
    if (code === "CERT_NOT_YET_VALID") return `TLS: the certificate of ${host} is not valid yet (${code}): check the server's certificate and both clocks`;
    if (CLIENT_CERT_REQUIRED.includes(code)) {
        return `TLS: ${host} ended the handshake (${code}); it probably requires a client certificate: set tlsCert and tlsKey`;
    }
    if (CLIENT_CERT_REJECTED.includes(code)) {
        return `TLS: ${host} rejected the client certificate (${code}): tlsCert must be signed by a CA the server trusts and be valid now`;
    }
    if (code === "EPROTO" && /wrong version number|packet length too long/.test(failure.message ?? "")) {
        return `TLS: ${host} does not speak TLS on this port (EPROTO wrong version number): use http:// in url, or the server's HTTPS port`;
    }
    return undefined;
}

/** Once per process and URL: every `pulumi up` or `preview` (a new provider process) says it again. */
export function warnInsecure(url: string): void {
    const g = globalThis as unknown as { __pulumiGrafanaDynamicWarned?: string[] };
    const warned = (g.__pulumiGrafanaDynamicWarned ??= []);
    if (warned.includes(url)) return;
    warned.push(url);
    logWarning(
        `grafana: insecureSkipVerify is on for ${url}: the server's TLS certificate is NOT verified, so anyone on the network path can ` +
            "impersonate Grafana and read the credentials sent to it. Set caCert to the CA that issued the certificate instead.",
    );
}

/**
 * A warning that shows in the Pulumi CLI's output. The SDK's `pulumi.log.warn` has no engine connection inside the
 * dynamic-provider host (it only prints to the host's stderr), so log through the engine whose address the CLI
 * passes the host as its first argument. Elsewhere (tests, the program), stderr.
 */
export function logWarning(message: string): void {
    const addr = process.argv[2];
    const inHost = /dynamic-provider/.test(process.argv[1] ?? "") && !!addr && /^[\w.[\]:-]+:\d+$/.test(addr);
    if (inHost) {
        try {
            const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] })) as typeof import("@grpc/grpc-js");
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const engrpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const engproto = require("@pulumi/pulumi/proto/engine_pb");
            const client = new engrpc.EngineClient(addr, grpc.credentials.createInsecure());
            const req = new engproto.LogRequest();
            req.setSeverity(engproto.LogSeverity.WARNING);
            req.setMessage(message);
            client.log(req, (err: Error | null) => {
                if (err) process.stderr.write(`warning: ${message}\n`);
                client.close();
            });
            return;
        } catch {
            // fall through to stderr
        }
    }
    process.stderr.write(`warning: ${message}\n`);
}
