import axios, { AxiosError, AxiosInstance, AxiosRequestConfig, Method } from "axios";
import axiosRetry from "axios-retry";
import { authorizationHeader, BreakerState, ConnectionValues, processState, ResolvedConnection, resolveConnection } from "./connection";
import { defaultTransport, describeTransportFailure, httpsAgentFor, TransportSettings, transportKey } from "./transport";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A failed Grafana call. The message never contains credentials: only method, path, status and Grafana's message. */
export interface GrafanaError extends Error {
    name: "GrafanaError";
    method: HttpMethod;
    path: string;
    /** HTTP status, or undefined when no response came (connection refused, reset, timeout). */
    status: number | undefined;
    grafanaMessage: string;
    /** True when the call was retried: an earlier attempt may have been applied by Grafana. */
    retried: boolean;
}

// A plain Error with fields, not a subclass: the closure serializer rewrites classes, and a rewritten
// `class extends Error` loses its message and instanceof in the provider host.
function grafanaError(method: HttpMethod, path: string, status: number | undefined, grafanaMessage: string, retried: boolean): GrafanaError {
    const e = new Error(`Grafana ${method} ${path} failed: ${status ?? "no response"} ${grafanaMessage}`) as GrafanaError;
    e.name = "GrafanaError";
    return Object.assign(e, { method, path, status, grafanaMessage, retried });
}

export function isGrafanaError(e: unknown): e is GrafanaError {
    return e instanceof Error && e.name === "GrafanaError";
}

export interface RequestOptions {
    body?: unknown;
    /** Scope the request to this org with X-Grafana-Org-Id (never switches the user's org context). */
    orgId?: number;
    query?: Record<string, string | number>;
}

export interface GrafanaResponse<T> {
    status: number;
    data: T;
    /** Answered only after retries (5xx, 429 or no answer first): a sign the server is busy. */
    retried?: boolean;
}

export interface ClientOptions {
    retries?: number;
    /** Base delay of the exponential backoff, in ms. */
    retryBaseMs?: number;
    timeoutMs?: number;
    /** TLS settings and extra headers (see transport.ts). */
    transport?: TransportSettings;
}

// An array, not a Set: the closure serializer copies module-level values into the provider text.
const RETRIABLE_CODES = ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ECONNABORTED", "EPIPE", "EAI_AGAIN"];

function isTransient(error: AxiosError): boolean {
    const status = error.response?.status;
    if (status !== undefined) {
        return status === 429 || status >= 500;
    }
    return error.code !== undefined && RETRIABLE_CODES.includes(error.code);
}

/** One line from whatever Grafana (or a proxy in front of it) answered; HTML pages are summarised, never pasted. */
function messageOf(data: unknown, fallback: string, baseUrl: string): string {
    if (data && typeof data === "object" && "message" in data && typeof data.message === "string") {
        return data.message;
    }
    if (typeof data === "string" && data.trim() !== "") {
        const text = data.trim();
        if (/^<(!doctype|html|\?xml)/i.test(text) || /<\/(html|body|head)>/i.test(text)) {
            const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
            return `an HTML page${title ? ` ("${title.slice(0, 80)}")` : ""} instead of Grafana's JSON API: is ${baseUrl} the root URL of Grafana (including any sub-path)?`;
        }
        return text.split("\n")[0].slice(0, 200);
    }
    return fallback;
}

const DEFAULT_MAX_WRITES = 16;
const INITIAL_WRITES = 4;
const BREAKER_COOLDOWN_MS = 10_000;

/** `grafana:maxParallelWrites` / GRAFANA_MAX_PARALLEL_WRITES: a fixed write limit per URL; undefined = adaptive. */
export function fixedWriteLimit(): number | undefined {
    const raw = processState().stackConfig.maxParallelWrites ?? process.env.GRAFANA_MAX_PARALLEL_WRITES;
    if (raw === undefined || raw === "") return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) {
        throw new Error(`grafana:maxParallelWrites / GRAFANA_MAX_PARALLEL_WRITES must be a positive integer (got ${JSON.stringify(raw)})`);
    }
    return n;
}

/**
 * Grafana answers in parallel, except its default SQLite store, which answers concurrent writes with 500 "database
 * is locked". So writes per URL start a few at a time, halve on any 5xx or lost answer, and grow by one per `limit`
 * successes (AIMD), between 1 and 16; a fixed setting turns the adaptation off.
 */
