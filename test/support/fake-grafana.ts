/**
 * Loopback fake of the Grafana HTTP API (orgs, org users, legacy API keys,
 * service accounts, dashboards, folders) for fast provider tests.
 *
 * Status codes and bodies follow Grafana's handlers; each error carries a short
 * comment with its source. "response.Error(..., err)" in Grafana adds
 * "traceID" to the body when err != nil (pkg/api/response/response.go
 * writeLogLine); errutil errors are written as
 * {extra, message, messageId, statusCode, traceID} (observed on 11.x/12.x).
 *
 * Node `http` only; no dependencies.
 */
import * as http from 'http';
import * as https from 'https';
import { AddressInfo } from 'net';
import { randomBytes } from 'crypto';

export type ApiKeyMode = 'legacy' | 'gone410' | 'removed404'; // 10.x makes keys; 11.3+ answers 410 on POST /api/auth/keys; 12.1+ has no /api/auth/keys routes (404)
export interface FakeGrafanaOptions {
  adminUser?: string;
  adminPassword?: string;
  /** default: derived from version (<11.3 legacy, <12.1 gone410, else removed404) */
  apiKeys?: ApiKeyMode;
  version?: string;
  /** Rewrite schemaVersion on every save, as Grafana 12 does (grafana/grafana#104213). */
  rewriteSchemaVersion?: number;
  /** Serve HTTPS with this certificate (PEM); with `clientCa`, require a client certificate signed by it (TLS handshake fails without). */
  https?: { cert: string; key: string; clientCa?: string };
  /** Like a proxy in front: requests without these exact headers get 403 before reaching the API. */
  requireHeaders?: Record<string, string>;
  /** Refuse a second dashboard with the same title in a folder (412 name-exists), as Grafana before 11.3 does. */
  uniqueDashboardTitles?: boolean;
  /** Hold every request this long before answering (a remote or slow Grafana). */
  latencyMs?: number;
}
export interface Fault {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** apply the request to the state, then destroy the socket without answering (a client timeout / reset after the server committed) */
  applyThenReset?: boolean;
  /** apply the request to the state, then answer with `status`/`body` instead of the real reply (Grafana 10 on SQLite:
   *  "Database locked, sleeping then retrying" re-runs the transaction, whose re-run answers 412 although the first
   *  run applied the save) */
  applyThenStatus?: boolean;
  /** answer with this text as text/html (a proxy's or a wrong path's HTML page) */
  html?: string;
  /** destroy the socket without applying */
  reset?: boolean;
  delayMs?: number;
}
export interface RecordedRequest {
  method: string;
  /** path without query */
  path: string;
  orgHeader?: string;
  auth: 'basic' | 'bearer' | 'none';
  body?: unknown;
}

// ---------------------------------------------------------------------------
// internal model

type Role = 'Admin' | 'Editor' | 'Viewer' | 'None';
const ROLE_RANK: Record<Role, number> = { None: 0, Viewer: 1, Editor: 2, Admin: 3 };

interface User {
  id: number;
  login: string;
  email: string;
  name: string;
  password?: string;
  isServerAdmin: boolean;
  currentOrgId: number;
}
interface Org {
  id: number;
  name: string;
}
interface LegacyKey {
  id: number;
  orgId: number;
  name: string;
  role: Role;
  key: string;
  expires?: number; // epoch seconds
  created: string;
  /** set when the key authenticates a request (api_key.last_used_at) */
  lastUsedAt?: string;
}
interface SaToken {
  id: number;
  name: string;
  key: string;
  expires?: number;
  created: string;
}
interface ServiceAccount {
  id: number;
  uid: string;
  orgId: number;
  name: string;
  login: string;
  role: Role;
  isDisabled: boolean;
  created: string;
  updated: string;
  tokens: SaToken[];
}
interface Dashboard {
  id: number;
  uid: string;
  orgId: number;
  title: string;
  version: number;
  folderUid: string;
  json: Record<string, unknown>;
  created: string;
  updated: string;
}
interface Folder {
  id: number;
  uid: string;
  orgId: number;
  title: string;
  version: number;
  created: string;
  updated: string;
}

