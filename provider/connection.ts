import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";

/** Per-resource connection override. `auth` is `user:password` (basic auth) or a token (API key, service-account token). */
export interface ConnectionArgs {
    url?: pulumi.Input<string>;
    auth?: pulumi.Input<string>;
}

/** Plain connection values as they reach the provider (secrets arrive decrypted in the provider host). */
export interface ConnectionValues {
    url?: string;
    auth?: string;
}

export interface ResolvedConnection {
    url: string;
    auth: string;
}

/**
 * State shared by every provider object inside one provider process. It lives on globalThis and is
 * created lazily, so the closure serializer never captures it (nor the credentials it holds).
 */
export interface ProcessState {
    stackConfig: ConnectionValues;
    clients: Map<string, unknown>;
    writeQueues: Map<string, Promise<unknown>>;
    /** Grafana URLs known to have no legacy API keys (410/404). */
    noLegacyKeys: Set<string>;
}

export function processState(): ProcessState {
    const g = globalThis as unknown as Record<string, ProcessState | undefined>;
    const key = "__pulumiGrafanaDynamicState";
    let s = g[key];
    if (!s) {
        s = { stackConfig: {}, clients: new Map(), writeQueues: new Map(), noLegacyKeys: new Set() };
        g[key] = s;
    }
    return s;
}

/** The dynamic provider's `configure`: the engine hands over the stack config, secrets decrypted. */
export async function configureFromStack(req: dynamic.ConfigureRequest): Promise<void> {
    processState().stackConfig = {
        url: req.config.get("grafana:url") || undefined,
        auth: req.config.get("grafana:auth") || undefined,
    };
}

/** Resource-level `connection`, then stack config, then GRAFANA_URL / GRAFANA_AUTH; each field separately. */
export function resolveConnection(resource: ConnectionValues | undefined): ResolvedConnection {
    const stack = processState().stackConfig;
    const url = resource?.url || stack.url || process.env.GRAFANA_URL;
    const auth = resource?.auth || stack.auth || process.env.GRAFANA_AUTH;
    if (!url) {
        throw new Error("no Grafana URL: set the resource's connection.url, stack config grafana:url, or GRAFANA_URL");
    }
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

export function isBasicAuth(auth: string): boolean {
    return auth.includes(":");
}
