/**
 * The Grafana API emulator: the HTTP API the provider uses (orgs, org users, users, legacy API keys, service
 * accounts and tokens, folders, dashboards and their versions, data sources, health), answered as the Grafana
 * version of the chosen profile answers it, over a durable store (store.ts).
 *
 * Facts only: every behaviour carries its source in a short comment: "observed 10.0" = the transcript of a real
 * Grafana 10.0 in test/support/grafana-observed.md; "docs <page>" = Grafana's HTTP API documentation; "notes" =
 * release notes / what's new; "[unverified]" = inferred, no source yet (the conformance suite lists them). No code
 * from Grafana.
 */
import * as http from "http";
import * as https from "https";
import * as fs from "fs";
import * as net from "net";
import { AddressInfo, Socket } from "net";
import { randomBytes, randomUUID } from "crypto";
import { AccessRules, accessRoutes } from "./access";
import { Store, Tables } from "./store";
import {
    DataSource,
    Dashboard,
    DashboardVersion,
    Folder,
    LegacyKey,
    Member,
    Org,
    ROLE_RANK,
    Role,
    SaToken,
    ServiceAccount,
    User,
    hashPassword,
    hashSecret,
    passwordMatches,
} from "./model";
import { ApisHost, apisNotFound, appPlatformRoutes, dataSourceIdRoutes, legacyReadRefusal, legacySaveRefusal } from "./apis";
import { ApiKeyMode, DEFAULT_PROFILE, Profile, compareVersion, profileForVersion, profileNamed } from "./profiles";

export interface EmulatorOptions {
    /** a profile name (10.0, 11.6, 12.x; default the newest) */
    profile?: string;
    /** in-process tests: follow this Grafana version (see profileForVersion) instead of a profile */
    version?: string;
    adminUser?: string;
    /** the admin password for a new store (default "admin") */
    adminPassword?: string;
    /** store file; default an in-memory store */
    store?: string;
    /** fsync every commit (default true for a file store) */
    durable?: boolean;
    host?: string;
    port?: number;
    /** Serve HTTPS with this certificate (PEM); with `clientCa`, require a client certificate signed by it. */
    https?: { cert: string; key: string; clientCa?: string };
    /** Like a proxy in front: requests without these exact headers get 403 before reaching the API. */
    requireHeaders?: Record<string, string>;
    /** overrides of the profile's switches */
    apiKeys?: ApiKeyMode;
    rewriteSchemaVersion?: number;
    uniqueDashboardTitles?: boolean;
    nestedFolders?: boolean;
    /** Hold every request this long before answering (a remote or slow Grafana). */
    latencyMs?: number;
    /** append one line per answered request to this file (the format of Grafana's router log) */
    requestLog?: string;
}

export interface Fault {
    status?: number;
    body?: unknown;
    headers?: Record<string, string>;
    /** apply the request, then destroy the socket without answering (a reset after the server committed) */
    applyThenReset?: boolean;
    /** apply the request, then answer `status`/`body` (Grafana 10 on SQLite: "database is locked, sleeping then
     *  retrying" re-runs a save whose first run was committed, and the re-run answers 412) */
    applyThenStatus?: boolean;
    /** answer this text as text/html (a proxy's page, or a URL that is not Grafana's API root) */
    html?: string;
    /** destroy the socket without applying */
    reset?: boolean;
    delayMs?: number;
}
export interface FaultMatch {
    method?: string;
    /** exact path, or a RegExp (a string starting with ^ through the admin endpoint) */
    path?: string | RegExp;
}

export interface RecordedRequest {
    method: string;
    /** path without query */
    path: string;
    orgHeader?: string;
    auth: "basic" | "bearer" | "none";
    body?: unknown;
}

export interface EmulatorStats {
    requests: number;
    /** ms spent in the emulator's own handling (body parse, auth, handler, store commit, answer), latency and faults excluded */
    handlerMs: number;
    byRoute: Record<string, { count: number; ms: number }>;
}

export type JsonObject = Record<string, unknown>;

export interface Identity {
    kind: "user" | "apikey" | "sa" | "anonymous";
    userId: number;
    login: string;
    isServerAdmin: boolean;
    orgId: number;
    role: Role;
}

export interface Reply {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
}

export interface Ctx {
    method: string;
    path: string;
    query: URLSearchParams;
    params: Record<string, string>;
    body: JsonObject;
    id: Identity;
}

export type Access =
    { kind: "public" } | { kind: "authenticated" } | { kind: "serverAdmin"; action: string } | { kind: "orgRole"; role: Role; action: string };

interface Route {
    method: string;
    pattern: string;
    segments: string[];
    access: Access;
    body: boolean;
    handle: (ctx: Ctx) => Reply;
}

export class HttpError extends Error {
    constructor(readonly reply: Reply) {
        super(`HTTP ${reply.status}`);
    }
}

function isObject(v: unknown): v is JsonObject {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}
function str(v: unknown): string | undefined {
    return typeof v === "string" ? v : undefined;
}
function num(v: unknown): number | undefined {
    return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}
function isRole(v: unknown): v is Role {
    return v === "Admin" || v === "Editor" || v === "Viewer" || v === "None";
}
/** 10.0 accepts a role in any case ("viewer" is stored as Viewer: observed 10.0, POST /api/orgs/:id/users lower-case role) */
function roleOf(v: unknown, anyCase: boolean): Role | undefined {
    if (isRole(v)) return v;
    if (!anyCase || typeof v !== "string") return undefined;
    const r = v.charAt(0).toUpperCase() + v.slice(1).toLowerCase();
    return isRole(r) ? r : undefined;
}
function nowIso(): string {
    return new Date().toISOString().replace(/\.\d+Z$/, "Z");
}
function randomAlnum(n: number): string {
    const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const bytes = randomBytes(n);
    let out = "";
    for (let i = 0; i < n; i++) out += chars[bytes[i] % chars.length];
    return out;
}
/** newer Grafana's generated uids: 14 characters, lower-case letters and digits, starting with a letter (observed in user
 *  reports on 11.x/12.0: "fdu0pda1z6a68b", "aelkagvs3q8e8b"; SOURCES-RESEARCH.md H5) */
function shortUid(): string {
    const letters = "abcdefghijklmnopqrstuvwxyz";
    return letters[randomBytes(1)[0] % 26] + randomAlnum(13).toLowerCase();
}
function slugify(title: string): string {
    return title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "");
}
/** Grafana stores dashboard JSON through Go maps: keys come back sorted (observed 10.0, GET /api/dashboards/uid/:uid). */
function sortedKeys(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(sortedKeys);
    if (!isObject(v)) return v;
    const out: JsonObject = Object.create(null) as JsonObject;
    for (const k of Object.keys(v).sort()) out[k] = sortedKeys(v[k]);
    return out;
}

// --- error bodies -------------------------------------------------------------

/** {"message"} */
function msg(status: number, message: string): Reply {
    return { status, body: { message } };
}
/** {"message","traceID"}: Grafana adds traceID when an internal error is attached (observed 10.0: always "") */
function msgTrace(status: number, message: string): Reply {
    return { status, body: { message, traceID: "" } };
}
/** structured errors: {"message","messageId","statusCode"}, plus "traceID" on 10.0 (observed 10.0 for service accounts;
 *  11.x/12.x bodies quoted in user reports carry no traceID: emulator/SOURCES-RESEARCH.md A2) */
function errutilBody(status: number, messageId: string, message: string, trace: boolean): Reply {
    return { status, body: { message, messageId, statusCode: status, ...(trace ? { traceID: "" } : {}) } };
}
/** the access-control denial (observed 10.0: 403 with accessErrorId, message, title) */
export function denied(action: string): Reply {
    return {
        status: 403,
        body: {
            accessErrorId: `ACE${String(Math.floor(Math.random() * 1e10)).padStart(10, "0")}`,
            message: `You'll need additional permissions to perform this action. Permissions needed: ${action}`,
            title: "Access denied",
        },
    };
}
/** unknown /api routes (observed 10.0: 404 {"message":"Not found"}) */
const NOT_FOUND: Reply = { status: 404, body: { message: "Not found" } };
/** a body that does not bind (observed 10.0: 400 {"message":"bad request data","traceID":""}) */
const BAD_REQUEST: Reply = msgTrace(400, "bad request data");
const STATUS_TEXT = http.STATUS_CODES as Record<number, string | undefined>;
/** Grafana's default limit on a request body is far above any model we test; this guards the process. */
const MAX_BODY = 64 << 20;

interface QueuedFault {
    method?: string;
    path?: string | RegExp;
    fault: Fault;
}

export class Emulator {
    readonly url: string;
    readonly profile: Profile;
    readonly requests: RecordedRequest[] = [];
    /** handler exceptions (an emulator bug): answered 500 and kept here so the test that caused one can fail */
    readonly internalErrors: string[] = [];
    readonly stats: EmulatorStats = { requests: 0, handlerMs: 0, byRoute: {} };
    /** keep the last N requests in `requests` (0: none; in-process tests keep all) */
    recordLimit = Infinity;

    private readonly server: http.Server;
    private readonly store: Store;
    private readonly t: Tables;
    private readonly requireHeaders: Record<string, string>;
    private latencyMs: number;
    private readonly requestLog?: number;
    private readonly inFlight = new Map<string, number>();
    private readonly peakInFlight = new Map<string, number>();
    private readonly faults: QueuedFault[] = [];
    private readonly sockets = new Set<Socket>();
    private readonly routes: Route[];
    private readonly adminRoutes: Route[];
    private readonly access: AccessRules;

    private constructor(server: http.Server, store: Store, profile: Profile, opts: EmulatorOptions) {
        this.server = server;
        this.store = store;
        this.t = store.t;
        this.profile = profile;
        this.requireHeaders = opts.requireHeaders ?? {};
        this.latencyMs = opts.latencyMs ?? 0;
        if (opts.requestLog) this.requestLog = fs.openSync(opts.requestLog, "a");
        const addr = server.address() as AddressInfo;
        this.url = `${opts.https ? "https" : "http"}://127.0.0.1:${addr.port}`;
        this.access = new AccessRules({ t: this.t, store: this.store });
        this.routes = this.buildRoutes();
        this.adminRoutes = this.buildAdminRoutes();
    }

    static profileOf(opts: EmulatorOptions): Profile {
        const p = opts.version ? profileForVersion(opts.version) : profileNamed(opts.profile ?? DEFAULT_PROFILE);
        if (opts.apiKeys) p.apiKeys = opts.apiKeys;
        if (opts.rewriteSchemaVersion !== undefined) p.rewriteSchemaVersion = opts.rewriteSchemaVersion;
        if (opts.uniqueDashboardTitles !== undefined) p.uniqueDashboardTitles = opts.uniqueDashboardTitles;
        if (opts.nestedFolders !== undefined) p.nestedFolders = opts.nestedFolders;
        return p;
    }