async function limitWrite<T extends { retried?: boolean }>(url: string, fn: () => Promise<T>, overloaded: (e: unknown) => boolean): Promise<T> {
    const limiters = processState().writeLimiters;
    let l = limiters.get(url);
    if (!l) {
        const fixed = fixedWriteLimit();
        l = { limit: fixed ?? INITIAL_WRITES, fixed: fixed !== undefined, active: 0, waiting: [] };
        limiters.set(url, l);
    }
    const lim = l;
    if (lim.active < Math.floor(lim.limit)) lim.active++;
    // A waiter is handed its slot by the call that wakes it (active is counted for it then).
    else await new Promise<void>((resolve) => lim.waiting.push(resolve));
    let outcome: "ok" | "overload" | "other" = "other";
    try {
        const r = await fn();
        outcome = r.retried ? "overload" : "ok";
        return r;
    } catch (e) {
        outcome = overloaded(e) ? "overload" : "other";
        throw e;
    } finally {
        lim.active--;
        if (!lim.fixed) {
            if (outcome === "overload") lim.limit = Math.max(1, lim.limit / 2);
            else if (outcome === "ok") lim.limit = Math.min(DEFAULT_MAX_WRITES, lim.limit + 1 / lim.limit);
        }
        while (lim.waiting.length > 0 && lim.active < Math.max(1, Math.floor(lim.limit))) {
            lim.active++;
            lim.waiting.shift()!();
        }
    }
}

/** A sign of overload the HTTP status does not show (SQLite's lock answered as 412): halve the adaptive write limit. */
export function reportOverload(url: string): void {
    const l = processState().writeLimiters.get(url);
    if (l && !l.fixed) l.limit = Math.max(1, l.limit / 2);
}

/** An open breaker for `url`, if a call used up its retry budget without an answer less than a cooldown ago. */
function openBreaker(url: string): BreakerState | undefined {
    const b = processState().breakers.get(url);
    if (!b) return undefined;
    // After the cooldown, calls go through again (half-open); the next answer closes it, the next silence reopens it.
    return Date.now() - b.openedAt < BREAKER_COOLDOWN_MS ? b : undefined;
}

/**
 * Grafana HTTP client: auth, org scoping, bounded retries of transient failures (network errors, 429, 5xx such as
 * SQLite's "database is locked"), an adaptive number of concurrent writes per Grafana URL, and a per-URL circuit
 * breaker so that once Grafana has not answered a whole retry budget, every other call fails at once.
 */
export class GrafanaClient {
    private readonly http: AxiosInstance;

    constructor(
        readonly url: string,
        auth: string,
        options: ClientOptions = {},
    ) {
        this.http = axios.create({
            baseURL: url,
            timeout: options.timeoutMs ?? 30000,
            headers: { ...options.transport?.httpHeaders, Authorization: authorizationHeader(auth), Accept: "application/json" },
            httpsAgent: options.transport && httpsAgentFor(url, options.transport),
            validateStatus: () => true,
            // Grafana answers small JSON; keep axios from following redirects to a login page.
            maxRedirects: 0,
        });
        const base = options.retryBaseMs ?? 200;
        axiosRetry(this.http, {
            retries: options.retries ?? 5,
            shouldResetTimeout: true,
            // Stop retrying as soon as another call found Grafana silent for a whole budget.
            retryCondition: (e) => isTransient(e) && !openBreaker(url),
            retryDelay: (n, err) => Math.min(axiosRetry.exponentialDelay(n, err, base), 5000),
            // validateStatus accepts everything, so tell axios-retry which responses are failures.
            validateResponse: (res) => !(res.status === 429 || res.status >= 500),
        });
    }

    async request<T = unknown>(method: HttpMethod, path: string, opts: RequestOptions = {}): Promise<GrafanaResponse<T>> {
        const send = () => this.send<T>(method, path, opts);
        if (method === "GET") return send();
        return limitWrite(this.url, send, (e) => isGrafanaError(e) && (e.status === undefined || e.status >= 500 || e.status === 429));
    }

