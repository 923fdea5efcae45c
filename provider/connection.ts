import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";

/** Per-resource connection override. `auth` is `user:password` (basic auth) or a token (API key, service-account token). */
export interface ConnectionArgs {
    /** Grafana's root URL, e.g. `https://grafana.example.com` (with any sub-path). Default: `grafana:url`, then GRAFANA_URL. */
    url?: pulumi.Input<string>;
    /** `user:password` (basic auth) or a token. Default: secret `grafana:auth`, then GRAFANA_AUTH. */
    auth?: pulumi.Input<string>;
}

/** Plain connection values as they reach the provider (secrets arrive decrypted in the provider host). */
export interface ConnectionValues {
    url?: string;
    auth?: string;
}

/** Stack-wide settings from `configure` (stack config `grafana:*`), strings as the engine hands them over. */
export interface StackSettings extends ConnectionValues {
    /** `grafana:maxParallelWrites`: a fixed number of concurrent writes per Grafana URL instead of the adaptive limit. */
    maxParallelWrites?: string;
}

export interface ResolvedConnection {
    url: string;
    auth: string;
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

/** The dynamic provider's `configure`: the engine hands over the stack config, secrets decrypted. */
export async function configureFromStack(req: dynamic.ConfigureRequest): Promise<void> {
    processState().stackConfig = {
        url: req.config.get("grafana:url") || undefined,
        auth: req.config.get("grafana:auth") || undefined,
        maxParallelWrites: req.config.get("grafana:maxParallelWrites") || undefined,
    };
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

/** Resource-level `connection`, then stack config, then GRAFANA_URL / GRAFANA_AUTH; each field separately. */
export function resolveConnection(resource: ConnectionValues | undefined): ResolvedConnection {
    const stack = processState().stackConfig;
    const { url, setting } = urlSource(resource);
    const auth = resource?.auth || stack.auth || process.env.GRAFANA_AUTH;
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
    return { url: url.replace(/\/+$/, ""), auth };
}

/** Authorization header value: `user:pass` is basic auth, anything else a bearer token. */
export function authorizationHeader(auth: string): string {
    return auth.includes(":") ? `Basic ${Buffer.from(auth, "utf8").toString("base64")}` : `Bearer ${auth}`;
}