    static async start(opts: EmulatorOptions = {}): Promise<Emulator> {
        const profile = Emulator.profileOf(opts);
        const store = new Store({ path: opts.store ?? ":memory:", durable: opts.durable });
        if (store.isEmpty()) Emulator.initStore(store, opts.adminUser ?? "admin", opts.adminPassword ?? "admin");
        if (profile.apiKeys === "removed404") Emulator.migrateApiKeys(store);
        const t = opts.https;
        const server: http.Server = t
            ? https.createServer({ cert: t.cert, key: t.key, ca: t.clientCa, requestCert: !!t.clientCa, rejectUnauthorized: !!t.clientCa })
            : http.createServer();
        server.keepAliveTimeout = 60_000;
        // Grafana (Go's HTTP server) answers plain HTTP on its HTTPS port with 400 "Client sent an HTTP request to an
        // HTTPS server." (observed by the TLS e2e suite on the real 10.0): the first byte tells a TLS handshake (0x16).
        const listener: import("net").Server = t ? net.createServer((sock) => sniffTls(sock, server)) : server;
        await new Promise<void>((resolve, reject) => {
            listener.once("error", reject);
            listener.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
        });
        if (t) {
            // the https server only parses sockets handed to it: report the listener's address, close both
            Object.defineProperty(server, "address", { value: () => listener.address() });
            const close = server.close.bind(server);
            Object.defineProperty(server, "close", { value: (cb?: (err?: Error) => void) => listener.close(() => close(cb)) });
        }
        const emu = new Emulator(server, store, profile, opts);
        listener.on("connection", (s: Socket) => {
            emu.sockets.add(s);
            s.on("close", () => emu.sockets.delete(s));
        });
        server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
            emu.onRequest(req, res).catch((e: unknown) => emu.internalError(res, e));
        });
        return emu;
    }

    /** A new Grafana has the server admin (user 1) and "Main Org." (org 1) where it is Admin (observed 10.0). */
    private static initStore(store: Store, adminUser: string, adminPassword: string): void {
        store.tx(() => {
            const now = nowIso();
            const admin: User = {
                id: store.nextId("user"),
                login: adminUser,
                email: "admin@localhost",
                name: "",
                password: hashPassword(adminPassword),
                isServerAdmin: true,
                currentOrgId: 1,
                created: now,
            };
            const main: Org = { id: store.nextId("org"), name: "Main Org.", created: now };
            store.t.user.put(admin);
            store.t.org.put(main);
            store.t.member.put({ orgId: main.id, userId: admin.id, role: "Admin" });
        });
    }

    /**
     * A store made under a profile with legacy API keys, served by one without (an upgrade past 12.1): each key becomes
     * a service account with that role holding one token, and the key keeps working as that token (docs "Migrate API
     * keys to service account tokens": "a service account is created with a service account token. Your existing API
     * key [...] will continue working as before"). The names Grafana gives them: [unverified]; here the key's name.
     */
    private static migrateApiKeys(store: Store): void {
        store.tx(() => {
            for (const k of store.t.apikey.all()) {
                store.t.sa.put({
                    id: store.nextId("user"),
                    uid: shortUid(),
                    orgId: k.orgId,
                    name: k.name,
                    login: `sa-${k.orgId}-${slugify(k.name)}`,
                    role: k.role,
                    isDisabled: false,
                    created: k.created,
                    updated: nowIso(),
                    tokens: [{ id: k.id, name: k.name, keyHash: k.keyHash, expires: k.expires, created: k.created, lastUsedAt: k.lastUsedAt }],
                });
                store.t.apikey.delete(k);
            }
        });
    }

    private stopped?: Promise<void>;

    /** Closes the server and the store; safe to call twice. */
    stop(): Promise<void> {
        this.stopped ??= this.close();
        return this.stopped;
    }

    private async close(): Promise<void> {
        for (const s of this.sockets) s.destroy();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
        if (this.requestLog !== undefined) fs.closeSync(this.requestLog);
        this.store.close();
    }

    // --- test hooks (in-process tests and the admin endpoint) ------------------

    inject(match: FaultMatch, ...faults: Fault[]): void {
        for (const fault of faults) this.faults.push({ method: match.method?.toUpperCase(), path: match.path, fault });
    }

    setLatency(ms: number): void {
        this.latencyMs = ms;
    }

    addUser(login: string, opts: { email?: string; password?: string } = {}): number {
        return this.store.tx(() => this.createUser({ login, email: opts.email, name: login, password: opts.password }).id);
    }

    orgs(): { id: number; name: string }[] {
        return this.read(() => this.t.org.all().map((o) => ({ id: o.id, name: o.name })));
    }

    orgUsers(orgId: number): { userId: number; login: string; role: string }[] {
        return this.read(() =>
            this.t.member
                .filter((m) => m.orgId === orgId)
                .map((m) => ({ userId: m.userId, login: this.t.user.get(String(m.userId))?.login ?? "", role: m.role })),
        );
    }

    resetPeaks(): void {
        this.peakInFlight.clear();
    }

    /** Most requests of `METHOD path` held at the same time (since resetPeaks). */
    maxInFlight(method: string, path: string): number {
        return this.peakInFlight.get(`${method} ${path}`) ?? 0;
    }

    /** As if every legacy key of the org had authenticated a request. */
    markApiKeysUsed(orgId: number): void {
        this.store.tx(() => {
            for (const k of this.t.apikey.filter((x) => x.orgId === orgId)) {
                k.lastUsedAt = nowIso();
                this.t.apikey.put(k);
            }
        });
    }

    apiKeys(orgId: number): { id: number; name: string; role: string }[] {
        return this.read(() => this.t.apikey.filter((k) => k.orgId === orgId).map((k) => ({ id: k.id, name: k.name, role: k.role })));
    }

    serviceAccounts(orgId: number): { id: number; name: string; role: string; tokens: { id: number; name: string }[] }[] {
        return this.read(() =>
            this.t.sa
                .filter((s) => s.orgId === orgId)
                .map((s) => ({ id: s.id, name: s.name, role: s.role, tokens: s.tokens.map((t) => ({ id: t.id, name: t.name })) })),
        );
    }

    dashboards(orgId: number): { uid: string; id: number; version: number; folderUid: string; json: Record<string, unknown> }[] {
        return this.read(() =>
            this.t.dashboard
                .filter((d) => d.orgId === orgId)
                .map((d) => ({ uid: d.uid, id: d.id, version: d.version, folderUid: d.folderUid, json: structuredClone(d.json) })),
        );
    }

    folderList(orgId: number): { uid: string; title: string; parentUid: string; version: number }[] {
        return this.read(() =>
            this.t.folder.filter((f) => f.orgId === orgId).map((f) => ({ uid: f.uid, title: f.title, parentUid: f.parentUid, version: f.version })),
        );
    }

    /** Data sources of an org; `secure` maps each secure field to the sha256 of its value (see model.hashSecret). */
    dataSourceList(
        orgId: number,
    ): { uid: string; name: string; type: string; url: string; jsonData: Record<string, unknown>; secure: Record<string, string> }[] {
        return this.read(() =>
            this.t.datasource
                .filter((d) => d.orgId === orgId)
                .map((d) => ({ uid: d.uid, name: d.name, type: d.type, url: d.url, jsonData: structuredClone(d.jsonData), secure: { ...d.secure } })),
        );
    }

    /** A secure field removed by someone in Grafana's UI. */
    dropSecureField(orgId: number, uid: string, key: string): void {
        this.store.tx(() => {
            const d = this.t.datasource.get(`${orgId}/${uid}`);
            if (d) {
                delete d.secure[key];
                this.t.datasource.put(d);
            }
        });
    }

    private read<T>(fn: () => T): T {
        return this.store.tx(fn);
    }

    // --- request pipeline ----------------------------------------------------

    private internalError(res: http.ServerResponse, e: unknown): void {
        const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
        this.internalErrors.push(text);
        process.stderr.write(`grafana-emulator: internal error: ${text}\n`);
        if (!res.headersSent && !res.destroyed) {
            res.writeHead(500, { "content-type": "application/json" });
            res.end(JSON.stringify({ message: "grafana-emulator internal error (a bug in the emulator)" }));
        }
    }

    private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const started = process.hrtime.bigint();
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const c of req) {
            size += (c as Buffer).length;
            if (size > MAX_BODY) {
                send(res, msg(413, "request entity too large"));
                req.socket.destroy();
                return;
            }
            chunks.push(c as Buffer);
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        const method = (req.method ?? "GET").toUpperCase();
        const u = new URL(req.url ?? "/", "http://127.0.0.1");
        const path = u.pathname;
        const authz = req.headers["authorization"] ?? "";
        const orgHeader = headerValue(req.headers["x-grafana-org-id"]);
        res.on("finish", () => this.logRequest(method, path, res.statusCode, started));

        // the emulator's own time (stats) counts parsing the body and writing the answer too, not latency or faults
        const parseStart = process.hrtime.bigint();
        let parsed: unknown;
        let parseOk = true;
        if (raw.trim() !== "") {
            try {
                parsed = JSON.parse(raw) as unknown;
            } catch {
                parseOk = false;
                parsed = raw;
            }
        }
        const parseMs = Number(process.hrtime.bigint() - parseStart) / 1e6;
        if (!path.startsWith("/__emulator/") && this.recordLimit > 0) {
            const rec: RecordedRequest = { method, path, auth: /^basic /i.test(authz) ? "basic" : /^bearer /i.test(authz) ? "bearer" : "none" };
            if (orgHeader !== undefined) rec.orgHeader = orgHeader;
            if (parsed !== undefined) rec.body = parsed;
            this.requests.push(rec);
            if (this.requests.length > this.recordLimit) this.requests.splice(0, this.requests.length - this.recordLimit);
        }

        for (const [name, value] of Object.entries(this.requireHeaders)) {
            if (headerValue(req.headers[name.toLowerCase()]) !== value) {
                // what a proxy in front answers (test/e2e/tls.test.ts's nginx): plain text, not Grafana's JSON
                res.writeHead(403, { "content-type": "text/plain" });
                res.end(`missing or wrong ${name} header\n`);
                return;
            }
        }

        if (path.startsWith("/__emulator/")) {
            send(
                res,
                this.timed(method, path, parseMs, () => this.dispatch(this.adminRoutes, method, path, u.searchParams, req, parsed, parseOk)),
            );
            return;
        }

        const flightKey = `${method} ${path}`;
        const now = (this.inFlight.get(flightKey) ?? 0) + 1;
        this.inFlight.set(flightKey, now);
        this.peakInFlight.set(flightKey, Math.max(now, this.peakInFlight.get(flightKey) ?? 0));
        res.on("close", () => this.inFlight.set(flightKey, (this.inFlight.get(flightKey) ?? 1) - 1));
        if (this.latencyMs > 0) await sleep(this.latencyMs);
        const fault = this.takeFault(method, path);
        if (fault?.delayMs) await sleep(fault.delayMs);
        if (fault?.reset) {
            req.socket.destroy();
            return;
        }
        if (fault?.html !== undefined) {
            res.writeHead(fault.status ?? 404, { "content-type": "text/html; charset=utf-8" });
            res.end(fault.html);
            return;
        }
        if (fault && fault.status !== undefined && !fault.applyThenReset && !fault.applyThenStatus) {
            send(res, {
                status: fault.status,
                body: fault.body !== undefined ? fault.body : { message: STATUS_TEXT[fault.status] ?? "error" },
                headers: fault.headers,
            });
            return;
        }

        const reply = this.timed(method, path, parseMs, () => this.dispatch(this.routes, method, path, u.searchParams, req, parsed, parseOk));
        if (fault?.applyThenReset) {
            req.socket.destroy();
            return;
        }
        if (fault?.applyThenStatus && fault.status !== undefined) {
            send(res, { status: fault.status, body: fault.body !== undefined ? fault.body : { message: STATUS_TEXT[fault.status] ?? "error" } });
            return;
        }
        this.timed(
            method,
            path,
            0,
            () => {
                send(res, reply);
                return reply;
            },
            false,
        );
    }

    /** Runs fn and adds its time (and `extraMs`) to the stats of the request's route; `count` once per request. */
    private timed(method: string, path: string, extraMs: number, fn: () => Reply, count = true): Reply {
        const t0 = process.hrtime.bigint();
        let route = `${method} ${path}`;
        try {
            const r = this.routeOf(method, path);
            if (r) route = `${method} ${r.pattern}`;
            return fn();
        } finally {
            const ms = extraMs + Number(process.hrtime.bigint() - t0) / 1e6;
            if (count) this.stats.requests++;
            this.stats.handlerMs += ms;
            const s = (this.stats.byRoute[route] ??= { count: 0, ms: 0 });
            if (count) s.count++;
            s.ms += ms;
        }
    }

    private logRequest(method: string, path: string, status: number, started: bigint): void {
        if (this.requestLog === undefined) return;
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        // the shape of Grafana's router log lines, which test/support/grafana-http.ts RequestLog follows
        fs.writeSync(
            this.requestLog,
            `logger=context t=${new Date().toISOString()} level=${status >= 500 ? "error" : "info"} msg="Request Completed" method=${method} path=${path} status=${status} duration=${ms.toFixed(3)}ms\n`,
        );
    }

    private takeFault(method: string, path: string): Fault | undefined {
        const i = this.faults.findIndex(
            (f) =>
                (f.method === undefined || f.method === method) &&
                (f.path === undefined || (typeof f.path === "string" ? f.path === path : f.path.test(path))),
        );
        if (i < 0) return undefined;
        return this.faults.splice(i, 1)[0].fault;
    }

    private routeOf(method: string, path: string): Route | undefined {
        const segs = path.split("/").filter((s) => s !== "");
        for (const r of this.routes) if (r.method === method && matchSegments(r.segments, segs)) return r;
        return undefined;
    }

    private dispatch(
        routes: Route[],
        method: string,
        path: string,
        query: URLSearchParams,
        req: http.IncomingMessage,
        parsed: unknown,
        parseOk: boolean,
    ): Reply {
        const segs = path.split("/").filter((s) => s !== "");
        let route: Route | undefined;
        let params: Record<string, string> = {};
        for (const r of routes) {
            if (r.method !== method) continue;
            const p = matchSegments(r.segments, segs);
            if (p) {
                route = r;
                params = p;
                break;
            }
        }
        // Unknown routes, and removed ones (e.g. /api/auth/keys in 12.x), answer 404 before any auth check
        // (observed 10.0 for unknown /api paths; the 12.x API-key removal: notes 12.0 "API keys removed").
        if (!route) {
            if (path.startsWith("/apis/")) return apisNotFound();
            if (!path.startsWith("/api/") && path !== "/api") {
                return {
                    status: 404,
                    body: "<!doctype html><html><head><title>Grafana</title></head><body>Page not found</body></html>",
                    headers: { "content-type": "text/html; charset=UTF-8" },
                };
            }
            return NOT_FOUND;
        }
        const r = route;
        return this.store.tx(() => {
            try {
                if (r.access.kind === "public") return r.handle({ method, path, query, params, body: {}, id: anonymous() });
                const auth = this.authenticate(req, query);
                if ("status" in auth) return auth;
                const id = auth;
                if (r.access.kind === "serverAdmin") {
                    // Server-admin routes (/api/orgs*, /api/admin/*, /api/users/lookup): only a server admin user
                    // has the global permission; keys and tokens are org-scoped (observed 10.0: key on /api/orgs -> 403).
                    if (!(id.kind === "user" && id.isServerAdmin)) return denied(r.access.action);
                } else if (r.access.kind === "orgRole" && ROLE_RANK[id.role] < ROLE_RANK[r.access.role]) {
                    return denied(r.access.action);
                }
                let body: JsonObject = {};
                if (r.body) {
                    if (!parseOk) return BAD_REQUEST;
                    if (parsed !== undefined) {
                        if (!isObject(parsed)) return BAD_REQUEST;
                        body = parsed;
                    }
                }
                return r.handle({ method, path, query, params, body, id });
            } catch (e) {
                if (e instanceof HttpError) return e.reply;
                throw e;
            }
        });
    }

    // --- authentication ------------------------------------------------------

    private authenticate(req: http.IncomingMessage, query: URLSearchParams): Identity | Reply {
        const authz = req.headers["authorization"] ?? "";
        let reqOrg = 0;
        const q = parseInt(query.get("targetOrgId") ?? "", 10);
        if (q > 0) reqOrg = q;
        else {
            const h = parseInt(headerValue(req.headers["x-grafana-org-id"]) ?? "", 10);
            if (Number.isFinite(h)) reqOrg = h;
        }
        let token: string | undefined;
        if (/^bearer /i.test(authz)) token = authz.slice(7).trim();
        else if (/^basic /i.test(authz)) {
            const decoded = Buffer.from(authz.slice(6).trim(), "base64").toString("utf8");
            const colon = decoded.indexOf(":");
            if (colon < 0) return this.errutil(400, "basic-auth.invalid-header", "Invalid Basic Auth Header"); // [unverified]
            const login = decoded.slice(0, colon);
            const password = decoded.slice(colon + 1);
            if (login === "api_key")
                token = password; // docs auth: an API key can be given as basic auth user "api_key"
            else return this.authenticateBasic(login, password, reqOrg);
        }
        if (token === undefined || token === "") {
            // observed 10.0: no auth -> 401 {"message":"Unauthorized"}
            return this.profile.observed10 ? msg(401, "Unauthorized") : this.errutil(401, "auth.unauthorized", "Unauthorized");
        }
        return this.authenticateToken(token, reqOrg);
    }

    private authenticateBasic(login: string, password: string, reqOrg: number): Identity | Reply {
        const user = this.t.user.find((u) => u.login === login || u.email === login);
        if (!user || !passwordMatches(user.password, password)) {
            // observed 10.0: 401 {"message":"invalid username or password","traceID":""}; newer: structured error [unverified]
            return this.profile.observed10
                ? msgTrace(401, "invalid username or password")
                : this.errutil(401, "password-auth.failed", "Invalid username or password");
        }
        const orgId = reqOrg > 0 ? reqOrg : user.currentOrgId;
        const m = this.t.member.get(`${orgId}/${user.id}`);
        // A user who is not a member of the requested (or a missing) org has no role there: role-checked routes answer
        // 403 (observed 10.0: POST /api/auth/keys), GET /api/org 404 "Organization not found" (observed 10.0).
        return {
            kind: "user",
            userId: user.id,
            login: user.login,
            isServerAdmin: user.isServerAdmin,
            orgId: m ? orgId : -1,
            role: m?.role ?? "None",
        };
    }

    private authenticateToken(token: string, reqOrg: number): Identity | Reply {
        const nowSec = Date.now() / 1000;
        const h = hashSecret(token);
        const legacy = this.profile.apiKeys === "removed404" ? undefined : this.t.apikey.find((k) => k.keyHash === h);
        let found: { orgId: number; expires?: number; identity: Omit<Identity, "orgId"> } | undefined;
        if (legacy) {
            // last_used_at: the provider only needs "never used" vs "used"; refreshed at most once a minute
            if (!legacy.lastUsedAt || Date.parse(legacy.lastUsedAt) < Date.now() - 60_000) {
                legacy.lastUsedAt = nowIso();
                this.t.apikey.put(legacy);
            }
            found = {
                orgId: legacy.orgId,
                expires: legacy.expires,
                identity: { kind: "apikey", userId: legacy.id, login: `api-key-${legacy.id}`, isServerAdmin: false, role: legacy.role },
            };
        } else {
            for (const sa of this.t.sa.values()) {
                const tk = sa.tokens.find((x) => x.keyHash === h);
                if (!tk) continue;
                // a disabled service account's token is refused [message unverified]
                if (sa.isDisabled) return this.invalidKey();
                found = {
                    orgId: sa.orgId,
                    expires: tk.expires,
                    identity: { kind: "sa", userId: sa.id, login: sa.login, isServerAdmin: false, role: sa.role },
                };
                break;
            }
        }
        if (!found) return this.invalidKey();
        if (found.expires !== undefined && found.expires <= nowSec) {
            return this.profile.observed10 ? msgTrace(401, "invalid API key") : this.errutil(401, "api-key.expired", "Expired API key"); // [unverified]
        }
        if (reqOrg > 0 && reqOrg !== found.orgId && !this.profile.observed10) {
            // newer Grafana rejects a key sent with another org's header [unverified]; 10.0 ignores the header (observed 10.0)
            return this.errutil(401, "api-key.organization-mismatch", "API key does not belong to the requested organization");
        }
        return { ...found.identity, orgId: found.orgId };
    }

    /** observed 10.0: a bad, garbage or deleted Bearer token -> 401 {"message":"invalid API key","traceID":""} */
    private invalidKey(): Reply {
        return this.profile.observed10 ? msgTrace(401, "invalid API key") : this.errutil(401, "api-key.invalid", "Invalid API key");
    }

    private errutil(status: number, messageId: string, message: string): Reply {
        return errutilBody(status, messageId, message, this.profile.observed10);
    }

    // --- state helpers -------------------------------------------------------

    private createUser(u: { login: string; email?: string; name?: string; password?: string; orgId?: number }): User {
        const user: User = {
            id: this.store.nextId("user"),
            login: u.login,
            email: u.email ?? `${u.login}@localhost`,
            name: u.name ?? "",
            password: u.password ? hashPassword(u.password) : undefined,
            isServerAdmin: false,
            currentOrgId: u.orgId ?? 1,
            created: nowIso(),
        };
        this.t.user.put(user);
        // a new user joins the main org (or the given one) as Viewer (docs admin: auto_assign_org_role default Viewer)
        this.t.member.put({ orgId: user.currentOrgId, userId: user.id, role: "Viewer" });
        return user;
    }

    private member(orgId: number, userId: number): Member | undefined {
        return this.t.member.get(`${orgId}/${userId}`);
    }

    private orgDetails(o: Org): JsonObject {
        return { id: o.id, name: o.name, address: { address1: "", address2: "", city: "", zipCode: "", state: "", country: "" } };
    }

    private userDto(u: User): JsonObject {
        return {
            id: u.id,
            email: u.email,
            name: u.name,
            login: u.login,
            theme: "",
            orgId: u.currentOrgId,
            isGrafanaAdmin: u.isServerAdmin,
            isDisabled: false,
            isExternal: false,
            authLabels: [],
            updatedAt: u.created,
            createdAt: u.created,
            avatarUrl: "/avatar/46d229b033af06a191ff2267bca9ae56",
        };
    }

    private saDto(sa: ServiceAccount): JsonObject {
        return {
            id: sa.id,
            ...(this.profile.observed10 ? {} : { uid: sa.uid }),
            name: sa.name,
            login: sa.login,
            orgId: sa.orgId,
            isDisabled: sa.isDisabled,
            role: sa.role,
            tokens: sa.tokens.length,
            avatarUrl: this.profile.observed10 ? "" : "/avatar/00000000000000000000000000000000", // observed 10.0: ""
        };
    }

    private saProfile(sa: ServiceAccount): JsonObject {
        return {
            id: sa.id,
            ...(this.profile.observed10 ? {} : { uid: sa.uid }),
            name: sa.name,
            login: sa.login,
            orgId: sa.orgId,
            isDisabled: sa.isDisabled,
            createdAt: sa.created,
            updatedAt: sa.updated,
            avatarUrl: this.profile.observed10 ? "" : "/avatar/00000000000000000000000000000000",
            role: sa.role,
            teams: [],
            tokens: sa.tokens.length,
        };
    }

    private findSa(orgId: number, idStr: string): ServiceAccount | undefined {
        const sa = this.t.sa.get(String(Number(idStr)));
        return sa && sa.orgId === orgId ? sa : undefined;
    }

    private deleteOrgCascade(orgId: number): void {
        const org = this.t.org.get(String(orgId));
        if (org) this.t.org.delete(org);
        this.t.member.deleteWhere((m) => m.orgId === orgId);
        this.t.apikey.deleteWhere((k) => k.orgId === orgId);
        this.t.sa.deleteWhere((s) => s.orgId === orgId);
        this.t.dashboard.deleteWhere((d) => d.orgId === orgId);
        this.t.dashver.deleteWhere((d) => d.orgId === orgId);
        this.t.folder.deleteWhere((f) => f.orgId === orgId);
        this.t.datasource.deleteWhere((d) => d.orgId === orgId);
        this.t.team.deleteWhere((x) => x.orgId === orgId);
        this.t.acl.deleteWhere((x) => x.orgId === orgId);
        for (const u of this.t.user.filter((x) => x.currentOrgId === orgId)) {
            const other = this.t.member.find((m) => m.userId === u.id);
            u.currentOrgId = other ? other.orgId : 1;
            this.t.user.put(u);
        }
    }

    // --- routes ------------------------------------------------------------------

    private buildAdminRoutes(): Route[] {
        const routes: Route[] = [];
        const add = (method: string, pattern: string, handle: (c: Ctx) => Reply): void => {
            routes.push({
                method,
                pattern,
                segments: pattern.split("/").filter(Boolean),
                access: { kind: "serverAdmin", action: "emulator:admin" },
                body: true,
                handle,
            });
        };
        // The emulator's own endpoints (never called by the provider): faults and settings at run time, and stats.
        add("POST", "/__emulator/faults", (c) => {
            const faults = c.body.faults;
            if (!Array.isArray(faults) || !faults.every(isObject)) return msg(400, "faults: an array of fault objects");
            const p = str(c.body.path);
            this.inject({ method: str(c.body.method), path: p?.startsWith("^") ? new RegExp(p) : p }, ...(faults as Fault[]));
            return { status: 200, body: { queued: this.faults.length } };
        });
        add("DELETE", "/__emulator/faults", () => {
            this.faults.length = 0;
            return { status: 200, body: { queued: 0 } };
        });
        add("POST", "/__emulator/settings", (c) => {
            const l = num(c.body.latencyMs);
            if (l !== undefined) this.latencyMs = Math.max(0, l);
            return { status: 200, body: { latencyMs: this.latencyMs, profile: this.profile.name } };
        });
        add("GET", "/__emulator/stats", () => ({ status: 200, body: this.stats }));
        add("POST", "/__emulator/stats/reset", () => {
            this.stats.requests = 0;
            this.stats.handlerMs = 0;
            this.stats.byRoute = {};
            return { status: 200, body: this.stats };
        });
        add("GET", "/__emulator/profile", () => ({ status: 200, body: this.profile }));
        return routes;
    }

    private buildRoutes(): Route[] {
        const p = this.profile;
        const v10 = p.observed10;
        const routes: Route[] = [];
        const add = (method: string, pattern: string, access: Access, handle: (ctx: Ctx) => Reply, body = false): void => {
            routes.push({ method, pattern, segments: pattern.split("/").filter((s) => s !== ""), access, handle, body });
        };
        const pub: Access = { kind: "public" };
        const anyUser: Access = { kind: "authenticated" };
        const sa = (action: string): Access => ({ kind: "serverAdmin", action });
        const role = (r: Role, action: string): Access => ({ kind: "orgRole", role: r, action });
        const org = (c: Ctx): Org => {
            const o = this.t.org.get(String(c.id.orgId));
            if (!o) throw new HttpError(msgTrace(404, "Organization not found"));
            return o;
        };

        // observed 10.0: 200 {"commit","database":"ok","version"} without auth (docs other: health)
        add("GET", "/api/health", pub, () => ({ status: 200, body: { commit: `emulator-${p.name}`, database: "ok", version: p.version } }));

        // --- current user and org ---
        // observed 10.0: GET /api/user as admin
        add("GET", "/api/user", anyUser, (c) => {
            const u = c.id.kind === "user" ? this.t.user.get(String(c.id.userId)) : undefined;
            if (!u) return msg(404, "user not found"); // a key or token has no user profile [unverified]
            return {
                status: 200,
                body: {
                    ...this.userDto(u),
                    orgId: c.id.orgId > 0 ? c.id.orgId : u.currentOrgId,
                    isExternallySynced: false,
                    avatarUrl: "/public/img/user_profile.png",
                },
            };
        });
        // docs user: POST /api/user/using/:organizationId switches the signed-in user's current org (the tutorial uses it)
        add("POST", "/api/user/using/:orgId", anyUser, (c) => {
            const orgId = Number(c.params.orgId);
            if (c.id.kind !== "user") return msg(400, "Not a user"); // [unverified]
            if (!this.member(orgId, c.id.userId)) return msg(401, "Not a valid organization"); // docs user [message unverified]
            const u = this.t.user.get(String(c.id.userId));
            if (u) {
                u.currentOrgId = orgId;
                this.t.user.put(u);
            }
            return { status: 200, body: { message: "Active organization changed" } };
        });
        // docs user "Change password": 200 {"message":"User password changed"}; a wrong old password 401 [message unverified]
        add(
            "PUT",
            "/api/user/password",
            anyUser,
            (c) => {
                const u = c.id.kind === "user" ? this.t.user.get(String(c.id.userId)) : undefined;
                if (!u) return msg(400, "Not a user"); // [unverified]
                const oldPassword = str(c.body.oldPassword) ?? "";
                const newPassword = str(c.body.newPassword) ?? "";
                if (!passwordMatches(u.password, oldPassword)) return msg(401, "Invalid old password");
                if (newPassword.length < 4) return msg(400, "New password is too short"); // [unverified]
                if (c.body.confirmNew !== undefined && c.body.confirmNew !== newPassword)
                    return msg(400, "New password and confirmation do not match"); // [unverified]
                u.password = hashPassword(newPassword);
                this.t.user.put(u);
                return { status: 200, body: { message: "User password changed" } };
            },
            true,
        );
        // observed 10.0: GET /api/org
        // observed 10.0: any signed-in user; a missing org (or one the user is not in) -> 404
        add("GET", "/api/org", anyUser, (c) => ({ status: 200, body: this.orgDetails(org(c)) }));

        // --- users (docs admin: create user; docs user: lookup) ---
        add(
            "POST",
            "/api/admin/users",
            sa("users:create"),
            (c) => {
                const login = str(c.body.login) || str(c.body.email);
                const password = str(c.body.password);
                if (!login || !password) return BAD_REQUEST; // [unverified]
                if (this.t.user.some((u) => u.login === login || (!!c.body.email && u.email === c.body.email)))
                    return msg(412, "User with same email address already exists"); // docs admin [message unverified]
                const orgId = num(c.body.OrgId) ?? num(c.body.orgId);
                const u = this.createUser({ login, email: str(c.body.email), name: str(c.body.name), password, orgId });
                return { status: 200, body: { id: u.id, message: "User created" } }; // observed 10.0
            },
            true,
        );
        add("GET", "/api/users/lookup", sa("users:read"), (c) => {
            const q = c.query.get("loginOrEmail") ?? "";
            const u = this.t.user.find((x) => x.login === q || x.email === q);
            if (!u) return msg(404, "user not found"); // [unverified]
            return { status: 200, body: this.userDto(u) };
        });

        // --- orgs (docs org; observed 10.0) ---
        add("GET", "/api/orgs", sa("orgs:read"), (c) => {
            const name = c.query.get("name");
            const q = (c.query.get("query") ?? "").toLowerCase();
            const list = this.t.org
                .all()
                .sort((a, b) => a.id - b.id)
                .filter((o) => (name ? o.name === name : true) && (q ? o.name.toLowerCase().includes(q) : true))
                .map((o) => ({ id: o.id, name: o.name }));
            return { status: 200, body: list };
        });
        add(
            "POST",
            "/api/orgs",
            sa("orgs:create"),
            (c) => {
                const name = str(c.body.name);
                if (!name) return BAD_REQUEST; // observed 10.0: empty name -> 400 "bad request data"
                // observed 10.0: taken name -> 409 "Organization name taken"; the comparison is case-sensitive
                if (this.t.org.some((o) => o.name === name)) return msgTrace(409, "Organization name taken");
                const o: Org = { id: this.store.nextId("org"), name, created: nowIso() };
                this.t.org.put(o);
                // observed 10.0: the creating admin becomes Admin of the new org
                if (c.id.kind === "user") this.t.member.put({ orgId: o.id, userId: c.id.userId, role: "Admin" });
                return { status: 200, body: { message: "Organization created", orgId: o.id } }; // observed 10.0 (200, not 201)
            },
            true,
        );
        add("GET", "/api/orgs/name/:name", sa("orgs:read"), (c) => {
            const o = this.t.org.find((x) => x.name === c.params.name);
            if (!o) return msgTrace(404, "Organization not found"); // observed 10.0
            return { status: 200, body: this.orgDetails(o) };
        });
        add("GET", "/api/orgs/:orgId", sa("orgs:read"), (c) => {
            const o = this.t.org.get(String(Number(c.params.orgId)));
            if (!o) return msgTrace(404, "Organization not found"); // observed 10.0
            return { status: 200, body: this.orgDetails(o) };
        });
        add(
            "PUT",
            "/api/orgs/:orgId",
            sa("orgs:write"),
            (c) => {
                const name = str(c.body.name);
                if (!name) return BAD_REQUEST;
                const o = this.t.org.get(String(Number(c.params.orgId)));
                // observed 10.0: a taken name -> 400 (not 409) "Organization name taken"
                if (this.t.org.some((x) => x.name === name && x.id !== o?.id)) return msgTrace(400, "Organization name taken");
                // observed 10.0: a missing org -> 500 "Failed to update organization"; the same on 11.x/12.x (grafana-client's
                // integration tests against real servers, test_organization.py test_update_organization_unknown)
                if (!o) return msgTrace(500, "Failed to update organization");
                o.name = name;
                this.t.org.put(o);
                return { status: 200, body: { message: "Organization updated" } }; // observed 10.0 (also when unchanged)
            },
            true,
        );
        add("DELETE", "/api/orgs/:orgId", sa("orgs:delete"), (c) => {
            const orgId = Number(c.params.orgId);
            if (!Number.isInteger(orgId)) return msgTrace(400, "orgId is invalid"); // [unverified]
            // the org the admin is using cannot be deleted [unverified message; 12.x text per grafana-client tests]
            if (orgId === c.id.orgId) {
                return msg(
                    400,
                    compareVersion(p.version, "12.0.0") >= 0 ? "Cannot delete your active organization" : "Can not delete org for current user",
                );
            }
            // observed 10.0: missing / already deleted -> 404 {"message":"Failed to delete organization. ID not found"}
            if (!this.t.org.get(String(orgId))) return msg(404, "Failed to delete organization. ID not found");
            this.deleteOrgCascade(orgId);
            return { status: 200, body: { message: "Organization deleted" } }; // observed 10.0
        });

        // --- org users (docs org; observed 10.0) ---
        add("GET", "/api/orgs/:orgId/users", sa("org.users:read"), (c) => {
            const orgId = Number(c.params.orgId);
            const list = this.t.member
                .filter((m) => m.orgId === orgId)
                .sort((a, b) => a.userId - b.userId)
                .map((m) => {
                    const u = this.t.user.get(String(m.userId));
                    return {
                        orgId,
                        userId: m.userId,
                        email: u?.email ?? "",
                        name: u?.name ?? "",
                        avatarUrl: "/avatar/46d229b033af06a191ff2267bca9ae56",
                        login: u?.login ?? "",
                        role: m.role,
                        lastSeenAt: u?.created ?? nowIso(),
                        lastSeenAtAge: "< 1 minute",
                        accessControl: null,
                        authLabels: null,
                        isExternallySynced: false,
                    };
                });
            return { status: 200, body: list };
        });
        add(
            "POST",
            "/api/orgs/:orgId/users",
            sa("org.users:add"),
            (c) => {
                const orgId = Number(c.params.orgId);
                const loginOrEmail = str(c.body.loginOrEmail);
                if (!loginOrEmail) return BAD_REQUEST;
                // observed 10.0: a bad or missing role -> 400 "bad request data"; "viewer" is accepted
                const r = roleOf(c.body.role, v10);
                if (!r) return v10 ? BAD_REQUEST : msg(400, "Invalid role specified"); // newer [unverified]
                const u = this.t.user.find((x) => x.login === loginOrEmail || x.email === loginOrEmail);
                if (!u) return msg(404, "User not found"); // observed 10.0
                // observed 10.0: already a member -> 409 with the userId
                if (this.member(orgId, u.id)) return { status: 409, body: { message: "User is already member of this organization", userId: u.id } };
                // observed 10.0: a missing org -> 500 "Could not add user to organization"
                if (!this.t.org.get(String(orgId))) return msgTrace(500, "Could not add user to organization");
                this.t.member.put({ orgId, userId: u.id, role: r });
                return { status: 200, body: { message: "User added to organization", userId: u.id } };
            },
            true,
        );
        add(
            "PATCH",
            "/api/orgs/:orgId/users/:userId",
            sa("org.users:write"),
            (c) => {
                const orgId = Number(c.params.orgId);
                const userId = Number(c.params.userId);
                const r = roleOf(c.body.role, v10);
                if (!r) return v10 ? BAD_REQUEST : msg(400, "Invalid role specified"); // observed 10.0: bad role 400
                const m = this.member(orgId, userId);
                if (!m) return msgTrace(500, "Failed update org user"); // observed 10.0: not a member -> 500
                const admins = this.t.member.filter((x) => x.orgId === orgId && x.role === "Admin").length;
                if (m.role === "Admin" && r !== "Admin" && admins <= 1)
                    return msg(400, "Cannot change role so that there is no organization admin left"); // observed 10.0
                m.role = r;
                this.t.member.put(m);
                return { status: 200, body: { message: "Organization user updated" } }; // observed 10.0
            },
            true,
        );
        add("DELETE", "/api/orgs/:orgId/users/:userId", sa("org.users:remove"), (c) => {
            const orgId = Number(c.params.orgId);
            const userId = Number(c.params.userId);
            // observed 10.0: an unknown user id -> 500 "Failed to remove user from organization"
            if (!this.t.user.get(String(userId))) return msgTrace(500, "Failed to remove user from organization");
            const m = this.member(orgId, userId);
            const adminsLeft = this.t.member.filter((x) => x.orgId === orgId && x.role === "Admin" && x.userId !== userId).length;
            // observed 10.0: the last admin -> 400; a user no longer a member -> 200 again
            if (adminsLeft === 0 && (m?.role === "Admin" || !this.t.member.some((x) => x.orgId === orgId && x.role === "Admin")))
                return msg(400, "Cannot remove last organization admin");
            if (m) this.t.member.delete(m);
            return { status: 200, body: { message: "User removed from organization" } };
        });

        // --- legacy API keys (docs auth; observed 10.0; 11.3: POST answers 410 (notes 11.3); 12.x: routes gone) ---
        if (p.apiKeys !== "removed404") {
            add("GET", "/api/auth/keys", role("Admin", "apikeys:read"), (c) => ({
                status: 200,
                body: this.t.apikey
                    .filter((k) => k.orgId === c.id.orgId)
                    .filter((k) => c.query.get("includeExpired") === "true" || k.expires === undefined || k.expires > Date.now() / 1000)
                    .sort((a, b) => a.id - b.id)
                    // observed 10.0: {"id","name","role"[,"expiration"]}; lastUsedAt only once used [unverified beyond 10.0]
                    .map((k) => ({
                        id: k.id,
                        name: k.name,
                        role: k.role,
                        ...(k.expires !== undefined ? { expiration: new Date(k.expires * 1000).toISOString().replace(/\.\d+Z$/, "Z") } : {}),
                        ...(k.lastUsedAt ? { lastUsedAt: k.lastUsedAt } : {}),
                    })),
            }));
            add(
                "POST",
                "/api/auth/keys",
                role("Admin", "apikeys:create"),
                (c) => {
                    if (p.apiKeys === "gone410") {
                        // notes 11.3: creating API keys is removed; the endpoint answers 410 Gone
                        return msg(
                            410,
                            "this endpoint has been removed, please use POST /api/serviceaccounts and POST /api/serviceaccounts/{id}/tokens instead",
                        );
                    }
                    const name = str(c.body.name);
                    if (!name) return BAD_REQUEST;
                    const r = roleOf(c.body.role, v10);
                    if (!r) return v10 ? BAD_REQUEST : msg(400, "Invalid role specified"); // observed 10.0: bad role 400
                    if (ROLE_RANK[r] > ROLE_RANK[c.id.role] && !c.id.isServerAdmin) return msg(403, "Cannot assign a role higher than user's role"); // [unverified]
                    const ttl = num(c.body.secondsToLive) ?? 0;
                    if (ttl < 0) return msg(400, "negative value for SecondsToLive"); // [unverified]
                    // observed 10.0: a duplicate name in the org -> 409
                    if (
                        this.t.apikey.some((k) => k.orgId === c.id.orgId && k.name === name) ||
                        this.t.sa.some((s) => s.orgId === c.id.orgId && s.tokens.some((t) => t.name === name))
                    )
                        return msg(409, "API key, organization ID and name must be unique");
                    // observed 10.0: the key is base64 of {"k":<secret>,"n":<name>,"id":<orgId>} ("eyJ...")
                    const key = Buffer.from(JSON.stringify({ k: randomAlnum(32), n: name, id: c.id.orgId })).toString("base64");
                    const k: LegacyKey = {
                        id: this.store.nextId("apikey"),
                        orgId: c.id.orgId,
                        name,
                        role: r,
                        keyHash: hashSecret(key),
                        expires: ttl > 0 ? Math.floor(Date.now() / 1000) + ttl : undefined,
                        created: nowIso(),
                    };
                    this.t.apikey.put(k);
                    return { status: 200, body: { id: k.id, name: k.name, key } };
                },
                true,
            );
            add("DELETE", "/api/auth/keys/:id", role("Admin", "apikeys:delete"), (c) => {
                const id = Number(c.params.id);
                if (!Number.isInteger(id)) return msgTrace(400, "id is invalid");
                const k = this.t.apikey.get(String(id));
                // observed 10.0: missing, deleted or another org's key -> 404 {"message":"Failed to delete API key","traceID":""}
                if (!k || k.orgId !== c.id.orgId) return msgTrace(404, "Failed to delete API key");
                this.t.apikey.delete(k);
                return { status: 200, body: { message: "API key deleted" } };
            });
        }

        // --- service accounts and tokens (docs serviceaccount; observed 10.0) ---
        const saNotFound = (): Reply => this.errutil(404, "serviceaccounts.ErrNotFound", "service account not found"); // observed 10.0
        add("GET", "/api/serviceaccounts/search", role("Admin", "serviceaccounts:read"), (c) => {
            const q = (c.query.get("query") ?? "").toLowerCase();
            const perPage = parseInt(c.query.get("perpage") ?? "", 10) || 1000;
            const page = parseInt(c.query.get("page") ?? "", 10) || 1;
            const all = this.t.sa
                .filter((s) => s.orgId === c.id.orgId)
                .filter((s) => !q || s.name.toLowerCase().includes(q) || s.login.toLowerCase().includes(q))
                .sort((a, b) => a.name.localeCompare(b.name));
            return {
                status: 200,
                body: {
                    totalCount: all.length,
                    serviceAccounts: all.slice((page - 1) * perPage, page * perPage).map((s) => this.saDto(s)),
                    page,
                    perPage,
                },
            };
        });
        // observed 10.0: role None is refused with 400 "Bad request data"; allowed from 10.1 [unverified]
        const saRoleOk = (r: unknown): boolean => r !== "None" || !v10;
        add(
            "POST",
            "/api/serviceaccounts",
            role("Admin", "serviceaccounts:create"),
            (c) => {
                const name = str(c.body.name);
                if (!name) return msgTrace(400, "Bad request data");
                const r = c.body.role === undefined ? "Viewer" : c.body.role;
                // observed 10.0: a bad role -> 400 {"message":"Bad request data","traceID":""}
                if (!isRole(r) || !saRoleOk(r))
                    return v10
                        ? msgTrace(400, "Bad request data")
                        : this.errutil(400, "serviceaccounts.ErrInvalidRoleSpecified", "invalid role specified");
                if (ROLE_RANK[r] > ROLE_RANK[c.id.role] && !c.id.isServerAdmin)
                    return this.errutil(403, "serviceaccounts.ErrRoleForbidden", "can not assign a role higher than user's role");
                // observed 10.0: login "sa-<name>"; newer Grafana prefixes the org id: "sa-<orgId>-<name>" [unverified]
                const login = v10 ? `sa-${slugify(name)}` : `sa-${c.id.orgId}-${slugify(name)}`;
                // observed 10.0: a duplicate name -> 400 serviceaccounts.ErrAlreadyExists
                if (
                    this.t.sa.some((s) => s.orgId === c.id.orgId && (s.name === name || s.login === login)) ||
                    this.t.user.some((u) => u.login === login)
                )
                    return this.errutil(400, "serviceaccounts.ErrAlreadyExists", "service account already exists");
                const now = nowIso();
                const s: ServiceAccount = {
                    id: this.store.nextId("user"),
                    uid: randomAlnum(14).toLowerCase(),
                    orgId: c.id.orgId,
                    name,
                    login,
                    role: r,
                    isDisabled: c.body.isDisabled === true,
                    created: now,
                    updated: now,
                    tokens: [],
                };
                this.t.sa.put(s);
                return { status: 201, body: this.saDto(s) }; // observed 10.0: 201
            },
            true,
        );
        add("GET", "/api/serviceaccounts/:id", role("Admin", "serviceaccounts:read"), (c) => {
            const s = this.findSa(c.id.orgId, c.params.id);
            if (!s) return saNotFound();
            // observed 10.0: "teams":null, no "tokens"
            const body = this.saProfile(s);
            if (v10) {
                body.teams = null;
                delete body.tokens;
                body.avatarUrl = "/public/img/user_profile.png";
            }
            return { status: 200, body };
        });
        add(
            "PATCH",
            "/api/serviceaccounts/:id",
            role("Admin", "serviceaccounts:write"),
            (c) => {
                const s = this.findSa(c.id.orgId, c.params.id);
                if (!s) return saNotFound();
                const name = str(c.body.name);
                if (c.body.role !== undefined && (!isRole(c.body.role) || !saRoleOk(c.body.role)))
                    return v10
                        ? msgTrace(400, "Bad request data")
                        : this.errutil(400, "serviceaccounts.ErrInvalidRoleSpecified", "invalid role specified");
                // observed 10.0: the name check ignores case
                if (name !== undefined && this.t.sa.some((x) => x.id !== s.id && x.orgId === s.orgId && x.name.toLowerCase() === name.toLowerCase()))
                    return this.errutil(400, "serviceaccounts.ErrAlreadyExists", "service account already exists");
                if (name !== undefined) s.name = name;
                if (isRole(c.body.role)) s.role = c.body.role;
                if (typeof c.body.isDisabled === "boolean") s.isDisabled = c.body.isDisabled;
                s.updated = nowIso();
                this.t.sa.put(s);
                return { status: 200, body: { message: "Service account updated", id: s.id, name: s.name, serviceaccount: this.saProfile(s) } };
            },
            true,
        );
        add("DELETE", "/api/serviceaccounts/:id", role("Admin", "serviceaccounts:delete"), (c) => {
            const s = this.findSa(c.id.orgId, c.params.id);
            // observed 10.0: deleting twice -> 500 "Service account deletion error"; 404 from 12.1 (grafana/grafana#106618,
            // merged after 12.0.0: "Deleting a non-existent service account currently returns 500")
            if (!s) return compareVersion(this.profile.version, "12.1.0") < 0 ? msgTrace(500, "Service account deletion error") : saNotFound();
            this.t.sa.delete(s);
            return { status: 200, body: { message: "Service account deleted" } }; // observed 10.0
        });
        add("GET", "/api/serviceaccounts/:id/tokens", role("Admin", "serviceaccounts:read"), (c) => {
            const s = this.findSa(c.id.orgId, c.params.id);
            if (!s) return saNotFound();
            const now = Date.now() / 1000;
            return {
                status: 200,
                body: s.tokens.map((t: SaToken) => ({
                    id: t.id,
                    name: t.name,
                    created: t.created,
                    lastUsedAt: t.lastUsedAt ?? null,
                    expiration: t.expires !== undefined ? new Date(t.expires * 1000).toISOString() : null,
                    secondsUntilExpiration: t.expires !== undefined ? Math.max(0, t.expires - now) : 0,
                    hasExpired: t.expires !== undefined && t.expires <= now,
                    isRevoked: false,
                })),
            };
        });
        add(
            "POST",
            "/api/serviceaccounts/:id/tokens",
            role("Admin", "serviceaccounts:write"),
            (c) => {
                const s = this.findSa(c.id.orgId, c.params.id);
                if (!s) return saNotFound(); // observed 10.0: missing SA or another org's -> 404
                const name = str(c.body.name);
                if (!name) return msgTrace(400, "Bad request data");
                const ttl = num(c.body.secondsToLive) ?? 0;
                if (ttl < 0) return this.errutil(400, "serviceaccounts.ErrInvalidInput", "invalid SecondsToLive value"); // [unverified]
                // observed 10.0: token names are unique in the org -> 400 ErrTokenAlreadyExists
                const dup =
                    this.t.sa.some((x) => x.orgId === s.orgId && x.tokens.some((t) => t.name === name)) ||
                    this.t.apikey.some((k) => k.orgId === s.orgId && k.name === name);
                if (dup)
                    return this.errutil(
                        400,
                        "serviceaccounts.ErrTokenAlreadyExists",
                        "service account token with given name already exists in the organization",
                    );
                // observed 10.0: "glsa_" + 32 characters + "_" + 8 hex
                const key = `glsa_${randomAlnum(32)}_${randomBytes(4).toString("hex")}`;
                const t: SaToken = {
                    id: this.store.nextId("apikey"),
                    name,
                    keyHash: hashSecret(key),
                    expires: ttl > 0 ? Math.floor(Date.now() / 1000) + ttl : undefined,
                    created: nowIso(),
                };
                s.tokens.push(t);
                this.t.sa.put(s);
                return { status: 200, body: { id: t.id, name: t.name, key } };
            },
            true,
        );
        add("DELETE", "/api/serviceaccounts/:id/tokens/:tokenId", role("Admin", "serviceaccounts:write"), (c) => {
            const s = this.findSa(c.id.orgId, c.params.id);
            if (!s) return saNotFound();
            const tokenId = Number(c.params.tokenId);
            const i = s.tokens.findIndex((t) => t.id === tokenId);
            if (i < 0) return this.errutil(404, "serviceaccounts.ErrTokenNotFound", "service account token not found"); // observed 10.0
            s.tokens.splice(i, 1);
            this.t.sa.put(s);
            return { status: 200, body: { message: "Service account token deleted" } }; // observed 10.0
        });

        this.folderRoutes(add, role);
        this.dataSourceRoutes(add, role);
        this.dashboardRoutes(add, role);
        accessRoutes({ t: this.t, store: this.store }, add, role, this.access); // teams and permission lists: access.ts
        appPlatformRoutes(this.apisHost(), add, role); // /apis/... (apis.ts)
        return routes;
    }

    private apisHost(): ApisHost {
        return { store: this.store, t: this.t, profile: this.profile, newUid: shortUid, now: nowIso, access: this.access };
    }

    // --- folders (docs folder; observed 10.0; nested folders per profile) ---
    private folderRoutes(add: AddRoute, role: RoleAccess): void {
        const p = this.profile;
        const v10 = p.observed10;
        // observed 10.0: 404 {"message":"folder not found","status":"not-found"}
        const folderNotFound = (): Reply => ({ status: 404, body: { message: "folder not found", status: "not-found" } });
        const findFolder = (orgId: number, uid: string) => this.t.folder.get(`${orgId}/${uid}`);
        add(
            "POST",
            "/api/folders",
            role("Editor", "folders:create"),
            (c) => {
                const title = (str(c.body.title) ?? "").trim();
                if (!title) return msg(400, "folder title cannot be empty"); // observed 10.0
                const uid = str(c.body.uid) || shortUid();
                if (!/^[a-zA-Z0-9\-_]*$/.test(uid)) return msgTrace(400, "uid contains illegal characters"); // observed 10.0
                if (uid.length > 40) return msgTrace(400, "uid too long, max 40 characters"); // [unverified for folders]
                // observed 10.0: without nested folders, parentUid is ignored and the folder is made at the root
                const parentUid = p.nestedFolders ? (str(c.body.parentUid) ?? "") : "";
                if (parentUid && !findFolder(c.id.orgId, parentUid)) return folderNotFound(); // [unverified]
                if (findFolder(c.id.orgId, uid) || this.t.dashboard.get(`${c.id.orgId}/${uid}`)) {
                    // observed 10.0: an existing uid -> 412 version-mismatch; newer 409 "a folder with the same UID already exists" [unverified]
                    return v10
                        ? { status: 412, body: { message: "the folder has been changed by someone else", status: "version-mismatch" } }
                        : msg(409, "a folder with the same UID already exists");
                }
                const sameTitle = (t: string) => t.toLowerCase() === title.toLowerCase();
                if (
                    v10 &&
                    (this.t.folder.some((f) => f.orgId === c.id.orgId && f.parentUid === parentUid && sameTitle(f.title)) ||
                        (!parentUid && this.t.dashboard.some((d) => d.orgId === c.id.orgId && d.folderUid === "" && sameTitle(d.title))))
                ) {
                    return msg(409, "a folder or dashboard in the general folder with the same name already exists"); // observed 10.0
                }
                const now = nowIso();
                const f: Folder = {
                    id: this.store.nextId("dashboard"),
                    uid,
                    orgId: c.id.orgId,
                    title,
                    parentUid,
                    version: 1,
                    created: now,
                    updated: now,
                };
                this.t.folder.put(f);
                return { status: 200, body: this.folderDto(f) };
            },
            true,
        );
        add("GET", "/api/folders", role("Viewer", "folders:read"), (c) => {
            const parentUid = p.nestedFolders ? (c.query.get("parentUid") ?? "") : "";
            const list = this.t.folder
                .filter((f) => f.orgId === c.id.orgId && f.parentUid === parentUid && this.access.canRead(c.id, "folder", f.uid))
                .sort((a, b) => a.title.localeCompare(b.title))
                .map((f) => ({
                    ...(p.numericFolderIds ? { id: f.id } : {}),
                    uid: f.uid,
                    title: f.title,
                    ...(p.nestedFolders && f.parentUid ? { parentUid: f.parentUid } : {}),
                }));
            return { status: 200, body: list };
        });
        add("GET", "/api/folders/:uid", role("Viewer", "folders:read"), (c) => {
            const f = findFolder(c.id.orgId, c.params.uid);
            if (!f) return folderNotFound();
            if (!this.access.canRead(c.id, "folder", f.uid)) return denied("folders:read"); // access.ts
            return { status: 200, body: this.folderDto(f) };
        });
        add(
            "PUT",
            "/api/folders/:uid",
            role("Editor", "folders:write"),
            (c) => {
                const f = findFolder(c.id.orgId, c.params.uid);
                if (!f) return folderNotFound(); // observed 10.0
                if (this.access.folderLevel(c.id, c.id.orgId, f.uid) < 2) return denied("folders:write"); // access.ts: Edit on the folder
                const title = (str(c.body.title) ?? "").trim();
                if (!title) return msg(400, "folder title cannot be empty");
                if (c.body.overwrite !== true && num(c.body.version) !== f.version) {
                    return { status: 412, body: { message: "the folder has been changed by someone else", status: "version-mismatch" } }; // observed 10.0
                }
                f.title = title;
                f.version += 1;
                f.updated = nowIso();
                this.t.folder.put(f);
                return { status: 200, body: this.folderDto(f) };
            },
            true,
        );
        add(
            "POST",
            "/api/folders/:uid/move",
            role("Editor", "folders:write"),
            (c) => {
                if (!p.nestedFolders) return msg(404, "To use this service, you need to activate nested folder feature."); // observed 10.0
                const f = findFolder(c.id.orgId, c.params.uid);
                if (!f) return folderNotFound();
                const parentUid = str(c.body.parentUid) ?? "";
                if (parentUid && !findFolder(c.id.orgId, parentUid)) return folderNotFound(); // [unverified]
                // access.ts: Edit on the folder and where it goes (P8, as on /apis)
                if (this.access.folderLevel(c.id, c.id.orgId, f.uid) < 2 || this.access.folderLevel(c.id, c.id.orgId, parentUid) < 2) {
                    return denied("folders:write");
                }
                // a folder cannot move below itself (docs folder: move) [message unverified]
                for (let at = parentUid; at; at = findFolder(c.id.orgId, at)?.parentUid ?? "") {
                    if (at === f.uid) return msg(400, "cannot move a folder into itself or one of its subfolders");
                }
                f.parentUid = parentUid;
                f.version += 1;
                this.t.folder.put(f);
                return { status: 200, body: this.folderDto(f) };
            },
            true,
        );
        add("DELETE", "/api/folders/:uid", role("Editor", "folders:delete"), (c) => {
            const f = findFolder(c.id.orgId, c.params.uid);
            if (!f) return folderNotFound(); // observed 10.0
            if (this.access.folderLevel(c.id, c.id.orgId, f.uid) < 2) return denied("folders:delete"); // access.ts (P6: Edit, as on /apis)
            // Deleting a folder deletes what it holds: subfolders and dashboards (observed 10.0 for dashboards).
            const gone = new Set<string>([f.uid]);
            for (let grew = true; grew;) {
                grew = false;
                for (const x of this.t.folder.values()) {
                    if (x.orgId === f.orgId && gone.has(x.parentUid) && !gone.has(x.uid)) {
                        gone.add(x.uid);
                        grew = true;
                    }
                }
            }
            const deadDash = new Set(this.t.dashboard.filter((d) => d.orgId === f.orgId && gone.has(d.folderUid)).map((d) => d.uid));
            this.t.folder.deleteWhere((x) => x.orgId === f.orgId && gone.has(x.uid));
            this.t.dashboard.deleteWhere((d) => d.orgId === f.orgId && deadDash.has(d.uid));
            this.t.dashver.deleteWhere((d) => d.orgId === f.orgId && deadDash.has(d.uid));
            // observed 10.0: 200 with an empty body; newer {"message":"Folder deleted","id":N} (docs folder: delete folder)
            return v10 ? { status: 200 } : { status: 200, body: { message: "Folder deleted", ...(p.numericFolderIds ? { id: f.id } : {}) } };
        });
    }

    private folderDto(f: Folder): JsonObject {
        return {
            ...(this.profile.numericFolderIds ? { id: f.id } : {}), // 13.0: no numeric folder id (apis.ts)
            uid: f.uid,
            orgId: f.orgId,
            title: f.title,
            url: `/dashboards/f/${f.uid}/${slugify(f.title)}`,
            hasAcl: false,
            canSave: true,
            canEdit: true,
            canAdmin: true,
            canDelete: true,
            createdBy: "admin",
            created: f.created,
            updatedBy: "admin",
            updated: f.updated,
            version: f.version,
            ...(this.profile.nestedFolders && f.parentUid ? { parentUid: f.parentUid } : {}),
        };
    }

    // --- data sources (docs data_source; observed 10.0) ---
    private dataSourceRoutes(add: AddRoute, role: RoleAccess): void {
        const v10 = this.profile.observed10;
        const dsNotFound = (): Reply => msg(404, "Data source not found"); // observed 10.0
        const findDs = (orgId: number, uid: string) => this.t.datasource.get(`${orgId}/${uid}`);
        const dsDto = (d: DataSource): JsonObject => ({
            id: d.id,
            uid: d.uid,
            orgId: d.orgId,
            name: d.name,
            type: d.type,
            typeLogoUrl: "",
            access: d.access,
            url: d.url,
            user: d.user,
            database: d.database,
            basicAuth: d.basicAuth,
            basicAuthUser: d.basicAuthUser,
            withCredentials: false,
            isDefault: d.isDefault,
            jsonData: structuredClone(d.jsonData),
            secureJsonFields: Object.fromEntries(Object.keys(d.secure).map((k) => [k, true])),
            version: d.version,
            readOnly: d.readOnly,
        });
        const applySecure = (d: DataSource, secure: unknown): void => {
            if (!isObject(secure)) return;
            // observed 10.0: an empty value deletes the field
            for (const [k, v] of Object.entries(secure))
                if (typeof v === "string") {
                    if (v === "") delete d.secure[k];
                    else d.secure[k] = hashSecret(v);
                }
        };
        const badUrl = (type: string, url: string, update: boolean): boolean =>
            // observed 10.0: "Validation error, invalid URL" for a URL without scheme, and on update for an empty prometheus URL
            (url !== "" && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) || (update && url === "" && type === "prometheus");
        add("GET", "/api/datasources", role("Admin", "datasources:read"), (c) => ({
            status: 200,
            body: this.t.datasource
                .filter((d) => d.orgId === c.id.orgId)
                .sort((a, b) => a.name.localeCompare(b.name))
                .map((d) => {
                    const x = dsDto(d);
                    delete x.secureJsonFields;
                    return x;
                }),
        }));
        add("GET", "/api/datasources/uid/:uid", role("Admin", "datasources:read"), (c) => {
            const d = findDs(c.id.orgId, c.params.uid);
            return d ? { status: 200, body: dsDto(d) } : dsNotFound();
        });
        add("GET", "/api/datasources/name/:name", role("Admin", "datasources:read"), (c) => {
            const d = this.t.datasource.find((x) => x.orgId === c.id.orgId && x.name === c.params.name);
            return d ? { status: 200, body: dsDto(d) } : dsNotFound();
        });
        add(
            "POST",
            "/api/datasources",
            role("Admin", "datasources:create"),
            (c) => {
                const name = str(c.body.name);
                const type = str(c.body.type);
                // observed 10.0: name, type and access are required -> 400 "bad request data"
                if (!name || !type || (v10 && !str(c.body.access))) return BAD_REQUEST;
                const url = str(c.body.url) ?? "";
                if (badUrl(type, url, false)) return msgTrace(400, "Validation error, invalid URL");
                const uid = str(c.body.uid) || shortUid();
                if (this.t.datasource.some((d) => d.orgId === c.id.orgId && d.name === name))
                    return msgTrace(409, "data source with the same name already exists"); // observed 10.0
                if (findDs(c.id.orgId, uid)) return msgTrace(409, "data source with the same uid already exists"); // [unverified]
                const d: DataSource = {
                    id: this.store.nextId("datasource"),
                    uid,
                    orgId: c.id.orgId,
                    name,
                    type,
                    access: str(c.body.access) ?? "proxy",
                    url,
                    isDefault: c.body.isDefault === true,
                    basicAuth: c.body.basicAuth === true,
                    basicAuthUser: str(c.body.basicAuthUser) ?? "",
                    database: str(c.body.database) ?? "",
                    user: str(c.body.user) ?? "",
                    readOnly: false,
                    jsonData: isObject(c.body.jsonData) ? structuredClone(c.body.jsonData) : {},
                    secure: {},
                    version: 1,
                };
                applySecure(d, c.body.secureJsonData);
                this.putDataSource(d);
                return { status: 200, body: { datasource: dsDto(d), id: d.id, message: "Datasource added", name: d.name } };
            },
            true,
        );
        add(
            "PUT",
            "/api/datasources/uid/:uid",
            role("Admin", "datasources:write"),
            (c) => {
                const name = str(c.body.name);
                const type = str(c.body.type);
                if (!name || !type || (v10 && !str(c.body.access))) return BAD_REQUEST;
                const url = str(c.body.url) ?? "";
                if (badUrl(type, url, true)) return msgTrace(400, "Validation error, invalid URL"); // observed 10.0: checked before the lookup
                const d = findDs(c.id.orgId, c.params.uid);
                if (!d) return dsNotFound();
                if (d.readOnly) return msg(403, "Cannot update read-only data source"); // docs data_source: provisioned sources are read-only [message unverified]
                if (this.t.datasource.some((x) => x.uid !== d.uid && x.orgId === d.orgId && x.name === name))
                    return msgTrace(409, "data source with the same name already exists");
                const v = num(c.body.version);
                if (v !== undefined && v > 0 && v < d.version)
                    return msgTrace(409, "Datasource has already been updated by someone else. Please reload and try again"); // observed 10.0
                const newUid = str(c.body.uid);
                // 11.6.15 / 12.4.4 and later: a body uid other than the URL's is refused (grafana/grafana#125398) [message unverified]
                if (newUid && newUid !== d.uid && !v10) return msg(400, "datasource UID in the payload does not match the UID in the URL");
                if (newUid && newUid !== d.uid) {
                    // observed 10.0: a uid in the body renames the data source
                    this.t.datasource.delete(d);
                    d.uid = newUid;
                }
                Object.assign(d, {
                    name,
                    type,
                    url,
                    access: str(c.body.access) ?? d.access,
                    isDefault: c.body.isDefault === true,
                    basicAuth: c.body.basicAuth === true,
                    basicAuthUser: str(c.body.basicAuthUser) ?? d.basicAuthUser,
                    database: str(c.body.database) ?? d.database,
                    user: str(c.body.user) ?? d.user,
                    jsonData: isObject(c.body.jsonData) ? structuredClone(c.body.jsonData) : {},
                });
                applySecure(d, c.body.secureJsonData);
                d.version = v !== undefined && v > 0 ? v + 1 : 1; // observed 10.0: version+1 of what was sent, 1 without
                this.putDataSource(d);
                return { status: 200, body: { datasource: dsDto(d), id: d.id, message: "Datasource updated", name: d.name } };
            },
            true,
        );
        add("DELETE", "/api/datasources/uid/:uid", role("Admin", "datasources:delete"), (c) => {
            const d = findDs(c.id.orgId, c.params.uid);
            if (!d) return dsNotFound(); // observed 10.0
            if (d.readOnly) return msg(403, "Cannot delete read-only data source"); // [message unverified]
            this.t.datasource.delete(d);
            return { status: 200, body: { id: d.id, message: "Data source deleted" } };
        });
        dataSourceIdRoutes(this.apisHost(), add, role, (orgId, uid) => {
            const d = findDs(orgId, uid);
            return d && dsDto(d);
        });
    }

    /** One default data source per org (docs data_source: isDefault). */
    private putDataSource(d: DataSource): void {
        if (d.isDefault) {
            for (const x of this.t.datasource.filter((x) => x.orgId === d.orgId && x.uid !== d.uid && x.isDefault)) {
                x.isDefault = false;
                this.t.datasource.put(x);
            }
        }
        this.t.datasource.put(d);
    }

    // --- dashboards (docs dashboard, dashboard_versions, folder_dashboard_search; observed 10.0) ---
    private dashboardRoutes(add: AddRoute, role: RoleAccess): void {
        const p = this.profile;
        const v10 = p.observed10;
        const dashNotFound = (): Reply => msgTrace(404, "Dashboard not found"); // observed 10.0
        // A Viewer with Edit on a folder may save there (docs perms); saveDashboard asks access.ts.
        add("POST", "/api/dashboards/db", role("Viewer", "dashboards:create"), (c) => this.saveDashboard(c), true);
        // docs folder_dashboard_search: hits of the caller's org, by type, query (substring, any case) and folderUIDs;
        // 10.0 ignores folderUIDs (observed 10.0 without nested folders).
        add("GET", "/api/search", role("Viewer", "dashboards:read"), (c) => {
            const q = (c.query.get("query") ?? "").toLowerCase();
            const type = c.query.get("type");
            const folders = v10 ? [] : [...c.query.getAll("folderUIDs"), ...c.query.getAll("folderUIDs[]")].flatMap((x) => x.split(","));
            // docs folder_dashboard_search: folderIds (deprecated) filters by folder id; observed 10.0: it filters there
            const folderIds = c.query
                .getAll("folderIds")
                .flatMap((x) => x.split(","))
                .map(Number);
            const idOfFolder = (uid: string) => (uid ? (this.t.folder.get(`${c.id.orgId}/${uid}`)?.id ?? -1) : 0);
            const inFolder = (uid: string) =>
                (folders.length === 0 || folders.includes(uid) || (folders.includes("general") && uid === "")) &&
                (folderIds.length === 0 || folderIds.includes(idOfFolder(uid)));
            const limit = Math.min(parseInt(c.query.get("limit") ?? "", 10) || 1000, 5000); // docs: default 1000, max 5000
            const page = Math.max(parseInt(c.query.get("page") ?? "", 10) || 1, 1);
            const folderTitle = (orgId: number, uid: string) => this.t.folder.get(`${orgId}/${uid}`)?.title;
            const folderHits =
                type === "dash-db"
                    ? []
                    : this.t.folder
                          .filter(
                              (f) =>
                                  f.orgId === c.id.orgId &&
                                  f.title.toLowerCase().includes(q) &&
                                  inFolder(f.parentUid) &&
                                  this.access.canRead(c.id, "folder", f.uid),
                          )
                          .map((f) => ({
                              ...(p.numericFolderIds ? { id: f.id } : {}),
                              uid: f.uid,
                              title: f.title,
                              uri: `db/${slugify(f.title)}`,
                              url: `/dashboards/f/${f.uid}/${slugify(f.title)}`,
                              slug: "",
                              type: "dash-folder",
                              tags: [],
                              isStarred: false,
                              ...(f.parentUid ? { folderUid: f.parentUid, folderTitle: folderTitle(f.orgId, f.parentUid) } : {}),
                              sortMeta: 0,
                          }));
            const dashHits =
                type === "dash-folder"
                    ? []
                    : this.t.dashboard
                          .filter(
                              (d) =>
                                  d.orgId === c.id.orgId &&
                                  d.title.toLowerCase().includes(q) &&
                                  inFolder(d.folderUid) &&
                                  this.access.canRead(c.id, "dashboard", d.uid),
                          )
                          .map((d) => ({
                              id: d.id,
                              uid: d.uid,
                              title: d.title,
                              uri: `db/${slugify(d.title)}`,
                              url: `/d/${d.uid}/${slugify(d.title)}`,
                              slug: "",
                              type: "dash-db",
                              tags: Array.isArray(d.json.tags) ? d.json.tags : [],
                              isStarred: false,
                              ...(d.folderUid
                                  ? {
                                        ...(p.numericFolderIds ? { folderId: this.t.folder.get(`${d.orgId}/${d.folderUid}`)?.id } : {}),
                                        folderUid: d.folderUid,
                                        folderTitle: folderTitle(d.orgId, d.folderUid),
                                    }
                                  : {}),
                              sortMeta: 0,
                          }));
            // folders first, then dashboards, each by title (docs: sorted alphabetically by default)
            const byTitle = (a: { title: string }, b: { title: string }) => a.title.localeCompare(b.title);
            const all = [...folderHits.sort(byTitle), ...dashHits.sort(byTitle)];
            return { status: 200, body: all.slice((page - 1) * limit, page * limit) };
        });
        // the dashboard is looked up before the permission check: a server admin reading in a deleted org, or one it
        // is not in, gets 404 (observed 10.0, team-stack e2e on the real server)
        add("GET", "/api/dashboards/uid/:uid", { kind: "authenticated" }, (c) => {
            const d = this.t.dashboard.get(`${c.id.orgId}/${c.params.uid}`);
            if (!d) return dashNotFound();
            if (ROLE_RANK[c.id.role] < ROLE_RANK.Viewer || !this.access.canRead(c.id, "dashboard", d.uid)) return denied("dashboards:read");
            const v2Refused = legacyReadRefusal(p, d);
            if (v2Refused) return v2Refused;
            const folder = d.folderUid ? this.t.folder.get(`${d.orgId}/${d.folderUid}`) : undefined;
            const slug = slugify(d.title);
            // observed 10.0: {"meta","dashboard"}, meta first; the stored model plus id, uid and version, keys sorted
            return {
                status: 200,
                body: {
                    meta: {
                        type: "db",
                        canSave: true,
                        canEdit: true,
                        canAdmin: true,
                        canStar: true,
                        canDelete: true,
                        slug,
                        url: `/d/${d.uid}/${slug}`,
                        expires: "0001-01-01T00:00:00Z",
                        created: d.created,
                        updated: d.updated,
                        updatedBy: d.updatedBy,
                        createdBy: d.createdBy,
                        version: d.version,
                        hasAcl: false,
                        isFolder: false,
                        ...(p.numericFolderIds ? { folderId: folder?.id ?? 0 } : {}),
                        folderUid: d.folderUid,
                        folderTitle: folder?.title ?? "General",
                        folderUrl: folder ? `/dashboards/f/${folder.uid}/${slugify(folder.title)}` : "",
                        provisioned: false,
                        provisionedExternalId: "",
                        annotationsPermissions: {
                            dashboard: { canAdd: true, canEdit: true, canDelete: true },
                            organization: { canAdd: true, canEdit: true, canDelete: true },
                        },
                    },
                    dashboard: sortedKeys({ ...d.json, id: d.id, uid: d.uid, version: d.version }),
                },
            };
        });
        add("DELETE", "/api/dashboards/uid/:uid", role("Editor", "dashboards:delete"), (c) => {
            const d = this.t.dashboard.get(`${c.id.orgId}/${c.params.uid}`);
            if (!d) return dashNotFound();
            if (this.access.dashboardLevel(c.id, c.id.orgId, d.uid) < 2) return denied("dashboards:delete"); // access.ts: Edit on the dashboard
            this.t.dashboard.delete(d);
            this.t.dashver.deleteWhere((v) => v.orgId === d.orgId && v.uid === d.uid);
            // observed 10.0: {"id","message","title"}; the same in the 11.x docs (docs dashboard: delete dashboard by uid)
            return { status: 200, body: { id: d.id, message: `Dashboard ${d.title} deleted`, title: d.title } };
        });
        // docs dashboard_versions: newest first; 10.0 entries carry the model as "data" (seen on a real 10.0 in session 3)
        add("GET", "/api/dashboards/uid/:uid/versions", role("Editor", "dashboards:write"), (c) => {
            const d = this.t.dashboard.get(`${c.id.orgId}/${c.params.uid}`);
            if (!d) return dashNotFound();
            const limit = parseInt(c.query.get("limit") ?? "", 10) || 0;
            const list = this.t.dashver
                .filter((v) => v.orgId === d.orgId && v.uid === d.uid)
                .sort((a, b) => b.version - a.version)
                .slice(0, limit > 0 ? limit : undefined)
                .map((v) => versionDto(v, v10));
            return { status: 200, body: list };
        });
        add("GET", "/api/dashboards/uid/:uid/versions/:version", role("Editor", "dashboards:write"), (c) => {
            const v = this.t.dashver.get(`${c.id.orgId}/${c.params.uid}/${Number(c.params.version)}`);
            if (!v) return msgTrace(404, "Dashboard version not found"); // [unverified]
            return { status: 200, body: versionDto(v, true) };
        });
    }

    private saveDashboard(c: Ctx): Reply {
        const p = this.profile;
        const dash = c.body.dashboard;
        if (!isObject(dash)) return BAD_REQUEST;
        const v2Refused = legacySaveRefusal(p, dash);
        if (v2Refused) return v2Refused;
        const orgId = c.id.orgId;
        const title = (str(dash.title) ?? "").trim();
        // observed 10.0: 400 {"message":"Dashboard title cannot be empty","status":"empty-name"}
        if (!title) return { status: 400, body: { message: "Dashboard title cannot be empty", status: "empty-name" } };
        let uid = str(dash.uid) ?? "";
        if (uid && !/^[a-zA-Z0-9\-_]*$/.test(uid)) return msg(400, "uid contains illegal characters"); // [unverified]
        if (uid.length > 40) return msg(400, "uid too long, max 40 characters"); // observed 10.0
        const folderUid = str(c.body.folderUid) ?? "";
        // 12.0: "Dashboards: Prevent saving to a non-existent folder" (notes 12.0, #103503; {"message":"folder not found"},
        // status unverified); 11.x saved it anyway (the same PR); 10.0: no source, refused as 12 does [unverified]
        if (folderUid && !this.t.folder.get(`${orgId}/${folderUid}`) && (p.observed10 || compareVersion(p.version, "12.0.0") >= 0))
            return msg(400, "folder not found");
        const postedId = num(dash.id) ?? 0;
        const postedVersion = num(dash.version);
        const overwrite = c.body.overwrite === true;
        let byId: Dashboard | undefined;
        if (postedId > 0) {
            byId = this.t.dashboard.find((d) => d.orgId === orgId && d.id === postedId);
            if (!byId) return { status: 404, body: { status: "not-found", message: "Dashboard not found" } }; // [unverified]
            if (!uid) uid = byId.uid;
        }
        const byUid = uid ? this.t.dashboard.get(`${orgId}/${uid}`) : undefined;
        if (byId && byUid && byId !== byUid) return msg(400, "A dashboard with the same uid already exists"); // [unverified]
        if (!byId && uid && this.t.folder.get(`${orgId}/${uid}`)) return msg(400, "Dashboard type mismatch"); // [unverified]
        const existing = byId ?? byUid;
        const refused = this.access.saveRefused(c.id, folderUid, existing?.uid); // access.ts: Edit where it is saved
        if (refused) return refused;
        let version = 1;
        if (existing) {
            // observed 10.0: a stale version, or none with overwrite false -> 412 version-mismatch
            if (postedVersion !== existing.version && !overwrite) {
                return { status: 412, body: { message: "The dashboard has been changed by someone else", status: "version-mismatch" } };
            }
            version = existing.version + 1;
        }
        // observed 10.0: the same title in the same folder (another uid) -> 412 name-exists; removed in 11.3 (grafana/grafana#90687)
        const sameTitle = (d: Dashboard) =>
            d.orgId === orgId && d.uid !== existing?.uid && d.folderUid === folderUid && d.title.toLowerCase() === title.toLowerCase();
        if (p.uniqueDashboardTitles && this.t.dashboard.some(sameTitle)) {
            if (!overwrite)
                return { status: 412, body: { message: "A dashboard with the same name in the folder already exists", status: "name-exists" } };
            // overwrite: the same-title dashboard is replaced (docs dashboard: overwrite) [unverified]
            for (const d of this.t.dashboard.filter(sameTitle)) this.t.dashboard.delete(d);
        }
        // observed 10.0: a generated uid is a 36-character UUID; newer: short uids (user reports, see shortUid)
        if (!uid) uid = p.observed10 ? randomUUID() : shortUid();
        const id = existing ? existing.id : this.store.nextId("dashboard");
        const json: Record<string, unknown> = { ...dash, id, uid, version };
        // a migration raises an older schemaVersion; a newer model is not lowered
        const sv = num(json.schemaVersion) ?? 0;
        if (p.rewriteSchemaVersion !== undefined && sv < p.rewriteSchemaVersion) json.schemaVersion = p.rewriteSchemaVersion;
        const ts = nowIso();
        // observed 10.0: a save made with a service-account token is recorded as by "Anonymous"
        const by = c.id.kind === "user" ? c.id.login : p.observed10 ? "Anonymous" : c.id.login;
        const d: Dashboard = existing
            ? { ...existing, title, version, folderUid, json, updated: ts, updatedBy: by }
            : { id, uid, orgId, title, version, folderUid, json, created: ts, updated: ts, createdBy: by, updatedBy: by };
        delete d.v2; // the legacy API saves the classic model (apis.ts)
        this.t.dashboard.put(d);
        this.t.dashver.put({ orgId, uid, dashboardId: id, version, created: ts, createdBy: by, message: str(c.body.message) ?? "", json });
        // docs configuration [dashboards] versions_to_keep: default 20
        const old = this.t.dashver.filter((v) => v.orgId === orgId && v.uid === uid && v.version <= version - 20);
        for (const v of old) this.t.dashver.delete(v);
        const slug = slugify(title);
        // observed 10.0: {"id","slug","status":"success","uid","url","version"}; newer adds folderUid [unverified]
        return { status: 200, body: { id, slug, status: "success", uid, url: `/d/${uid}/${slug}`, version, ...(p.observed10 ? {} : { folderUid }) } };
    }
}

