import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import {
    checkClientPair,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT_SECONDS,
    loadPem,
    parseBool,
    parseHeaders,
    parseInteger,
    parseTimeout,
    settingError,
    TransportSettings,
    warnInsecure,
} from "./transport";

/**
 * Per-resource connection override; every field falls back to stack config `grafana:<field>`, then to its env var.
 * `auth` is `user:password` (basic auth) or a token (API key, service-account token). The whole object is stored
 * as a secret.
 */
export interface ConnectionArgs {
    /** Grafana's root URL, e.g. `https://grafana.example.com` (with any sub-path). Default: `grafana:url`, then GRAFANA_URL. */
    url?: pulumi.Input<string>;
    /** `user:password` (basic auth) or a token. Default: secret `grafana:auth`, then GRAFANA_AUTH. */
    auth?: pulumi.Input<string>;
    /** CA bundle that signs the server's certificate: PEM text or a file path. Replaces Node's default CAs for this connection. */
    caCert?: pulumi.Input<string>;
    /** Client certificate (PEM text or file path), for servers or proxies that require one. */
    tlsCert?: pulumi.Input<string>;
    /** The client certificate's private key (PEM text or file path; unencrypted). A secret. */
    tlsKey?: pulumi.Input<string>;
    /** Do not verify the server's certificate. For tests only: logs a warning on every run. */
    insecureSkipVerify?: pulumi.Input<boolean>;
    /** Org for every org-scoped resource whose own orgId is absent (basic auth only; a token belongs to one org). See org.ts. */
    orgId?: pulumi.Input<number>;
    /** Extra headers on every request (e.g. for a proxy); the values are secrets. */
    httpHeaders?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Retries of connection errors, 429 and 5xx (default 5). */
    retries?: pulumi.Input<number>;
    /** Per-request timeout in seconds (default 30). */
    timeout?: pulumi.Input<number>;
}

/** Plain connection values as they reach the provider (secrets arrive decrypted in the provider host). */
export interface ConnectionValues {
    url?: string;
    auth?: string;
    caCert?: string;
    tlsCert?: string;
    tlsKey?: string;
    insecureSkipVerify?: boolean;
    orgId?: number;
    httpHeaders?: Record<string, string>;
    retries?: number;
    timeout?: number;
}

export interface ResolvedConnection {
    url: string;
    auth: string;
    /** TLS, headers, retries and timeout; holds secrets (tlsKey, header values). Absent: the defaults. */
    transport?: TransportSettings;
}

/** Stack-wide settings from `configure` (stack config `grafana:*`): the connection settings parsed, plus the rest. */
export interface StackSettings extends ConnectionValues {
    /** `grafana:maxParallelWrites`: a fixed number of concurrent writes per Grafana URL instead of the adaptive limit. */
    maxParallelWrites?: string;
}

/** Per-URL write limit (adaptive unless fixed by a setting). */
export interface WriteLimiterState {
    limit: number;
    /** Set by grafana:maxParallelWrites / GRAFANA_MAX_PARALLEL_WRITES: no adaptation. */
    fixed: boolean;
    active: number;
    waiting: (() => void)[];
}

/** Per-URL circuit breaker: open once a call used up its whole retry budget without any answer. */
export interface BreakerState {
    openedAt: number;
    reason: string;
}

export type ConnectionField = keyof ConnectionValues;

/** Every connection setting, its env var (names from the bridged Grafana provider; GRAFANA_TIMEOUT is ours). */
export const CONNECTION_ENV: Record<ConnectionField, string> = {
    url: "GRAFANA_URL",
    auth: "GRAFANA_AUTH",
    caCert: "GRAFANA_CA_CERT",
    tlsCert: "GRAFANA_TLS_CERT",
    tlsKey: "GRAFANA_TLS_KEY",
    insecureSkipVerify: "GRAFANA_INSECURE_SKIP_VERIFY",
    orgId: "GRAFANA_ORG_ID",
    httpHeaders: "GRAFANA_HTTP_HEADERS",
    retries: "GRAFANA_RETRIES",
    timeout: "GRAFANA_TIMEOUT",
};
export const CONNECTION_FIELDS = Object.keys(CONNECTION_ENV) as ConnectionField[];

/**
 * State shared by every provider object inside one provider process. It lives on globalThis and is
 * created lazily, so the closure serializer never captures it (nor the credentials it holds).
 */
