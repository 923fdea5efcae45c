import axios, { AxiosError, AxiosInstance, AxiosRequestConfig, Method } from "axios";
import axiosRetry from "axios-retry";
import { authorizationHeader, processState, ResolvedConnection } from "./connection";
import { describeTransportFailure, httpsAgentFor, TransportSettings, transportKey } from "./transport";

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

function messageOf(data: unknown, fallback: string): string {
    if (data && typeof data === "object" && "message" in data && typeof data.message === "string") {
        return data.message;
    }
    if (typeof data === "string" && data.trim() !== "") {
        return data.trim().slice(0, 300);
    }
    return fallback;
}

/**
 * Grafana HTTP client: auth, org scoping, bounded retries of transient failures (network errors, 429, 5xx such as
 * SQLite's "database is locked"), and writes serialized per Grafana URL inside this process.
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
            retryCondition: isTransient,
            retryDelay: (n, err) => Math.min(axiosRetry.exponentialDelay(n, err, base), 5000),
            // validateStatus accepts everything, so tell axios-retry which responses are failures.
            validateResponse: (res) => !(res.status === 429 || res.status >= 500),
        });
    }

    async request<T = unknown>(method: HttpMethod, path: string, opts: RequestOptions = {}): Promise<GrafanaResponse<T>> {
        const send = () => this.send<T>(method, path, opts);
        return method === "GET" ? send() : serializeWrite(this.url, send);
    }

    private async send<T>(method: HttpMethod, path: string, opts: RequestOptions): Promise<GrafanaResponse<T>> {
        const config: AxiosRequestConfig = {
            method: method as Method,
            url: path,
            data: opts.body,
            params: opts.query,
            headers: opts.orgId !== undefined ? { "X-Grafana-Org-Id": String(opts.orgId) } : undefined,
        };
        let retried = false;
        try {
            const res = await this.http.request<T>(config);
            retried = (res.config["axios-retry"]?.retryCount ?? 0) > 0;
            if (res.status >= 200 && res.status < 300) {
                return { status: res.status, data: res.data };
            }
            const tls = describeTransportFailure(this.url, { status: res.status, body: res.data });
            throw grafanaError(method, path, res.status, tls ?? messageOf(res.data, res.statusText || "error"), retried);
        } catch (e) {
            if (isGrafanaError(e)) {
                throw e;
            }
            // Rebuild axios errors: theirs carry the request config, Authorization header included.
            const err = e as AxiosError;
            retried = (err.config?.["axios-retry"]?.retryCount ?? 0) > 0;
            const status = err.response?.status;
            const tls = describeTransportFailure(this.url, { code: err.code, message: err.message, status, body: err.response?.data });
            const msg = tls ?? (status !== undefined ? messageOf(err.response?.data, err.message) : `${err.code ?? "error"}: ${err.message}`);
            throw grafanaError(method, path, status, msg, retried);
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

    /** True when GET path answers 404: for deletes that some Grafana versions answer with 403/500 once gone. */
    async isGone(path: string, opts?: RequestOptions): Promise<boolean> {
        try {
            await this.get(path, opts);
            return false;
        } catch (e) {
            return isStatus(e, 404);
        }
    }
}

/** Grafana's default SQLite store answers concurrent writes with 500 "database is locked": one write at a time per URL. */
async function serializeWrite<T>(url: string, fn: () => Promise<T>): Promise<T> {
    const queues = processState().writeQueues;
    const previous = queues.get(url) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    queues.set(url, tail);
    try {
        return await run;
    } finally {
        if (queues.get(url) === tail) {
            queues.delete(url);
        }
    }
}

/** One client per URL, credential and transport settings per process: no per-call construction. */
export function clientFor(conn: ResolvedConnection): GrafanaClient {
    const clients = processState().clients;
    const key = `${conn.url}\u0000${conn.auth}\u0000${transportKey(conn.transport)}`;
    let client = clients.get(key) as GrafanaClient | undefined;
    if (!client) {
        const t = conn.transport;
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