    private async send<T>(method: HttpMethod, path: string, opts: RequestOptions): Promise<GrafanaResponse<T>> {
        const open = openBreaker(this.url);
        if (open) {
            throw grafanaError(method, path, undefined, `(not sent: ${open.reason}; failing fast until it answers again)`, false);
        }
        const config: AxiosRequestConfig = {
            method: method as Method,
            url: path,
            data: opts.body,
            params: opts.query,
            headers: opts.orgId !== undefined ? { "X-Grafana-Org-Id": String(opts.orgId) } : undefined,
        };
        try {
            const res = await this.http.request<T>(config);
            processState().breakers.delete(this.url);
            const retried = (res.config["axios-retry"]?.retryCount ?? 0) > 0;
            if (res.status >= 200 && res.status < 300) {
                return { status: res.status, data: res.data, retried };
            }
            if (res.status >= 300 && res.status < 400) {
                const to = String(res.headers?.location ?? "?");
                throw grafanaError(method, path, res.status, `redirected to ${to}: is ${this.url} the root URL of Grafana's API?`, retried);
            }
            const tls = describeTransportFailure(this.url, { status: res.status, body: res.data });
            throw grafanaError(method, path, res.status, tls ?? messageOf(res.data, res.statusText || "error", this.url), retried);
        } catch (e) {
            if (isGrafanaError(e)) {
                throw e;
            }
            // Rebuild axios errors: theirs carry the request config, Authorization header included.
            const err = e as AxiosError;
            const retried = (err.config?.["axios-retry"]?.retryCount ?? 0) > 0;
            const status = err.response?.status;
            const tls = describeTransportFailure(this.url, { code: err.code, message: err.message, status, body: err.response?.data });
            if (status !== undefined) {
                processState().breakers.delete(this.url);
                throw grafanaError(method, path, status, tls ?? messageOf(err.response?.data, err.message, this.url), retried);
            }
            // A TLS failure is an answer, the same on every try: no breaker (another client for this URL may have other TLS settings).
            if (tls) throw grafanaError(method, path, undefined, tls, retried);
            const msg = `${err.code ?? "error"}: ${err.message}`;
            if (!openBreaker(this.url)) {
                const tries = (err.config?.["axios-retry"]?.retryCount ?? 0) + 1;
                processState().breakers.set(this.url, {
                    openedAt: Date.now(),
                    reason: `Grafana at ${this.url} gave no answer to ${tries} tries of an earlier call (${msg})`,
                });
            }
            throw grafanaError(method, path, undefined, msg, retried);
        }
    }

    get<T = unknown>(path: string, opts?: RequestOptions) {
        return this.request<T>("GET", path, opts);
    }
    post<T = unknown>(path: string, body: unknown, opts?: RequestOptions) {
        return this.request<T>("POST", path, { ...opts, body });
    }
    put<T = unknown>(path: string, body: unknown, opts?: RequestOptions) {
        return this.request<T>("PUT", path, { ...opts, body });
    }
    patch<T = unknown>(path: string, body: unknown, opts?: RequestOptions) {
        return this.request<T>("PATCH", path, { ...opts, body });
    }
    delete<T = unknown>(path: string, opts?: RequestOptions) {
        return this.request<T>("DELETE", path, opts);
    }
}

/**
 * Every delete, idempotent: 404 means gone. Some versions answer a delete of what is already gone otherwise (Grafana
 * 10 a repeated service-account delete with 500, 10.0-10.3 an unknown org with 403): with `probe` (a path to GET),
 * any failure after which the probe answers 404 means gone too.
 */
export async function deleteIfPresent(client: GrafanaClient, path: string, opts: RequestOptions & { probe?: string } = {}): Promise<void> {
    const { probe, ...request } = opts;
    try {
        await unlessGone(() => client.delete(path, request));
    } catch (e) {
        if (probe && isGrafanaError(e) && (await unlessGone(() => client.get(probe, request))) === undefined) return;
        throw e;
    }
}

/** "404 means gone", in one place: the call's result, or undefined when Grafana answers 404. */
export async function unlessGone<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
        return await fn();
    } catch (e) {
        if (isStatus(e, 404)) return undefined;
        throw e;
    }
}

/** The client for a resource's connection (resolved by precedence: resource, stack config, env). */
export function clientOf(connection: ConnectionValues | undefined): GrafanaClient {
    return clientFor(resolveConnection(connection));
}

/** One client per URL, credential and transport settings per process: no per-call construction. */
export function clientFor(conn: ResolvedConnection): GrafanaClient {
    const clients = processState().clients;
    const t = conn.transport ?? defaultTransport();
    const key = `${conn.url}\u0000${conn.auth}\u0000${transportKey(t)}`;
    let client = clients.get(key) as GrafanaClient | undefined;
    if (!client) {
        client = new GrafanaClient(conn.url, conn.auth, { retries: t.retries, timeoutMs: t.timeoutMs, transport: t, ...clientOptionsFromEnv() });
        clients.set(key, client);
    }
    return client;
}

/** Test hook: GRAFANA_RETRY_BASE_MS shortens the backoff. */
function clientOptionsFromEnv(): ClientOptions {
    const base = Number(process.env.GRAFANA_RETRY_BASE_MS);
    return Number.isFinite(base) && base > 0 ? { retryBaseMs: base } : {};
}

export function isStatus(e: unknown, ...statuses: number[]): e is GrafanaError {
    return isGrafanaError(e) && e.status !== undefined && statuses.includes(e.status);
}

/** Adds which resource failed to any error; Grafana errors already say method, path, status and message. */
export async function forResource<T>(label: string, fn: () => Promise<T>, hint?: (e: unknown) => string | undefined): Promise<T> {
    try {
        return await fn();
    } catch (e) {
        const extra = hint?.(e);
        const message = e instanceof Error ? e.message : String(e);
        throw new Error(`${label}: ${message}${extra ? `. ${extra}` : ""}`);
    }
}