export interface ProcessState {
    stackConfig: StackSettings;
    clients: Map<string, unknown>;
    writeLimiters: Map<string, WriteLimiterState>;
    breakers: Map<string, BreakerState>;
    /** Grafana URLs known to have no legacy API keys (410/404). */
    noLegacyKeys: Set<string>;
    /** What configure found wrong. The SDK's host caches a provider even when its configure threw: every later call must fail too. */
    configError?: string;
}

export function processState(): ProcessState {
    const g = globalThis as unknown as Record<string, ProcessState | undefined>;
    const key = "__pulumiGrafanaDynamicState";
    let s = g[key];
    if (!s) {
        s = { stackConfig: {}, clients: new Map(), writeLimiters: new Map(), breakers: new Map(), noLegacyKeys: new Set() };
        g[key] = s;
    }
    return s;
}

/**
 * Parses one raw value (typed from a resource, a string from stack config or env) of a field; throws naming
 * `setting`, never echoing a secret. PEM fields are checked here (file readable, PEM parses) but kept as given.
 */
export function parseField(field: ConnectionField, raw: unknown, setting: string): ConnectionValues[ConnectionField] {
    switch (field) {
        case "url":
        case "auth":
            if (typeof raw !== "string") throw settingError(setting, "must be a string");
            return raw;
        case "caCert":
        case "tlsCert":
        case "tlsKey":
            if (typeof raw !== "string") throw settingError(setting, "must be a string: PEM text or a file path");
            loadPem(raw, setting, field);
            return raw;
        case "insecureSkipVerify":
            return parseBool(raw, setting);
        case "orgId":
            return parseInteger(raw, setting, 1);
        case "retries":
            return parseInteger(raw, setting, 0);
        case "timeout":
            return parseTimeout(raw, setting);
        case "httpHeaders":
            return parseHeaders(raw, setting);
    }
}

/** Unset: undefined, null or "" (pulumiEnv blanks GRAFANA_* for the provider host). */
function isSet(v: unknown): boolean {
    return v !== undefined && v !== null && v !== "";
}

/**
 * The dynamic provider's `configure`: the engine hands over the stack config, secrets decrypted. Bad values (and
 * bad GRAFANA_* env values) fail here, every problem named, before any resource is touched.
 */
export async function configureFromStack(req: dynamic.ConfigureRequest): Promise<void> {
    const stack: StackSettings = { maxParallelWrites: req.config.get("grafana:maxParallelWrites") || undefined };
    const problems: string[] = [];
    for (const field of CONNECTION_FIELDS) {
        const raw = req.config.get(`grafana:${field}`);
        try {
            if (isSet(raw)) (stack as Record<string, unknown>)[field] = parseField(field, raw, `grafana:${field}`);
        } catch (e) {
            problems.push((e as Error).message);
        }
        try {
            if (isSet(process.env[CONNECTION_ENV[field]])) parseField(field, process.env[CONNECTION_ENV[field]], CONNECTION_ENV[field]);
        } catch (e) {
            problems.push((e as Error).message);
        }
    }
    const state = processState();
    state.stackConfig = stack;
    // Said here too, so that `preview` (which makes no call) shows it; the client says it for a resource's own setting.
    try {
        const url = pick(undefined, "url").value?.replace(/\/+$/, "");
        if (url?.startsWith("https:") && pick(undefined, "insecureSkipVerify").value) warnInsecure(url);
    } catch {
        // a bad value: reported below
    }
    state.configError = problems.length > 0 ? `invalid Grafana connection settings: ${problems.join("; ")}` : undefined;
    if (state.configError) throw new Error(state.configError);
}

interface Picked<T> {
    value: T | undefined;
    /** Where it came from, for messages: connection.x, grafana:x or the env var. */
    setting: string;
}

/** One field by precedence: the resource's connection, stack config, env. */
function pick<F extends ConnectionField>(resource: ConnectionValues | undefined, field: F): Picked<NonNullable<ConnectionValues[F]>> {
    const own = resource?.[field];
    if (isSet(own))
        return { value: parseField(field, own, `connection.${field}`) as NonNullable<ConnectionValues[F]>, setting: `connection.${field}` };
    const stack = processState().stackConfig[field];
    if (isSet(stack)) return { value: stack as NonNullable<ConnectionValues[F]>, setting: `grafana:${field}` };
    const env = process.env[CONNECTION_ENV[field]];
    if (isSet(env))
        return { value: parseField(field, env, CONNECTION_ENV[field]) as NonNullable<ConnectionValues[F]>, setting: CONNECTION_ENV[field] };
    return { value: undefined, setting: `connection.${field}` };
}