export type AddRoute = (method: string, pattern: string, access: Access, handle: (ctx: Ctx) => Reply, body?: boolean) => void;
export type RoleAccess = (r: Role, action: string) => Access;

function anonymous(): Identity {
    return { kind: "anonymous", userId: 0, login: "", isServerAdmin: false, orgId: 0, role: "None" };
}

/** One entry of a dashboard's version history (docs dashboard_versions); `withData`: the model as "data". */
function versionDto(v: DashboardVersion, withData: boolean): JsonObject {
    return {
        id: v.version,
        dashboardId: v.dashboardId,
        uid: v.uid,
        parentVersion: v.version - 1,
        restoredFrom: 0,
        version: v.version,
        created: v.created,
        createdBy: v.createdBy,
        message: v.message,
        ...(withData ? { data: sortedKeys(v.json) } : {}),
    };
}

function headerValue(v: string | string[] | undefined): string | undefined {
    return Array.isArray(v) ? v[0] : v;
}

function sniffTls(sock: Socket, server: http.Server): void {
    sock.once("error", () => sock.destroy());
    sock.once("readable", () => {
        const first = sock.read(1) as Buffer | null;
        if (first === null) {
            sock.destroy();
            return;
        }
        sock.unshift(first);
        if (first[0] === 0x16) {
            server.emit("connection", sock);
            return;
        }
        sock.end("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n");
    });
}

function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}

function matchSegments(pattern: string[], segs: string[]): Record<string, string> | undefined {
    if (pattern.length !== segs.length) return undefined;
    const params: Record<string, string> = {};
    for (let i = 0; i < pattern.length; i++) {
        const p = pattern[i];
        if (p.startsWith(":")) {
            try {
                params[p.slice(1)] = decodeURIComponent(segs[i]);
            } catch {
                return undefined;
            }
        } else if (p !== segs[i]) return undefined;
    }
    return params;
}

function send(res: http.ServerResponse, r: Reply): void {
    if (res.destroyed) return;
    const isText = typeof r.body === "string" && (r.headers?.["content-type"] ?? "").startsWith("text/");
    const payload = r.body === undefined ? "" : isText ? (r.body as string) : JSON.stringify(r.body);
    const headers: Record<string, string> = { "content-type": "application/json", ...(r.headers ?? {}) };
    headers["content-length"] = String(Buffer.byteLength(payload));
    res.writeHead(r.status, headers);
    res.end(payload);
}
