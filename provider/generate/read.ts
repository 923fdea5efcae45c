import { GrafanaClient, isGrafanaError, isStatus, unlessGone } from "../client";
import { namespaceOf } from "../app-platform";
import { isBasicAuth } from "../connection";
import { V2_API_VERSION } from "../dashboard-v2";
import { ServerApis, serverApis } from "../server-version";
import { DashboardSnap, DataSourceSnap, FolderSnap, Member, OrgSnapshot, ServiceAccountSnap, Skip, Snapshot } from "./model";

export interface ReadOptions {
    /** Org names or ids to read (empty: every org the credential can list). */
    orgs: string[];
    /** Requests in flight at once. */
    concurrency: number;
    /** Progress lines (stderr). */
    progress: (line: string) => void;
}

/** The right each listing needs, for a 403: which call, which right. */
const RIGHTS: [RegExp, string][] = [
    [/^\/api\/orgs\/\d+\/users/, "org.users:read (a Grafana server admin)"],
    [/^\/api\/orgs/, "orgs:read (a Grafana server admin with basic auth; a token can only read its own org)"],
    [/^\/api\/folders/, "folders:read (Viewer or above in the org)"],
    [/^\/api\/search/, "dashboards:read (Viewer or above in the org)"],
    [/^\/api\/dashboards/, "dashboards:read (Viewer or above in the org)"],
    [/^\/apis\/dashboard\.grafana\.app\//, "dashboards:read (Viewer or above in the org)"],
    [/^\/api\/datasources/, "datasources:read (an Admin of the org)"],
    [/^\/api\/serviceaccounts/, "serviceaccounts:read (an Admin of the org)"],
];

/** Says which call failed and which right it needs; otherwise the error as it is. */
export function explain(e: unknown, url: string): Error {
    if (!isGrafanaError(e)) return e instanceof Error ? e : new Error(String(e));
    if (e.status === undefined) {
        return new Error(`cannot reach Grafana at ${url}: ${e.message}. Check --url (or GRAFANA_URL) and that Grafana is running`);
    }
    if (e.status === 401) {
        return new Error(`${e.message}: Grafana at ${url} refused the credentials. Check --auth (or GRAFANA_AUTH): user:password or a token`);
    }
    if (e.status === 403) {
        const right = RIGHTS.find(([re]) => re.test(e.path))?.[1] ?? "a right this credential lacks";
        return new Error(`${e.message}: the credential may not list this; it needs ${right}`);
    }
    return new Error(e.message);
}

/** Runs fn over items with at most `limit` in flight; results in the items' order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
    const out = new Array<R>(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            out[i] = await fn(items[i], i);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return out;
}

interface OrgRef {
    id: number;
    name: string;
}

/** Reads every org the options name (or all), each with its members, folders, dashboards, data sources and service accounts. */
export async function readGrafana(client: GrafanaClient, auth: string, opts: ReadOptions): Promise<Snapshot> {
    const basic = isBasicAuth(auth);
    const skipped: Skip[] = [];
    let orgs: OrgRef[];
    let adminLogin: string | undefined;
    if (basic) {
        const me = (await client.get<{ login: string; isGrafanaAdmin?: boolean }>("/api/user")).data;
        adminLogin = me.login;
        if (me.isGrafanaAdmin === false) {
            // Not a server admin: its current org only.
            orgs = [(await client.get<OrgRef>("/api/org")).data];
            skipped.push({ what: "other orgs", why: `user "${me.login}" is not a Grafana server admin, so only its current org was read` });
        } else {
            orgs = (await client.get<OrgRef[]>("/api/orgs", { query: { perpage: 1000 } })).data;
        }
    } else {
        orgs = [(await client.get<OrgRef>("/api/org")).data];
    }
    if (opts.orgs.length > 0) {
        const wanted = opts.orgs;
        const missing = wanted.filter((w) => !orgs.some((o) => o.name === w || String(o.id) === w));
        if (missing.length > 0) {
            throw new Error(
                `--org ${missing.join(", ")}: no such org among those this credential can read (${orgs.map((o) => `${o.id} "${o.name}"`).join(", ")})`,
            );
        }
        orgs = orgs.filter((o) => wanted.includes(o.name) || wanted.includes(String(o.id)));
    }
    orgs.sort((a, b) => a.id - b.id);
    const out: OrgSnapshot[] = [];
    for (const org of orgs) {
        const snap = await readOrg(client, org, basic, adminLogin, opts);
        if (snap) out.push(snap);
        else
            skipped.push({
                what: `org "${org.name}" (id ${org.id})`,
                why: `user "${adminLogin}" is not a member of this org, so Grafana shows nothing in it: add the user to the org (as Admin), or run generate with a token of that org`,
            });
    }
    return { url: client.url, basicAuth: basic, orgs: out, skipped };
}

async function readOrg(
    client: GrafanaClient,
    org: OrgRef,
    basic: boolean,
    adminLogin: string | undefined,
    opts: ReadOptions,
): Promise<OrgSnapshot | undefined> {
    const scope = { orgId: basic ? org.id : undefined };
    const skipped: Skip[] = [];
    const members: Member[] = [];
    const say = (what: string) => opts.progress(`org ${org.id} "${org.name}": ${what}`);
    if (basic) {
        const users = (await client.get<{ userId: number; login: string; role: string }[]>(`/api/orgs/${org.id}/users`)).data;
        if (adminLogin && !users.some((u) => u.login === adminLogin)) return undefined;
        for (const u of users) {
            if (u.userId === 1 || u.login === adminLogin) {
                skipped.push({
                    what: `membership of "${u.login}" (${u.role})`,
                    why: "the built-in admin / the user running generate: managing its own membership could demote or remove the account that manages Grafana (Grafana also refuses to remove an org's last Admin)",
                });
            } else if (!["Admin", "Editor", "Viewer"].includes(u.role)) {
                skipped.push({ what: `membership of "${u.login}" (${u.role})`, why: "role None: OrgMembership takes Admin, Editor or Viewer" });
            } else {
                members.push({ userId: u.userId, login: u.login, role: u.role });
            }
        }
        say(`${members.length} members`);
    } else {
        skipped.push({ what: "org members", why: "a token cannot list org users through /api/orgs/:id/users (a server admin with basic auth can)" });
    }

    const folders = await readFolders(client, scope);
    say(`${folders.length} folders`);

    const apis = await serverApis(client);
    const dashboards = apis.dashboards
        ? await readAppDashboards(client, apis, org.id, scope, skipped, say, opts.concurrency)
        : await readLegacyDashboards(client, scope, skipped, say, opts.concurrency);

    const dsList = (await client.get<{ uid: string; name: string; readOnly?: boolean }[]>("/api/datasources", scope)).data;
    const dataSources: DataSourceSnap[] = [];
    const dsFull = await mapLimit(
        dsList,
        opts.concurrency,
        async (d) => (await client.get<Record<string, unknown>>(`/api/datasources/uid/${encodeURIComponent(d.uid)}`, scope)).data,
    );
    for (const d of dsFull) {
        if (d.readOnly) {
            skipped.push({
                what: `data source "${String(d.name)}" (uid ${String(d.uid)})`,
                why: "read-only (provisioned): Grafana refuses changes through the API",
            });
            continue;
        }
        const secure = (d.secureJsonFields ?? {}) as Record<string, boolean>;
        dataSources.push({
            uid: String(d.uid),
            name: String(d.name),
            type: String(d.type),
            url: typeof d.url === "string" ? d.url : undefined,
            access: typeof d.access === "string" ? d.access : undefined,
            isDefault: d.isDefault === true,
            basicAuth: d.basicAuth === true,
            basicAuthUser: typeof d.basicAuthUser === "string" ? d.basicAuthUser : undefined,
            jsonData: (d.jsonData ?? undefined) as Record<string, unknown> | undefined,
            secureJsonFields: Object.keys(secure).filter((k) => secure[k]),
        });
    }
    say(`${dataSources.length} data sources`);

    const serviceAccounts: ServiceAccountSnap[] = [];
    for (let page = 1; ; page++) {
        const res = (
            await client.get<{ serviceAccounts: ServiceAccountSnap[]; totalCount: number }>("/api/serviceaccounts/search", {
                ...scope,
                query: { perpage: 1000, page },
            })
        ).data;
        serviceAccounts.push(
            ...res.serviceAccounts.map((s) => ({ id: s.id, name: s.name, role: s.role, isDisabled: !!s.isDisabled, tokens: s.tokens ?? 0 })),
        );
        if (res.serviceAccounts.length < 1000 || serviceAccounts.length >= res.totalCount) break;
    }
    for (const s of serviceAccounts) {
        if (s.tokens > 0) {
            skipped.push({
                what: `${s.tokens} token(s) of service account "${s.name}"`,
                why: "Grafana shows a token's key only once, when it is made: it cannot be adopted. The tokens keep working; to manage one, make a ServiceAccountToken and retire the old one",
            });
        }
    }
    say(`${serviceAccounts.length} service accounts`);

    const keys = await unlessGone(() => client.get<{ id: number; name: string; role: string }[]>("/api/auth/keys", scope)).catch((e: unknown) => {
        if (isStatus(e, 410, 403)) return undefined; // gone since 11.3/12.1, or not visible to this credential
        throw e;
    });
    for (const k of keys?.data ?? []) {
        skipped.push({
            what: `API key "${k.name}" (${k.role})`,
            why: "Grafana shows a key only once, when it is made: it cannot be adopted (and API keys are deprecated: use a service account and token)",
        });
    }
    return { id: org.id, name: org.name, members, folders, dashboards, dataSources, serviceAccounts, skipped };
}

type Say = (what: string) => void;

function provisionedSkip(title: string, uid: string, source: string): Skip {
    return {
        what: `dashboard "${title}" (uid ${uid})`,
        why: `provisioned (${source}): Grafana would overwrite any change; manage it where it is provisioned`,
    };
}

/** 10.x/11.x: search pages, then each model through GET /api/dashboards/uid/:uid. */
async function readLegacyDashboards(client: GrafanaClient, scope: { orgId?: number }, skipped: Skip[], say: Say, concurrency: number) {
    const hits: { uid: string; title: string }[] = [];
    for (let page = 1; ; page++) {
        const batch = (
            await client.get<{ uid: string; title: string; type: string }[]>("/api/search", {
                ...scope,
                query: { type: "dash-db", limit: 5000, page },
            })
        ).data;
        hits.push(...batch.filter((h) => h.type === "dash-db" || h.type === undefined));
        if (batch.length < 5000) break;
    }
    let done = 0;
    const dashboards: DashboardSnap[] = [];
    const got = await mapLimit(hits, concurrency, async (h) => {
        const d = await unlessGone(() =>
            client.get<{ dashboard: Record<string, unknown>; meta: { folderUid?: string; provisioned?: boolean; provisionedExternalId?: string } }>(
                `/api/dashboards/uid/${encodeURIComponent(h.uid)}`,
                scope,
            ),
        );
        if (++done % 100 === 0) say(`${done}/${hits.length} dashboards`);
        return d?.data;
    });
    for (const d of got) {
        if (!d) continue;
        const uid = String(d.dashboard.uid);
        const title = String(d.dashboard.title);
        if (d.meta.provisioned) {
            skipped.push(provisionedSkip(title, uid, d.meta.provisionedExternalId || "provisioning"));
            continue;
        }
        dashboards.push({ uid, title, folderUid: d.meta.folderUid ?? "", model: d.dashboard });
    }
    say(`${dashboards.length}/${hits.length} dashboards`);
    return dashboards;
}

interface K8sDashboard {
    metadata: { name: string; annotations?: Record<string, string> };
    spec: Record<string, unknown>;
    status?: { conversion?: { storedVersion?: string } };
}

/** Page size of the app-platform list (docs Dashboard APIs: limit/continue). */
const LIST_LIMIT = 500;

/**
 * 12.x/13.x: the app-platform list (limit/continue pages), each item in the classic (v1) schema; a dashboard stored
 * as schema v2 (status.conversion.storedVersion, grafana/mcp-grafana#937) is read again through the v2 version, as
 * the legacy GET answers 406 for it from 12.1. v1 stays the classic model (uid = metadata.name); v2 is written as the
 * resource the Dashboard resource takes ({apiVersion, kind, metadata: {name}, spec}), without the server's metadata.
 */
async function readAppDashboards(
    client: GrafanaClient,
    apis: ServerApis,
    orgId: number,
    scope: { orgId?: number },
    skipped: Skip[],
    say: Say,
    concurrency: number,
): Promise<DashboardSnap[]> {
    const base = `/apis/dashboard.grafana.app/${apis.dashboards!.v1}/namespaces/${namespaceOf(orgId)}/dashboards`;
    const items: K8sDashboard[] = [];
    for (let cont: string | undefined; ;) {
        const query: Record<string, string | number> = { limit: LIST_LIMIT, ...(cont ? { continue: cont } : {}) };
        const page = (await client.get<{ items?: K8sDashboard[]; metadata?: { continue?: string } }>(base, { ...scope, query })).data;
        items.push(...(page.items ?? []));
        cont = page.metadata?.continue || undefined;
        if (!cont) break;
        say(`${items.length} dashboards listed`);
    }
    // storedVersion as "dashboard.grafana.app/v2beta1" (grafana/grafana#116369) or a bare "v2beta1"
    const isV2 = (o: K8sDashboard) => /(^|\/)v2/.test(o.status?.conversion?.storedVersion ?? "");
    const v2Base = `/apis/dashboard.grafana.app/${apis.dashboards!.v2}/namespaces/${namespaceOf(orgId)}/dashboards`;
    const read = await mapLimit(items, concurrency, async (o) =>
        isV2(o)
            ? ((await unlessGone(() => client.get<K8sDashboard>(`${v2Base}/${encodeURIComponent(o.metadata.name)}`, scope)))?.data ?? undefined)
            : o,
    );
    const dashboards: DashboardSnap[] = [];
    read.forEach((o, i) => {
        if (!o) return;
        const uid = o.metadata.name;
        const title = typeof o.spec.title === "string" ? o.spec.title : "";
        const ann = o.metadata.annotations ?? {};
        // The app platform names an object's manager in grafana.app/managedBy (Grafana's ManagerKind values: repo,
        // terraform, kubectl, plugin, classic-file-provisioning); the ones Grafana itself re-applies are skipped.
        const manager = ann["grafana.app/managedBy"];
        if (manager === "classic-file-provisioning" || manager === "repo" || manager === "plugin") {
            skipped.push(provisionedSkip(title, uid, ann["grafana.app/sourcePath"] || manager));
            return;
        }
        const { id: _id, version: _version, uid: _uid, ...spec } = o.spec;
        const model = isV2(items[i]) ? { apiVersion: V2_API_VERSION, kind: "Dashboard", metadata: { name: uid }, spec } : { ...spec, uid };
        dashboards.push({ uid, title, folderUid: ann["grafana.app/folder"] ?? "", model });
    });
    say(`${dashboards.length}/${items.length} dashboards`);
    return dashboards;
}

/** Every folder, nested ones too: each level is listed under its parent; a server without nested folders ignores parentUid, so only entries naming that parent are kept. */
async function readFolders(client: GrafanaClient, scope: { orgId?: number }): Promise<FolderSnap[]> {
    const out: FolderSnap[] = [];
    const seen = new Set<string>();
    let level = [""];
    while (level.length > 0) {
        const next: string[] = [];
        const lists = await mapLimit(level, 4, async (parent) => {
            const all: { uid: string; title: string; parentUid?: string }[] = [];
            for (let page = 1; ; page++) {
                const query: Record<string, string | number> = { limit: 1000, page };
                if (parent) query.parentUid = parent;
                const batch = (await client.get<{ uid: string; title: string; parentUid?: string }[]>("/api/folders", { ...scope, query })).data;
                const known = new Set(all.map((f) => f.uid));
                const fresh = batch.filter((f) => !known.has(f.uid));
                all.push(...fresh);
                // A server that ignores paging answers the same list again.
                if (batch.length < 1000 || fresh.length === 0) break;
            }
            return all.filter((f) => (f.parentUid ?? "") === parent).map((f) => ({ uid: f.uid, title: f.title, parentUid: parent }));
        });
        for (const f of lists.flat()) {
            if (seen.has(f.uid)) continue;
            seen.add(f.uid);
            out.push(f);
            next.push(f.uid);
        }
        level = next;
    }
    return out;
}