/** Where the effective URL came from, for messages: the setting's own name. */
function urlSource(resource: ConnectionValues | undefined): { url?: string; setting: string } {
    if (resource?.url) return { url: resource.url, setting: "connection.url" };
    const stack = processState().stackConfig.url;
    if (stack) return { url: stack, setting: "stack config grafana:url" };
    return { url: process.env.GRAFANA_URL || undefined, setting: "GRAFANA_URL" };
}

/** Why `url` is not a usable Grafana base URL, or undefined when it is. Never echoes credentials in the URL. */
export function badUrlReason(url: string): string | undefined {
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        return `is not a URL (expected e.g. http://grafana.example.com:3000)`;
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
        return `must start with http:// or https:// (got ${JSON.stringify(parsed.protocol)})`;
    }
    if (!parsed.hostname) return "has no host";
    if (parsed.search || parsed.hash) return "must not have a query or fragment";
    return undefined;
}

/** The effective URL's problem, named by its setting; for check, so a bad URL fails before any call. */
export function effectiveUrlProblem(resource: ConnectionValues | undefined): { property: string; reason: string } | undefined {
    const { url, setting } = urlSource(resource);
    if (!url) return undefined;
    const why = badUrlReason(url);
    return why ? { property: setting === "connection.url" ? "connection.url" : "connection", reason: `${setting} ${why}` } : undefined;
}

/** Resource-level `connection`, then stack config, then env (GRAFANA_URL, GRAFANA_AUTH, ...); each field separately. */
export function resolveConnection(resource: ConnectionValues | undefined): ResolvedConnection {
    const configError = processState().configError;
    if (configError) throw new Error(configError);
    const { url, setting } = urlSource(resource);
    const auth = pick(resource, "auth").value;
    if (!url) {
        throw new Error("no Grafana URL: set the resource's connection.url, stack config grafana:url, or GRAFANA_URL");
    }
    const bad = badUrlReason(url);
    if (bad) throw new Error(`${setting} ${bad}`);
    if (!auth) {
        throw new Error(
            "no Grafana credentials: set the resource's connection.auth, secret stack config grafana:auth, or GRAFANA_AUTH (user:password or a token)",
        );
    }
    return { url: url.replace(/\/+$/, ""), auth, transport: resolveTransport(resource) };
}

function resolveTransport(resource: ConnectionValues | undefined): TransportSettings {
    const pem = (field: "caCert" | "tlsCert" | "tlsKey") => {
        const p = pick(resource, field);
        return { pem: p.value === undefined ? undefined : loadPem(p.value, p.setting, field), setting: p.setting };
    };
    const ca = pem("caCert");
    const cert = pem("tlsCert");
    const key = pem("tlsKey");
    checkClientPair(cert, key);
    return {
        caCert: ca.pem,
        tlsCert: cert.pem,
        tlsKey: key.pem,
        insecureSkipVerify: pick(resource, "insecureSkipVerify").value ?? false,
        httpHeaders: pick(resource, "httpHeaders").value ?? {},
        retries: pick(resource, "retries").value ?? DEFAULT_RETRIES,
        timeoutMs: Math.round((pick(resource, "timeout").value ?? DEFAULT_TIMEOUT_SECONDS) * 1000),
    };
}

/**
 * The org a resource works in when its own orgId is absent: connection.orgId, grafana:orgId, GRAFANA_ORG_ID. Only
 * with basic auth (a token already belongs to one org, and naming another gets 401); undefined when none is set,
 * the credential is a token, or the resource's connection is not known yet (preview).
 */
export function defaultOrgId(connection: unknown): number | undefined {
    const own = connection && typeof connection === "object" && !Array.isArray(connection) ? (connection as ConnectionValues) : undefined;
    if (connection !== undefined && connection !== null && !own) return undefined; // unknown in preview
    let orgId: number | undefined;
    let auth: string | undefined;
    try {
        orgId = pick(own, "orgId").value;
        auth = pick(own, "auth").value;
    } catch {
        return undefined; // a bad value: check reports it
    }
    return orgId !== undefined && auth !== undefined && isBasicAuth(auth) ? orgId : undefined;
}

/** Authorization header value: `user:pass` is basic auth, anything else a bearer token. */
export function authorizationHeader(auth: string): string {
    return auth.includes(":") ? `Basic ${Buffer.from(auth, "utf8").toString("base64")}` : `Bearer ${auth}`;
}

export function isBasicAuth(auth: string): boolean {
    return auth.includes(":");
}