interface Identity {
  kind: 'user' | 'apikey' | 'sa';
  userId: number; // user id, api key id, or service account id
  login: string;
  isServerAdmin: boolean;
  basic: boolean;
  orgId: number;
  role: Role;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Ctx {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  body: Record<string, unknown>;
  id: Identity;
}

type Access =
  | { kind: 'public' }
  | { kind: 'serverAdmin'; action: string }
  | { kind: 'orgRole'; role: Role; action: string };

interface Route {
  method: string;
  segments: string[];
  access: Access;
  body?: boolean;
  handle: (ctx: Ctx) => Reply;
}

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
function isRole(v: unknown): v is Role {
  return v === 'Admin' || v === 'Editor' || v === 'Viewer' || v === 'None';
}
function nowIso(): string {
  return new Date().toISOString();
}
function randomAlnum(n: number): string {
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += chars[bytes[i] % chars.length];
  return out;
}
function slugify(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
function compareVersion(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

// --- body helpers -----------------------------------------------------------

/** response.Error(status, message, nil) -> {"message"} */
function msg(status: number, message: string): Reply {
  return { status, body: { message } };
}
/** response.Error(status, message, err) -> {"message","traceID"} (traceID added by NormalResponse.writeLogLine) */
function msgTrace(status: number, message: string): Reply {
  return { status, body: { message, traceID: '' } };
}
/** errutil.Error written by ReqContext.WriteErr / response.Err */
function errutil(status: number, messageId: string, message: string): Reply {
  return { status, body: { extra: null, message, messageId, statusCode: status, traceID: '' } };
}
/** accesscontrol middleware deny() (pkg/services/accesscontrol/middleware.go) */
function denied(action: string): Reply {
  return {
    status: 403,
    body: {
      accessErrorId: `ACE${Math.floor(Math.random() * 1e10)
        .toString()
        .padStart(10, '0')}`,
      message: `You'll need additional permissions to perform this action. Permissions needed: ${action}`,
      title: 'Access denied',
    },
  };
}
/** notFoundHandler for /api paths: c.JsonApiErr(404, "Not found", nil) (pkg/api/http_server.go / index.go) */
const NOT_FOUND: Reply = { status: 404, body: { message: 'Not found' } };
/** web.Bind failure in handlers: response.Error(400, "bad request data", err) */
const BAD_REQUEST: Reply = msgTrace(400, 'bad request data');

const STATUS_TEXT: Record<number, string> = http.STATUS_CODES as Record<number, string>;

interface QueuedFault {
  method?: string;
  path?: string | RegExp;
  fault: Fault;
}

export class FakeGrafana {
  readonly url: string;
  readonly requests: RecordedRequest[] = [];

  private readonly server: http.Server;
  private readonly requireHeaders: Record<string, string>;
  private readonly version: string;
  private readonly apiKeyMode: ApiKeyMode;
  private readonly rewriteSchemaVersion?: number;
  private readonly uniqueDashboardTitles: boolean;
  private readonly latencyMs: number;
  private readonly inFlight = new Map<string, number>();
  private readonly peakInFlight = new Map<string, number>();
  private readonly faults: QueuedFault[] = [];
  private readonly sockets = new Set<import('net').Socket>();

  private users = new Map<number, User>();
  private orgMap = new Map<number, Org>();
  private members = new Map<number, Map<number, Role>>(); // orgId -> userId -> role
  private legacyKeys: LegacyKey[] = [];
  private sas: ServiceAccount[] = [];
  private dashes: Dashboard[] = [];
  private folders: Folder[] = [];

  private nextUserId = 1; // users and service accounts share the user table
  private nextOrgId = 1;
  private nextKeyId = 1; // api keys and SA tokens share the api_key table
  private nextDashId = 1; // dashboards and folders share the dashboard table

  private readonly routes: Route[];

  private constructor(server: http.Server, opts: FakeGrafanaOptions) {
    this.server = server;
    this.requireHeaders = opts.requireHeaders ?? {};
    this.version = opts.version ?? '12.1.0';
    this.rewriteSchemaVersion = opts.rewriteSchemaVersion;
    this.uniqueDashboardTitles = opts.uniqueDashboardTitles ?? false;
    this.latencyMs = opts.latencyMs ?? 0;
    this.apiKeyMode =
      opts.apiKeys ??
      (compareVersion(this.version, '11.3.0') < 0
        ? 'legacy'
        : compareVersion(this.version, '12.1.0') < 0
          ? 'gone410'
          : 'removed404');
    const addr = server.address() as AddressInfo;
    this.url = `${opts.https ? 'https' : 'http'}://127.0.0.1:${addr.port}`;

    const admin: User = {
      id: this.nextUserId++,
      login: opts.adminUser ?? 'admin',
      email: 'admin@localhost',
      name: '',
      password: opts.adminPassword ?? 'admin',
      isServerAdmin: true,
      currentOrgId: 1,
    };
    this.users.set(admin.id, admin);
    const main: Org = { id: this.nextOrgId++, name: 'Main Org.' };
    this.orgMap.set(main.id, main);
    this.members.set(main.id, new Map([[admin.id, 'Admin']]));
    this.routes = this.buildRoutes();
  }

  static async start(opts: FakeGrafanaOptions = {}): Promise<FakeGrafana> {
    const t = opts.https;
    const server: http.Server = t
      ? https.createServer({ cert: t.cert, key: t.key, ca: t.clientCa, requestCert: !!t.clientCa, rejectUnauthorized: !!t.clientCa })
      : http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const fake = new FakeGrafana(server, opts);
    server.on('connection', (s) => {
      fake.sockets.add(s);
      s.on('close', () => fake.sockets.delete(s));
    });
    server.on('request', (req, res) => {
      fake.onRequest(req, res).catch((e: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: `fake-grafana internal error: ${String(e)}` }));
        }
      });
    });
    return fake;
  }

  inject(match: { method?: string; path?: string | RegExp }, ...faults: Fault[]): void {
    for (const fault of faults) this.faults.push({ method: match.method?.toUpperCase(), path: match.path, fault });
  }

  addUser(login: string, opts: { email?: string; password?: string } = {}): number {
    const u: User = {
      id: this.nextUserId++,
      login,
      email: opts.email ?? `${login}@localhost`,
      name: login,
      password: opts.password,
      isServerAdmin: false,
      currentOrgId: 1,
    };
    this.users.set(u.id, u);
    this.membersOf(1).set(u.id, 'Viewer');
    return u.id;
  }

  orgs(): { id: number; name: string }[] {
    return [...this.orgMap.values()].map((o) => ({ id: o.id, name: o.name }));
  }

  orgUsers(orgId: number): { userId: number; login: string; role: string }[] {
    const m = this.members.get(orgId);
    if (!m) return [];
    return [...m.entries()].map(([userId, role]) => ({ userId, login: this.users.get(userId)?.login ?? '', role }));
  }

  resetPeaks(): void {
    this.peakInFlight.clear();
  }

  /** Most requests of `METHOD path` the fake held at the same time (since resetPeaks). */
  maxInFlight(method: string, path: string): number {
    return this.peakInFlight.get(`${method} ${path}`) ?? 0;
  }

  /** Test hook: as if every legacy key of the org had authenticated a request. */
  markApiKeysUsed(orgId: number): void {
    for (const k of this.legacyKeys) if (k.orgId === orgId) k.lastUsedAt = nowIso();
  }

  apiKeys(orgId: number): { id: number; name: string; role: string }[] {
    return this.legacyKeys.filter((k) => k.orgId === orgId).map((k) => ({ id: k.id, name: k.name, role: k.role }));
  }

  serviceAccounts(orgId: number): { id: number; name: string; role: string; tokens: { id: number; name: string }[] }[] {
    return this.sas
      .filter((s) => s.orgId === orgId)
      .map((s) => ({ id: s.id, name: s.name, role: s.role, tokens: s.tokens.map((t) => ({ id: t.id, name: t.name })) }));
  }

  dashboards(orgId: number): { uid: string; id: number; version: number; folderUid: string; json: Record<string, unknown> }[] {
    return this.dashes
      .filter((d) => d.orgId === orgId)
      .map((d) => ({ uid: d.uid, id: d.id, version: d.version, folderUid: d.folderUid, json: structuredClone(d.json) }));
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // -------------------------------------------------------------------------
  // request pipeline

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const method = (req.method ?? 'GET').toUpperCase();
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = u.pathname;
    const authz = req.headers['authorization'] ?? '';
    const orgHeader = headerValue(req.headers['x-grafana-org-id']);

    let parsed: unknown;
    let parseOk = true;
    if (raw.trim() !== '') {
      try {
        parsed = JSON.parse(raw) as unknown;
      } catch {
        parseOk = false;
        parsed = raw;
      }
    }
    const rec: RecordedRequest = {
      method,
      path,
      auth: /^basic /i.test(authz) ? 'basic' : /^bearer /i.test(authz) ? 'bearer' : 'none',
    };
    if (orgHeader !== undefined) rec.orgHeader = orgHeader;
    if (parsed !== undefined) rec.body = parsed;
    this.requests.push(rec);

    for (const [name, value] of Object.entries(this.requireHeaders)) {
      if (headerValue(req.headers[name.toLowerCase()]) !== value) {
        // what our test nginx answers (test/e2e/tls.test.ts): plain text, not Grafana's JSON
        res.writeHead(403, { 'content-type': 'text/plain' });
        res.end(`missing or wrong ${name} header\n`);
        return;
      }
    }

    const flightKey = `${method} ${path}`;
    const now = (this.inFlight.get(flightKey) ?? 0) + 1;
    this.inFlight.set(flightKey, now);
    this.peakInFlight.set(flightKey, Math.max(now, this.peakInFlight.get(flightKey) ?? 0));
    res.on('close', () => this.inFlight.set(flightKey, (this.inFlight.get(flightKey) ?? 1) - 1));
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const fault = this.takeFault(method, path);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.reset) {
      req.socket.destroy();
      return;
    }
    if (fault?.html !== undefined) {
      res.writeHead(fault.status ?? 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(fault.html);
      return;
    }
    if (fault && fault.status !== undefined && !fault.applyThenReset && !fault.applyThenStatus) {
      const body = fault.body !== undefined ? fault.body : { message: STATUS_TEXT[fault.status] ?? 'error' };
      send(res, { status: fault.status, body, headers: fault.headers });
      return;
    }

    const reply = this.dispatch(method, path, u.searchParams, req, parsed, parseOk);
    if (fault?.applyThenReset) {
      req.socket.destroy();
      return;
    }
    if (fault?.applyThenStatus && fault.status !== undefined) {
      send(res, { status: fault.status, body: fault.body !== undefined ? fault.body : { message: STATUS_TEXT[fault.status] ?? 'error' } });
      return;
    }
    send(res, reply);
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const i = this.faults.findIndex(
      (f) =>
        (f.method === undefined || f.method === method) &&
        (f.path === undefined || (typeof f.path === 'string' ? f.path === path : f.path.test(path))),
    );
    if (i < 0) return undefined;
    return this.faults.splice(i, 1)[0].fault;
  }

  private dispatch(
    method: string,
    path: string,
    query: URLSearchParams,
    req: http.IncomingMessage,
    parsed: unknown,
    parseOk: boolean,
  ): Reply {
    const segs = path.split('/').filter((s) => s !== '');
    let route: Route | undefined;
    let params: Record<string, string> = {};
    for (const r of this.routes) {
      if (r.method !== method) continue;
      const p = matchSegments(r.segments, segs);
      if (p) {
        route = r;
        params = p;
        break;
      }
    }
    // Unknown routes (and removed ones, e.g. /api/auth/keys in 12.1+) hit the
    // notFoundHandler before any auth check: {"message":"Not found"}.
    if (!route) return NOT_FOUND;

    if (route.access.kind === 'public') {
      return route.handle({ method, path, query, params, body: {}, id: anonymous() });
    }

    const auth = this.authenticate(req, query);
    if ('status' in auth) return auth;
    const id = auth;

    if (route.access.kind === 'serverAdmin') {
      // Server-admin routes (/api/orgs*, /api/users/lookup): only a Grafana server
      // admin user has the global permission; keys/SA tokens are org-scoped.
      if (!(id.kind === 'user' && id.isServerAdmin)) return denied(route.access.action);
    } else if (ROLE_RANK[id.role] < ROLE_RANK[route.access.role]) {
      return denied(route.access.action);
    }

    let body: Record<string, unknown> = {};
    if (route.body) {
      if (!parseOk) return BAD_REQUEST; // web.Bind JSON decode error
      if (parsed !== undefined) {
        if (!isObject(parsed)) return BAD_REQUEST;
        body = parsed;
      }
    }
    return route.handle({ method, path, query, params, body, id });
  }

  // -------------------------------------------------------------------------
  // authentication (pkg/services/authn)

  private authenticate(req: http.IncomingMessage, query: URLSearchParams): Identity | Reply {
    const authz = req.headers['authorization'] ?? '';
    // orgIDFromRequest: ?targetOrgId= first, then X-Grafana-Org-Id (authnimpl/service.go)
    let reqOrg = 0;
    const q = parseInt(query.get('targetOrgId') ?? '', 10);
    if (q > 0) reqOrg = q;
    else {
      const h = parseInt(headerValue(req.headers['x-grafana-org-id']) ?? '', 10);
      if (Number.isFinite(h)) reqOrg = h;
    }

    let token: string | undefined;
    if (/^bearer /i.test(authz)) token = authz.slice(7).trim();
    else if (/^basic /i.test(authz)) {
      const decoded = Buffer.from(authz.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) {
        // clients/basic.go errDecodingBasicAuthHeader
        return errutil(400, 'basic-auth.invalid-header', 'Invalid Basic Auth Header');
      }
      const login = decoded.slice(0, colon);
      const password = decoded.slice(colon + 1);
      if (login === 'api_key') token = password; // clients/api_key.go getTokenFromRequest
      else return this.authenticateBasic(login, password, reqOrg);
    }
    if (token === undefined || token === '') {
      // authnimpl/service.go errCantAuthenticateReq = errutil.Unauthorized("auth.unauthorized")
      return errutil(401, 'auth.unauthorized', 'Unauthorized');
    }
    return this.authenticateToken(token, reqOrg);
  }

  private authenticateBasic(login: string, password: string, reqOrg: number): Identity | Reply {
    const user = [...this.users.values()].find((u) => u.login === login || u.email === login);
    if (!user || user.password === undefined || user.password !== password || password === '') {
      // clients/password.go errPasswordAuthFailed "Invalid username or password";
      // observed on the wire as 401 {"message":"Invalid username or password","messageId":"password-auth.failed","statusCode":401,...}
      return errutil(401, 'password-auth.failed', 'Invalid username or password');
    }
    const orgId = reqOrg > 0 ? reqOrg : user.currentOrgId;
    const role = this.members.get(orgId)?.get(user.id);
    // userimpl/store.go GetSignedInUser: not a member -> OrgID=-1, no role;
    // later RBAC checks deny (403). [newer behaviour unverified]
    return {
      kind: 'user',
      userId: user.id,
      login: user.login,
      isServerAdmin: user.isServerAdmin,
      basic: true,
      orgId: role ? orgId : -1,
      role: role ?? 'None',
    };
  }

  private authenticateToken(token: string, reqOrg: number): Identity | Reply {
    const nowSec = Date.now() / 1000;
    const legacy = this.apiKeyMode === 'removed404' ? undefined : this.legacyKeys.find((k) => k.key === token);
    let found: { orgId: number; expires?: number; identity: Omit<Identity, 'orgId'> } | undefined;
    if (legacy) {
      legacy.lastUsedAt = nowIso();
      found = {
        orgId: legacy.orgId,
        expires: legacy.expires,
        identity: { kind: 'apikey', userId: legacy.id, login: `api-key-${legacy.id}`, isServerAdmin: false, basic: false, role: legacy.role },
      };
    } else {
      for (const sa of this.sas) {
        const t = sa.tokens.find((x) => x.key === token);
        if (t) {
          if (sa.isDisabled) {
            // authnimpl/service.go errDisabledIdentity = errutil.Unauthorized("identity.disabled") [public message unverified]
            return errutil(401, 'identity.disabled', 'Unauthorized');
          }
          found = {
            orgId: sa.orgId,
            expires: t.expires,
            identity: { kind: 'sa', userId: sa.id, login: sa.login, isServerAdmin: false, basic: false, role: sa.role },
          };
          break;
        }
      }
    }
    // clients/api_key.go: errAPIKeyInvalid / errAPIKeyExpired / errAPIKeyOrgMismatch
    if (!found) return errutil(401, 'api-key.invalid', 'Invalid API key');
    if (found.expires !== undefined && found.expires <= nowSec) return errutil(401, 'api-key.expired', 'Expired API key');
    const orgId = reqOrg > 0 ? reqOrg : found.orgId;
    if (orgId !== found.orgId) {
      return errutil(401, 'api-key.organization-mismatch', 'API key does not belong to the requested organization');
    }
    return { ...found.identity, orgId };
  }

  // -------------------------------------------------------------------------
  // helpers on state

  private membersOf(orgId: number): Map<number, Role> {
    let m = this.members.get(orgId);
    if (!m) {
      m = new Map();
      this.members.set(orgId, m);
    }
    return m;
  }

  private orgDetails(o: Org): JsonObject {
    return {
      id: o.id,
      name: o.name,
      address: { address1: '', address2: '', city: '', zipCode: '', state: '', country: '' },
    };
  }

  private saDto(sa: ServiceAccount): JsonObject {
    return {
      id: sa.id,
      uid: sa.uid,
      name: sa.name,
      login: sa.login,
      orgId: sa.orgId,
      isDisabled: sa.isDisabled,
      role: sa.role,
      tokens: sa.tokens.length,
      avatarUrl: '/avatar/00000000000000000000000000000000',
    };
  }

  private saProfile(sa: ServiceAccount): JsonObject {
    return {
      id: sa.id,
      uid: sa.uid,
      name: sa.name,
      login: sa.login,
      orgId: sa.orgId,
      isDisabled: sa.isDisabled,
      createdAt: sa.created,
      updatedAt: sa.updated,
      avatarUrl: '/avatar/00000000000000000000000000000000',
      role: sa.role,
      teams: [],
      tokens: sa.tokens.length,
    };
  }

  private findSa(orgId: number, idStr: string): ServiceAccount | undefined {
    const id = Number(idStr);
    return this.sas.find((s) => s.orgId === orgId && s.id === id);
  }

  private deleteOrgCascade(orgId: number): void {
    this.orgMap.delete(orgId);
    this.members.delete(orgId);
    this.legacyKeys = this.legacyKeys.filter((k) => k.orgId !== orgId);
    this.sas = this.sas.filter((s) => s.orgId !== orgId);
    this.dashes = this.dashes.filter((d) => d.orgId !== orgId);
    this.folders = this.folders.filter((f) => f.orgId !== orgId);
    for (const u of this.users.values()) {
      if (u.currentOrgId === orgId) {
        const other = [...this.members.entries()].find(([, m]) => m.has(u.id));
        u.currentOrgId = other ? other[0] : 1;
      }
    }
  }

  // -------------------------------------------------------------------------
  // routes

  private buildRoutes(): Route[] {
    const routes: Route[] = [];
    const add = (method: string, pattern: string, access: Access, handle: (ctx: Ctx) => Reply, body = false): void => {
      routes.push({ method, segments: pattern.split('/').filter((s) => s !== ''), access, handle, body });
    };
    const pub: Access = { kind: 'public' };
    const sa = (action: string): Access => ({ kind: 'serverAdmin', action });
    const role = (r: Role, action: string): Access => ({ kind: 'orgRole', role: r, action });

    add('GET', '/api/health', pub, () => ({
      status: 200,
      body: { commit: 'fake', database: 'ok', version: this.version },
    }));

    // --- current org (pkg/api/org.go GetCurrentOrg) ---
    add('GET', '/api/org', role('Viewer', 'orgs:read'), (c) => {
      const o = this.orgMap.get(c.id.orgId);
      if (!o) return msgTrace(404, 'Organization not found'); // pkg/api/org.go getOrgHelper
      return { status: 200, body: this.orgDetails(o) };
    });

    // --- orgs (pkg/api/org.go; docs http_api/org.md) ---
    add('GET', '/api/orgs', sa('orgs:read'), (c) => {
      const name = c.query.get('name');
      const q = (c.query.get('query') ?? '').toLowerCase();
      const list = [...this.orgMap.values()]
        .filter((o) => (name ? o.name === name : true) && (q ? o.name.toLowerCase().includes(q) : true))
        .map((o) => ({ id: o.id, name: o.name }));
      return { status: 200, body: list };
    });
    add(
      'POST',
      '/api/orgs',
      sa('orgs:create'),
      (c) => {
        const name = str(c.body.name);
        if (!name) return BAD_REQUEST; // CreateOrgCommand Name binding:"Required"
        if ([...this.orgMap.values()].some((o) => o.name === name)) {
          return msgTrace(409, 'Organization name taken'); // pkg/api/org.go CreateOrg: 409 on org.ErrOrgNameTaken
        }
        const o: Org = { id: this.nextOrgId++, name };
        this.orgMap.set(o.id, o);
        // orgService.CreateWithMember: creator becomes Admin
        if (c.id.kind === 'user') this.membersOf(o.id).set(c.id.userId, 'Admin');
        else this.membersOf(o.id);
        return { status: 200, body: { orgId: o.id, message: 'Organization created' } };
      },
      true,
    );
    add('GET', '/api/orgs/name/:name', sa('orgs:read'), (c) => {
      const o = [...this.orgMap.values()].find((x) => x.name === c.params.name);
      if (!o) return msgTrace(404, 'Organization not found'); // pkg/api/org.go GetOrgByName
      return { status: 200, body: this.orgDetails(o) };
    });
    add('GET', '/api/orgs/:orgId', sa('orgs:read'), (c) => {
      const o = this.orgMap.get(Number(c.params.orgId));
      if (!o) return msgTrace(404, 'Organization not found'); // pkg/api/org.go getOrgHelper
      return { status: 200, body: this.orgDetails(o) };
    });
    add(
      'PUT',
      '/api/orgs/:orgId',
      sa('orgs:write'),
      (c) => {
        const name = str(c.body.name);
        if (!name) return BAD_REQUEST; // UpdateOrgForm Name binding:"Required"
        const o = this.orgMap.get(Number(c.params.orgId));
        if ([...this.orgMap.values()].some((x) => x.name === name && x.id !== o?.id)) {
          return msgTrace(400, 'Organization name taken'); // pkg/api/org.go updateOrgHelper: 400 (not 409)
        }
        // unknown id: store update affects 0 rows -> ErrOrgNotFound -> 404 on 10.4+/12.x
        // (10.0-10.3 answered 403; grafana-client test_organization.py)
        if (!o) return msgTrace(404, 'Organization not found'); // [12.x message unverified]
        o.name = name;
        return { status: 200, body: { message: 'Organization updated' } };
      },
      true,
    );
    add('DELETE', '/api/orgs/:orgId', sa('orgs:delete'), (c) => {
      const orgId = Number(c.params.orgId);
      if (!Number.isInteger(orgId)) return msgTrace(400, 'orgId is invalid'); // pkg/api/org.go DeleteOrgByID
      // pkg/api/org.go DeleteOrgByID: current-org guard; 12.x text per grafana-client
      // test_organization.py ("Cannot delete your active organization"; <12: "Can not delete org for current user")
      if (orgId === c.id.orgId) {
        return msg(
          400,
          compareVersion(this.version, '12.0.0') >= 0
            ? 'Cannot delete your active organization'
            : 'Can not delete org for current user',
        );
      }
      if (!this.orgMap.has(orgId)) return msg(404, 'Failed to delete organization. ID not found'); // pkg/api/org.go
      this.deleteOrgCascade(orgId);
      return { status: 200, body: { message: 'Organization deleted' } };
    });

    // --- org users (pkg/api/org_users.go) ---
    add('GET', '/api/orgs/:orgId/users', sa('org.users:read'), (c) => {
      const orgId = Number(c.params.orgId);
      const list = [...(this.members.get(orgId)?.entries() ?? [])].map(([userId, r]) => {
        const u = this.users.get(userId);
        return {
          orgId,
          userId,
          email: u?.email ?? '',
          name: u?.name ?? '',
          avatarUrl: '/avatar/00000000000000000000000000000000',
          login: u?.login ?? '',
          role: r,
          lastSeenAt: nowIso(),
          lastSeenAtAge: '< 1 minute',
          authLabels: [],
          isDisabled: false,
          isExternallySynced: false,
          isProvisioned: false,
        };
      });
      return { status: 200, body: list };
    });
    add(
      'POST',
      '/api/orgs/:orgId/users',
      sa('org.users:add'),
      (c) => {
        const orgId = Number(c.params.orgId);
        const loginOrEmail = str(c.body.loginOrEmail);
        if (!loginOrEmail) return BAD_REQUEST; // AddOrgUserCommand LoginOrEmail binding:"Required"
        if (!isRole(c.body.role)) return msg(400, 'Invalid role specified'); // org_users.go addOrgUserHelper
        const u = [...this.users.values()].find((x) => x.login === loginOrEmail || x.email === loginOrEmail);
        if (!u) return msg(404, 'User not found'); // org_users.go addOrgUserHelper
        const m = this.members.get(orgId);
        if (m?.has(u.id)) {
          // org_users.go: 409 with userId
          return { status: 409, body: { message: 'User is already member of this organization', userId: u.id } };
        }
        // orgimpl store AddOrgUser: org must exist -> ErrOrgNotFound -> 500
        if (!this.orgMap.has(orgId)) return msgTrace(500, 'Could not add user to organization');
        this.membersOf(orgId).set(u.id, c.body.role);
        return { status: 200, body: { message: 'User added to organization', userId: u.id } };
      },
      true,
    );
    add(
      'PATCH',
      '/api/orgs/:orgId/users/:userId',
      sa('org.users:write'),
      (c) => {
        const orgId = Number(c.params.orgId);
        const userId = Number(c.params.userId);
        if (!isRole(c.body.role)) return msg(400, 'Invalid role specified'); // org_users.go updateOrgUserHelper
        const m = this.members.get(orgId);
        // store UpdateOrgUser: ErrOrgUserNotFound -> 500 "Failed update org user" (org_users.go; notes §2)
        if (!m || !m.has(userId)) return msgTrace(500, 'Failed update org user');
        const before = m.get(userId);
        if (before === 'Admin' && c.body.role !== 'Admin' && [...m.values()].filter((r) => r === 'Admin').length <= 1) {
          return msg(400, 'Cannot change role so that there is no organization admin left'); // org_users.go
        }
        m.set(userId, c.body.role);
        return { status: 200, body: { message: 'Organization user updated' } };
      },
      true,
    );
    add('DELETE', '/api/orgs/:orgId/users/:userId', sa('org.users:remove'), (c) => {
      const orgId = Number(c.params.orgId);
      const userId = Number(c.params.userId);
      // store RemoveOrgUser: unknown user -> user.ErrUserNotFound -> 500 (org_users.go removeOrgUserHelper)
      if (!this.users.has(userId)) return msgTrace(500, 'Failed to remove user from organization');
      const m = this.members.get(orgId);
      const remaining = [...(m?.entries() ?? [])].filter(([id]) => id !== userId);
      // store validateOneAdminLeftInOrg after the delete -> ErrLastOrgAdmin -> 400 (org_users.go).
      // A user that is not a member is a no-op delete: 200 while an admin remains. [unverified on 12.x]
      if (!remaining.some(([, r]) => r === 'Admin')) return msg(400, 'Cannot remove last organization admin');
      m?.delete(userId);
      return { status: 200, body: { message: 'User removed from organization' } };
    });
    add('GET', '/api/users/lookup', sa('users:read'), (c) => {
      const q = c.query.get('loginOrEmail') ?? '';
      const u = [...this.users.values()].find((x) => x.login === q || x.email === q);
      if (!u) return msg(404, 'user not found'); // pkg/api/user.go GetUserByLoginOrEmail: user.ErrUserNotFound.Error()
      return {
        status: 200,
        body: {
          id: u.id,
          email: u.email,
          name: u.name,
          login: u.login,
          theme: '',
          orgId: u.currentOrgId,
          isGrafanaAdmin: u.isServerAdmin,
          isDisabled: false,
          isExternal: false,
          authLabels: [],
          updatedAt: nowIso(),
          createdAt: nowIso(),
          avatarUrl: '/avatar/00000000000000000000000000000000',
        },
      };
    });

    // --- legacy API keys (pkg/api/apikey.go; docs http_api/auth.md) ---
    if (this.apiKeyMode !== 'removed404') {
      add('GET', '/api/auth/keys', role('Admin', 'apikeys:read'), (c) => ({
        status: 200,
        body: this.legacyKeys
          .filter((k) => k.orgId === c.id.orgId)
          .filter((k) => c.query.get('includeExpired') === 'true' || k.expires === undefined || k.expires > Date.now() / 1000)
          .map((k) => ({
            id: k.id,
            name: k.name,
            role: k.role,
            expiration: k.expires !== undefined ? new Date(k.expires * 1000).toISOString() : undefined,
            lastUsedAt: k.lastUsedAt ?? null,
          })),
      }));
      add(
        'POST',
        '/api/auth/keys',
        role('Admin', 'apikeys:create'),
        (c) => {
          if (this.apiKeyMode === 'gone410') {
            // apikey.go AddAPIKey (11.3+, PR #92144)
            return msg(
              410,
              'this endpoint has been removed, please use POST /api/serviceaccounts and POST /api/serviceaccounts/{id}/tokens instead',
            );
          }
          const name = str(c.body.name);
          if (!name) return BAD_REQUEST; // AddCommand Name binding:"Required"
          if (!isRole(c.body.role)) return msg(400, 'Invalid role specified'); // apikey.go AddAPIKey
          if (ROLE_RANK[c.body.role] > ROLE_RANK[c.id.role] && !c.id.isServerAdmin) {
            return msg(403, "Cannot assign a role higher than user's role"); // apikey.go AddAPIKey
          }
          const ttl = num(c.body.secondsToLive) ?? 0;
          if (ttl < 0) return msg(400, 'negative value for SecondsToLive'); // apikey.ErrInvalidExpiration
          if (this.legacyKeys.some((k) => k.orgId === c.id.orgId && k.name === name)) {
            return msg(409, 'API key, organization ID and name must be unique'); // apikey.ErrDuplicate
          }
          const secret = randomAlnum(32);
          // apikeygen: base64 of {"k":secret,"n":name,"id":orgId}
          const key = Buffer.from(JSON.stringify({ k: secret, n: name, id: c.id.orgId })).toString('base64');
          const k: LegacyKey = {
            id: this.nextKeyId++,
            orgId: c.id.orgId,
            name,
            role: c.body.role,
            key,
            expires: ttl > 0 ? Math.floor(Date.now() / 1000) + ttl : undefined,
            created: nowIso(),
          };
          this.legacyKeys.push(k);
          return { status: 200, body: { id: k.id, name: k.name, key } };
        },
        true,
      );
      add('DELETE', '/api/auth/keys/:id', role('Admin', 'apikeys:delete'), (c) => {
        const id = Number(c.params.id);
        if (!Number.isInteger(id)) return msgTrace(400, 'id is invalid'); // apikey.go DeleteAPIKey
        const i = this.legacyKeys.findIndex((k) => k.id === id && k.orgId === c.id.orgId);
        if (i < 0) return msgTrace(404, 'Failed to delete API key'); // apikey.go DeleteAPIKey: apikey.ErrNotFound -> 404
        this.legacyKeys.splice(i, 1);
        return { status: 200, body: { message: 'API key deleted' } };
      });
    }

    // --- service accounts (pkg/services/serviceaccounts/api/{api,token}.go; errors in serviceaccounts/models.go) ---
    const saNotFound = (): Reply => errutil(404, 'serviceaccounts.ErrNotFound', 'service account not found');
    add('GET', '/api/serviceaccounts/search', role('Admin', 'serviceaccounts:read'), (c) => {
      const q = (c.query.get('query') ?? '').toLowerCase();
      const perPage = parseInt(c.query.get('perpage') ?? '', 10) || 1000;
      const page = parseInt(c.query.get('page') ?? '', 10) || 1;
      const all = this.sas
        .filter((s) => s.orgId === c.id.orgId)
        .filter((s) => !q || s.name.toLowerCase().includes(q) || s.login.toLowerCase().includes(q));
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
    add(
      'POST',
      '/api/serviceaccounts',
      role('Admin', 'serviceaccounts:create'),
      (c) => {
        const name = str(c.body.name);
        if (!name) return BAD_REQUEST; // CreateServiceAccountForm Name binding:"Required"
        const r = c.body.role === undefined ? 'Viewer' : c.body.role;
        if (!isRole(r)) return errutil(400, 'serviceaccounts.ErrInvalidRoleSpecified', 'invalid role specified');
        if (ROLE_RANK[r] > ROLE_RANK[c.id.role] && !c.id.isServerAdmin) {
          return errutil(403, 'serviceaccounts.ErrRoleForbidden', "can not assign a role higher than user's role");
        }
        const login = `sa-${c.id.orgId}-${slugify(name)}`;
        if (this.sas.some((s) => s.orgId === c.id.orgId && (s.name === name || s.login === login))) {
          return errutil(400, 'serviceaccounts.ErrAlreadyExists', 'service account already exists');
        }
        const s: ServiceAccount = {
          id: this.nextUserId++,
          uid: randomAlnum(14).toLowerCase(),
          orgId: c.id.orgId,
          name,
          login,
          role: r,
          isDisabled: c.body.isDisabled === true,
          created: nowIso(),
          updated: nowIso(),
          tokens: [],
        };
        this.sas.push(s);
        return { status: 201, body: this.saDto(s) };
      },
      true,
    );
    add('GET', '/api/serviceaccounts/:id', role('Admin', 'serviceaccounts:read'), (c) => {
      const s = this.findSa(c.id.orgId, c.params.id);
      if (!s) return saNotFound();
      return { status: 200, body: this.saProfile(s) };
    });
    add(
      'PATCH',
      '/api/serviceaccounts/:id',
      role('Admin', 'serviceaccounts:write'),
      (c) => {
        const s = this.findSa(c.id.orgId, c.params.id);
        if (!s) return saNotFound();
        const name = str(c.body.name);
        if (c.body.role !== undefined && !isRole(c.body.role)) {
          return errutil(400, 'serviceaccounts.ErrInvalidRoleSpecified', 'invalid role specified');
        }
        if (name !== undefined && this.sas.some((x) => x !== s && x.orgId === s.orgId && x.name === name)) {
          return errutil(400, 'serviceaccounts.ErrAlreadyExists', 'service account already exists');
        }
        if (name !== undefined) s.name = name;
        if (isRole(c.body.role)) s.role = c.body.role;
        if (typeof c.body.isDisabled === 'boolean') s.isDisabled = c.body.isDisabled;
        s.updated = nowIso();
        return {
          status: 200,
          body: { message: 'Service account updated', id: s.id, name: s.name, serviceaccount: this.saProfile(s) },
        };
      },
      true,
    );
    add('DELETE', '/api/serviceaccounts/:id', role('Admin', 'serviceaccounts:delete'), (c) => {
      const s = this.findSa(c.id.orgId, c.params.id);
      if (!s) return saNotFound();
      this.sas = this.sas.filter((x) => x !== s);
      return { status: 200, body: { message: 'Service account deleted' } };
    });
    add('GET', '/api/serviceaccounts/:id/tokens', role('Admin', 'serviceaccounts:read'), (c) => {
      const s = this.findSa(c.id.orgId, c.params.id);
      if (!s) return saNotFound();
      const now = Date.now() / 1000;
      return {
        status: 200,
        body: s.tokens.map((t) => ({
          id: t.id,
          name: t.name,
          created: t.created,
          lastUsedAt: null,
          expiration: t.expires !== undefined ? new Date(t.expires * 1000).toISOString() : null,
          secondsUntilExpiration: t.expires !== undefined ? Math.max(0, t.expires - now) : 0,
          hasExpired: t.expires !== undefined && t.expires <= now,
          isRevoked: false,
        })),
      };
    });
    add(
      'POST',
      '/api/serviceaccounts/:id/tokens',
      role('Admin', 'serviceaccounts:write'),
      (c) => {
        const s = this.findSa(c.id.orgId, c.params.id);
        if (!s) return saNotFound();
        const name = str(c.body.name);
        if (!name) return BAD_REQUEST; // AddServiceAccountTokenCommand Name binding:"Required"
        const ttl = num(c.body.secondsToLive) ?? 0;
        if (ttl < 0) return errutil(400, 'serviceaccounts.ErrInvalidInput', 'invalid SecondsToLive value');
        // token names are unique per org (api_key table org_id+name)
        const dup =
          this.sas.some((x) => x.orgId === s.orgId && x.tokens.some((t) => t.name === name)) ||
          this.legacyKeys.some((k) => k.orgId === s.orgId && k.name === name);
        if (dup) {
          return errutil(
            400,
            'serviceaccounts.ErrTokenAlreadyExists',
            'service account token with given name already exists in the organization',
          );
        }
        const key = `glsa_${randomAlnum(32)}_${randomBytes(4).toString('hex')}`;
        const t: SaToken = {
          id: this.nextKeyId++,
          name,
          key,
          expires: ttl > 0 ? Math.floor(Date.now() / 1000) + ttl : undefined,
          created: nowIso(),
        };
        s.tokens.push(t);
        return { status: 200, body: { id: t.id, name: t.name, key } };
      },
      true,
    );
    add('DELETE', '/api/serviceaccounts/:id/tokens/:tokenId', role('Admin', 'serviceaccounts:write'), (c) => {
      const s = this.findSa(c.id.orgId, c.params.id);
      if (!s) return saNotFound();
      const tokenId = Number(c.params.tokenId);
      const i = s.tokens.findIndex((t) => t.id === tokenId);
      // serviceaccounts.ErrServiceAccountTokenNotFound [exact handler path unverified]
      if (i < 0) return errutil(404, 'serviceaccounts.ErrTokenNotFound', 'service account token not found');
      s.tokens.splice(i, 1);
      return { status: 200, body: { message: 'Service account token deleted' } };
    });

    // --- folders (docs http_api/folder.md) ---
    add(
      'POST',
      '/api/folders',
      role('Editor', 'folders:create'),
      (c) => {
        const title = (str(c.body.title) ?? '').trim();
        if (!title) return msg(400, 'folder title cannot be empty'); // dashboards.ErrFolderTitleEmpty [unverified for 12.x]
        const uid = str(c.body.uid) || randomAlnum(9);
        if (this.folders.some((f) => f.orgId === c.id.orgId && f.uid === uid) || this.dashes.some((d) => d.orgId === c.id.orgId && d.uid === uid)) {
          return msg(409, 'a folder with the same uid already exists'); // folder.md: 409 [message unverified]
        }
        const f: Folder = { id: this.nextDashId++, uid, orgId: c.id.orgId, title, version: 1, created: nowIso(), updated: nowIso() };
        this.folders.push(f);
        return { status: 200, body: this.folderDto(f) };
      },
      true,
    );
    add('GET', '/api/folders/:uid', role('Viewer', 'folders:read'), (c) => {
      const f = this.folders.find((x) => x.orgId === c.id.orgId && x.uid === c.params.uid);
      if (!f) return errutil(404, 'folder.notFound', 'folder not found'); // folder.ErrFolderNotFound [public message unverified]
      return { status: 200, body: this.folderDto(f) };
    });

    // --- dashboards (pkg/api/dashboard.go; apierrors/dashboard.go; dashboards/errors.go) ---
    add(
      'POST',
      '/api/dashboards/db',
      role('Editor', 'dashboards:create'),
      (c) => this.saveDashboard(c),
      true,
    );
    // search.go: dash-db hits of the caller's org, filtered by query (substring, case-insensitive) and folderUIDs
    add('GET', '/api/search', role('Viewer', 'dashboards:read'), (c) => {
      const q = (c.query.get('query') ?? '').toLowerCase();
      const folders = c.query.getAll('folderUIDs');
      const hits = this.dashes
        .filter((d) => d.orgId === c.id.orgId && d.title.toLowerCase().includes(q) && (folders.length === 0 || folders.includes(d.folderUid)))
        .map((d) => ({ id: d.id, uid: d.uid, title: d.title, uri: `db/${slugify(d.title)}`, url: `/d/${d.uid}/${slugify(d.title)}`, type: 'dash-db', tags: [], isStarred: false, folderUid: d.folderUid || undefined }));
      return { status: 200, body: hits };
    });
    add('GET', '/api/dashboards/uid/:uid', role('Viewer', 'dashboards:read'), (c) => {
      const d = this.dashes.find((x) => x.orgId === c.id.orgId && x.uid === c.params.uid);
      if (!d) return msgTrace(404, 'Dashboard not found'); // dashboard.go getDashboardHelper
      const folder = d.folderUid ? this.folders.find((f) => f.orgId === d.orgId && f.uid === d.folderUid) : undefined;
      const slug = slugify(d.title);
      return {
        status: 200,
        body: {
          dashboard: { ...structuredClone(d.json), id: d.id, uid: d.uid, version: d.version },
          meta: {
            type: 'db',
            canSave: true,
            canEdit: true,
            canAdmin: true,
            canStar: true,
            canDelete: true,
            slug,
            url: `/d/${d.uid}/${slug}`,
            expires: '0001-01-01T00:00:00Z',
            created: d.created,
            updated: d.updated,
            updatedBy: 'admin',
            createdBy: 'admin',
            version: d.version,
            hasAcl: false,
            isFolder: false,
            folderId: folder?.id ?? 0,
            folderUid: d.folderUid,
            folderTitle: folder?.title ?? 'General',
            folderUrl: folder ? `/dashboards/f/${folder.uid}/${slugify(folder.title)}` : '',
            provisioned: false,
            provisionedExternalId: '',
            annotationsPermissions: {
              dashboard: { canAdd: true, canEdit: true, canDelete: true },
              organization: { canAdd: true, canEdit: true, canDelete: true },
            },
          },
        },
      };
    });
    add('DELETE', '/api/dashboards/uid/:uid', role('Editor', 'dashboards:delete'), (c) => {
      const d = this.dashes.find((x) => x.orgId === c.id.orgId && x.uid === c.params.uid);
      if (!d) return msgTrace(404, 'Dashboard not found'); // dashboard.go getDashboardHelper
      this.dashes = this.dashes.filter((x) => x !== d);
      // dashboard.go deleteDashboard (newer: uid instead of id)
      return { status: 200, body: { title: d.title, message: `Dashboard ${d.title} deleted`, uid: d.uid } };
    });

    return routes;
  }

  private folderDto(f: Folder): JsonObject {
    return {
      id: f.id,
      uid: f.uid,
      orgId: f.orgId,
      title: f.title,
      url: `/dashboards/f/${f.uid}/${slugify(f.title)}`,
      hasAcl: false,
      canSave: true,
      canEdit: true,
      canAdmin: true,
      canDelete: true,
      createdBy: 'admin',
      created: f.created,
      updatedBy: 'admin',
      updated: f.updated,
      version: f.version,
    };
  }

  private saveDashboard(c: Ctx): Reply {
    const dash = c.body.dashboard;
    if (!isObject(dash)) return BAD_REQUEST; // SaveDashboardCommand Dashboard binding:"Required"
    const orgId = c.id.orgId;
    const title = (str(dash.title) ?? '').trim();
    // dashboards/errors.go DashboardErr (400, no status -> {"message"}), checked in validateDashboardBeforeSave order
    if (!title) return msg(400, 'Dashboard title cannot be empty');
    let uid = str(dash.uid) ?? '';
    if (uid && !/^[a-zA-Z0-9\-_]*$/.test(uid)) return msg(400, 'uid contains illegal characters');
    if (uid.length > 40) return msg(400, 'uid too long, max 40 characters');

    const folderUid = str(c.body.folderUid) ?? '';
    if (folderUid && !this.folders.some((f) => f.orgId === orgId && f.uid === folderUid)) {
      return msg(400, 'folder not found'); // apierrors/dashboard.go: ErrFolderNotFound -> 400 err.Error() [12.x text unverified]
    }

    const postedId = num(dash.id) ?? 0;
    const postedVersion = num(dash.version) ?? 0;
    const overwrite = c.body.overwrite === true;

    // dashboards store getExistingDashboardByIDOrUIDForUpdate
    let byId: Dashboard | undefined;
    if (postedId > 0) {
      byId = this.dashes.find((d) => d.orgId === orgId && d.id === postedId);
      // ErrDashboardNotFound has Status "not-found" -> Body() {"status","message"}
      if (!byId) return { status: 404, body: { status: 'not-found', message: 'Dashboard not found' } };
      if (!uid) uid = byId.uid;
    }
    const byUid = uid ? this.dashes.find((d) => d.orgId === orgId && d.uid === uid) : undefined;
    if (byId && byUid && byId !== byUid) return msg(400, 'A dashboard with the same uid already exists'); // ErrDashboardWithSameUIDExists
    if (!byId && uid && this.folders.some((f) => f.orgId === orgId && f.uid === uid)) {
      return msg(400, 'Dashboard type mismatch'); // ErrDashboardTypeMismatch [message unverified]
    }
    const existing = byId ?? byUid;
    let version = 1;
    if (existing) {
      if (postedVersion !== existing.version && !overwrite) {
        // ErrDashboardVersionMismatch: Body() -> {"status","message"} (412)
        return { status: 412, body: { status: 'version-mismatch', message: 'The dashboard has been changed by someone else' } };
      }
      version = existing.version + 1;
    }
    // Same title in the same folder with a different uid: refused before 11.3 (ErrDashboardWithSameNameInFolderExists,
    // seen on the real 10.0), allowed since ("Dashboards: Remove unique name constraints", grafana/grafana#90687).
    if (this.uniqueDashboardTitles && this.dashes.some((d) => d.orgId === orgId && d !== existing && d.folderUid === folderUid && d.title.toLowerCase() === title.toLowerCase())) {
      return { status: 412, body: { status: 'name-exists', message: 'A dashboard with the same name in the folder already exists' } };
    }
    if (!uid) uid = randomAlnum(9);
    const id = existing ? existing.id : this.nextDashId++;
    const json: Record<string, unknown> = { ...structuredClone(dash), id, uid, version };
    if (this.rewriteSchemaVersion !== undefined) json.schemaVersion = this.rewriteSchemaVersion;
    const ts = nowIso();
    if (existing) {
      existing.title = title;
      existing.version = version;
      existing.folderUid = folderUid; // saving without folderUid moves it to the root
      existing.json = json;
      existing.updated = ts;
    } else {
      this.dashes.push({ id, uid, orgId, title, version, folderUid, json, created: ts, updated: ts });
    }
    const slug = slugify(title);
    return {
      status: 200,
      body: { status: 'success', slug, version, id, uid, url: `/d/${uid}/${slug}`, folderUid },
    };
  }
}

// ---------------------------------------------------------------------------

function anonymous(): Identity {
  return { kind: 'user', userId: 0, login: '', isServerAdmin: false, basic: false, orgId: 0, role: 'None' };
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function matchSegments(pattern: string[], segs: string[]): Record<string, string> | undefined {
  if (pattern.length !== segs.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(segs[i]);
    else if (p !== segs[i]) return undefined;
  }
  return params;
}

function send(res: http.ServerResponse, r: Reply): void {
  if (res.destroyed) return;
  const payload = r.body === undefined ? '' : JSON.stringify(r.body);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(r.headers ?? {}) };
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(r.status, headers);
  res.end(payload);
}
