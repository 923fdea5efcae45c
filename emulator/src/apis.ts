// The app-platform ("Kubernetes-style") routes of Grafana 12.x/13.x: /apis/dashboard.grafana.app and
// /apis/folder.grafana.app, on the same store as the legacy /api routes (a dashboard saved through one is read through
// the other). Sources:
// - docs "Grafana's New API Structure" (grafana.com/docs/grafana/v12.4/developer-resources/api-reference/http-api/apis):
//   /apis/<group>/<version>/namespaces/<namespace>/<resource>[/<name>], the object shape (kind, apiVersion, metadata
//   {name, namespace, uid, resourceVersion, generation, creationTimestamp, annotations}, spec), namespace "default" for
//   org 1 and "org-<id>" for the others.
// - docs Dashboard APIs (…/v12.4/…/http-api/dashboard, …/v13.0/…/dashboard): create/get/update/delete/list, folder in
//   the "grafana.app/folder" annotation, list by limit/continue.
// - docs Folder APIs (…/v12.4/…/folder: v1beta1; …/v13.2/…/folder: v1): the same verbs on folders.
// - Kubernetes API conventions (kubernetes.io/docs/reference/using-api/api-concepts): error bodies are
//   {"kind":"Status","apiVersion":"v1","status":"Failure","message","reason","details","code"}; 409 AlreadyExists on
//   a create of an existing name, 409 Conflict on an update with a stale metadata.resourceVersion; an update without
//   resourceVersion is unconditional; paging by limit and an opaque continue token.
// - Folder and dashboard permissions (issue 18; access.ts decides, as for the legacy routes): docs "Folder access
//   control" (grafana.com/docs/grafana/v13.0/administration/roles-and-permissions/folder-access-control): View gives
//   folders:read and dashboards:read; Edit gives folders:write, folders:create (subfolders) and dashboards:create/write/
//   delete in the folder; Admin also deletes the folder and manages permissions. Docs "Manage dashboard permissions"
//   (…/v12.4/administration/user-management/manage-dashboard-permissions): a folder's permissions apply to its
//   dashboards and subfolders. A denial is a Kubernetes 403 Status, reason Forbidden (API conventions).
// Shapes of schema v2 specs are checked against the Apache-2.0 @grafana/grafana-foundation-sdk (dashboardv2beta1 /
// dashboardv2 types: title, elements, layout required).
import { createHash } from "crypto";
import type { AccessRules } from "./access";
import type { AddRoute, Ctx, JsonObject, Reply, RoleAccess } from "./emulator";
import type { Dashboard, Folder } from "./model";
import type { Profile } from "./profiles";
import { compareVersion } from "./profiles";
import type { Store, Tables } from "./store";

const DASH_GROUP = "dashboard.grafana.app";
const FOLDER_GROUP = "folder.grafana.app";

/** What the routes need from the emulator. */
export interface ApisHost {
    store: Store;
    t: Tables;
    profile: Profile;
    newUid(): string;
    now(): string;
    /** folder/dashboard permissions (access.ts), shared with the legacy routes */
    access: AccessRules;
}

function isObject(v: unknown): v is JsonObject {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}
function str(v: unknown): string | undefined {
    return typeof v === "string" ? v : undefined;
}

/** A Kubernetes Status body (API conventions); `details.kind` is the resource's plural, as the apiserver names it. */
export function k8sStatus(code: number, reason: string, message: string, details?: { name?: string; group?: string; kind?: string }): Reply {
    return {
        status: code,
        body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, ...(details ? { details } : {}), code },
    };
}

/** A per-object permission denial: 403 Forbidden Status (API conventions). The message follows the apiserver's
 *  "<resource>.<group> \"<name>\" is forbidden: ..." form; Grafana's exact wording is [unverified] (SOURCES-RESEARCH P5). */
function forbidden(group: string, resource: string, verb: string, name: string): Reply {
    return k8sStatus(403, "Forbidden", `${resource}.${group} "${name}" is forbidden: the caller may not ${verb} it`, { name, group, kind: resource });
}

/** Unknown /apis paths: the apiserver's 404 Status ("the server could not find the requested resource"). */
export function apisNotFound(): Reply {
    return k8sStatus(404, "NotFound", "the server could not find the requested resource");
}

/** docs API structure: org 1 is "default", org N is "org-N" (OSS and on-premise). */
export function namespaceOf(orgId: number): string {
    return orgId === 1 ? "default" : `org-${orgId}`;
}
function orgOfNamespace(ns: string): number | undefined {
    if (ns === "default") return 1;
    const m = /^org-(\d+)$/.exec(ns);
    return m ? Number(m[1]) : undefined;
}

/** Opaque and rising with each write of the object (the docs show a microsecond timestamp, "1758777451428472"). */
function resourceVersionOf(updated: string, version: number): string {
    return String(Date.parse(updated) * 1000 + (version % 1000));
}
/** metadata.uid: a UUID, stable for the object's life (docs API structure example) */
function objectUid(kind: string, orgId: number, name: string, created: string): string {
    const h = createHash("sha1").update(`${kind}/${orgId}/${name}/${created}`).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
/** Grafana's object names: 1-253 of [a-zA-Z0-9:-_.], any first character (laxer than Kubernetes, so legacy uids stay
 *  valid); else 400 BadRequest "name must consist of alphanumeric characters, '-', '_', ':' or '.'" (grafana/grafana
 *  pkg/apimachinery/validation IsValidGrafanaName, read 2026-11-28) */
const NAME_RE = /^[a-zA-Z0-9:\-_.]{1,253}$/;
const badName = (n: string): string =>
    n === "" ? "name may not be empty" : n.length > 253 ? "name is too long" : "name must consist of alphanumeric characters, '-', '_', ':' or '.'";

/** A body that looks like schema v2: a whole v2 resource, or a v2 spec (elements + layout). grafana/grafana#118665
 *  ("Reject saving dashboards that look like V2 in v0 or v1 apis", 2026-02). */
export function looksLikeV2(dash: JsonObject): boolean {
    if (typeof dash.apiVersion === "string" && /^dashboard\.grafana\.app\/v2/.test(dash.apiVersion)) return true;
    if (isObject(dash.spec) && isObject(dash.spec.elements) && isObject(dash.spec.layout)) return true;
    return isObject(dash.elements) && isObject(dash.layout);
}

/** POST /api/dashboards/db of a v2 body on 13.x: 400 (grafana-operator#2582 quotes the message; grafana/grafana#118665). */
export function legacySaveRefusal(p: Profile, dash: JsonObject): Reply | undefined {
    if (!p.legacyRefusesV2 || !looksLikeV2(dash)) return undefined;
    const v2 = p.apis?.dashboardV2.at(-1) ?? "v2";
    return { status: 400, body: { message: `dashboard appears to be in v2 format. Please use the /apis/${DASH_GROUP}/${v2} API` } };
}

/** GET /api/dashboards/uid/:uid of a dashboard stored as v2, from 12.1: 406 (esnet/gdg#467 quotes the message). */
export function legacyReadRefusal(p: Profile, d: Dashboard): Reply | undefined {
    if (!d.v2 || compareVersion(p.version, "12.1.0") < 0) return undefined;
    const v2 = p.apis?.dashboardV2.at(-1) ?? "v2";
    return {
        status: 406,
        body: {
            message: `dashboard api version not supported, use /apis/${DASH_GROUP}/${v2}/namespaces/${namespaceOf(d.orgId)}/dashboards/${d.uid} instead`,
        },
    };
}

/** Continue token: the last name of the page, base64 (opaque to clients: API conventions). */
function page<T extends { name: string }>(all: T[], c: Ctx): { items: T[]; cont?: string; remaining?: number } | Reply {
    const limitStr = c.query.get("limit");
    const limit = limitStr ? parseInt(limitStr, 10) : 0;
    if (limitStr && !(limit >= 0)) return k8sStatus(400, "BadRequest", `invalid limit "${limitStr}"`); // [unverified]
    const contTok = c.query.get("continue");
    let after = "";
    if (contTok) {
        after = Buffer.from(contTok, "base64url").toString("utf8");
        if (!after.startsWith("n:")) return k8sStatus(410, "Expired", "The provided continue parameter is too old or invalid"); // API conventions
        after = after.slice(2);
    }
    const sorted = all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).filter((x) => x.name > after);
    if (limit <= 0 || sorted.length <= limit) return { items: sorted };
    const items = sorted.slice(0, limit);
    return { items, cont: Buffer.from(`n:${items[items.length - 1].name}`).toString("base64url"), remaining: sorted.length - limit };
}

/** The server's defaults for a v2 spec's required collections (foundation SDK dashboardv2beta1 defaultDashboard():
 *  empty lists, cursorSync "Off", preload false); the real server's defaulting is [unverified]. */
function v2Defaults(spec: JsonObject): JsonObject {
    return {
        annotations: [],
        cursorSync: "Off",
        links: [],
        preload: false,
        tags: [],
        variables: [],
        ...spec,
        timeSettings: {
            from: "now-6h",
            to: "now",
            autoRefresh: "",
            autoRefreshIntervals: ["5s", "10s", "30s", "1m", "5m", "15m", "30m", "1h", "2h", "1d"],
            hideTimepicker: false,
            fiscalYearStartMonth: 0,
            ...(isObject(spec.timeSettings) ? spec.timeSettings : {}),
        },
    };
}

export function appPlatformRoutes(h: ApisHost, add: AddRoute, role: RoleAccess): void {
    const p = h.profile;
    // Where clients learn the version when /api/health hides it (hide_version): the build info of the frontend
    // settings, signed in (notes §8); only buildInfo is served here [unverified: the rest of the body]
    add("GET", "/api/frontend/settings", { kind: "authenticated" }, () => ({
        status: 200,
        body: { buildInfo: { version: p.version, commit: `emulator-${p.name}`, edition: "Open Source", env: "production" } },
    }));
    if (!p.apis) return;
    // API discovery (Kubernetes API concepts): GET /apis/<group>/<version> lists the group's resources; what clients
    // probe to learn whether a version is served (grafana/mcp-grafana#937 checks dashboard.grafana.app v1beta1)
    const discovery = (group: string, version: string, resource: string, kind: string) =>
        add("GET", `/apis/${group}/${version}`, { kind: "authenticated" }, () => ({
            status: 200,
            body: {
                kind: "APIResourceList",
                apiVersion: "v1",
                groupVersion: `${group}/${version}`,
                resources: [
                    {
                        name: resource,
                        singularName: resource.slice(0, -1),
                        namespaced: true,
                        kind,
                        verbs: ["create", "delete", "get", "list", "update"],
                    },
                ],
            },
        }));
    for (const v of [...p.apis.dashboardV1, ...p.apis.dashboardV2]) discovery(DASH_GROUP, v, "dashboards", "Dashboard");
    for (const v of p.apis.folder) discovery(FOLDER_GROUP, v, "folders", "Folder");
    for (const v of p.apis.dashboardV1) dashboardRoutes(h, add, role, v, false);
    for (const v of p.apis.dashboardV2) dashboardRoutes(h, add, role, v, true);
    for (const v of p.apis.folder) folderRoutes(h, add, role, v);
}

/** The namespace's org, or a 403/404 Status: callers act in their own org (X-Grafana-Org-Id) [unverified: Grafana
 *  resolves the namespace against the signed-in user's orgs]. */
function orgOf(c: Ctx, group: string, resource: string): number | Reply {
    const orgId = orgOfNamespace(c.params.ns);
    if (orgId === undefined) return k8sStatus(404, "NotFound", `namespace "${c.params.ns}" not found`);
    if (orgId !== c.id.orgId)
        return k8sStatus(403, "Forbidden", `${resource}.${group} is forbidden: user is not a member of namespace "${c.params.ns}"`, {
            group,
            kind: resource,
        });
    return orgId;
}

function dashboardRoutes(h: ApisHost, add: AddRoute, role: RoleAccess, version: string, v2: boolean): void {
    const t = h.t;
    const p = h.profile;
    const base = `/apis/${DASH_GROUP}/${version}/namespaces/:ns/dashboards`;
    const apiVersion = `${DASH_GROUP}/${version}`;
    const details = (name: string) => ({ name, group: DASH_GROUP, kind: "dashboards" });
    const notFound = (name: string) => k8sStatus(404, "NotFound", `dashboards.${DASH_GROUP} "${name}" not found`, details(name));
    const storedVersion = (d: Dashboard) => `${DASH_GROUP}/${d.v2 ? (p.apis?.dashboardV2.at(-1) ?? "v2") : (p.apis?.dashboardV1.at(-1) ?? "v1")}`;

    const toObject = (d: Dashboard): JsonObject => {
        const annotations: JsonObject = {
            "grafana.app/createdBy": `user:${d.createdBy}`,
            "grafana.app/updatedBy": `user:${d.updatedBy}`,
            "grafana.app/updatedTimestamp": d.updated,
        };
        if (d.folderUid) annotations["grafana.app/folder"] = d.folderUid;
        // The spec in the asked version; a dashboard stored in the other schema is converted by Grafana (lossily for
        // v2 -> v1), with status.conversion naming the stored version (grafana/mcp-grafana#937). The emulator does not
        // convert: it answers the title and a failed conversion, which clients then re-read in storedVersion [unverified].
        let spec: JsonObject;
        let status: JsonObject = {};
        if (!!d.v2 === v2) {
            spec = structuredClone(d.json);
            if (!v2) {
                delete spec.id;
                delete spec.version;
            }
        } else {
            spec = { title: d.title };
            status = {
                conversion: { failed: true, storedVersion: storedVersion(d), error: "the emulator does not convert between dashboard schemas" },
            };
        }
        return {
            kind: "Dashboard",
            apiVersion,
            metadata: {
                name: d.uid,
                namespace: namespaceOf(d.orgId),
                uid: objectUid("dashboard", d.orgId, d.uid, d.created),
                resourceVersion: resourceVersionOf(d.updated, d.version),
                generation: d.version,
                creationTimestamp: d.created,
                annotations,
                // the legacy numeric id as a label (docs API structure: "grafana.app/deprecatedInternalID") [unverified on 13.x]
                labels: { "grafana.app/deprecatedInternalID": String(d.id) },
            },
            spec,
            status,
        };
    };

    /** Checks a posted object; answers the spec, folder and name, or a 400/422 Status. */
    const parse = (c: Ctx, name: string | undefined): { spec: JsonObject; folderUid: string; name: string; rv?: string } | Reply => {
        const meta = isObject(c.body.metadata) ? c.body.metadata : {};
        const spec = c.body.spec;
        if (!isObject(spec)) return k8sStatus(400, "BadRequest", "spec is required"); // [unverified message]
        const n = name ?? (str(meta.name) || (str(meta.generateName) !== undefined ? `${str(meta.generateName)}${h.newUid()}` : ""));
        if (!n)
            return k8sStatus(
                422,
                "Invalid",
                `Dashboard.${DASH_GROUP} "" is invalid: metadata.name: Required value: name or generateName is required`,
            );
        if (name && str(meta.name) && meta.name !== name)
            return k8sStatus(400, "BadRequest", `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`); // apiserver
        if (!NAME_RE.test(n)) return k8sStatus(400, "BadRequest", badName(n));
        const title = (str(spec.title) ?? "").trim();
        if (!title) return k8sStatus(400, "BadRequest", "Dashboard title cannot be empty"); // the legacy save's message [unverified here]
        if (v2) {
            // foundation SDK dashboardv2beta1 Dashboard: elements (record) and layout (a *LayoutKind) are required
            if (!isObject(spec.elements) || !isObject(spec.layout) || typeof spec.layout.kind !== "string")
                return k8sStatus(400, "BadRequest", "spec is not a valid v2 dashboard: elements and layout are required"); // [unverified message]
        } else if (p.legacyRefusesV2 && looksLikeV2(spec)) {
            // grafana/grafana#118665: v0/v1 APIs refuse a v2-looking body (13.x; whether 12.4 has it [unverified])
            return k8sStatus(
                400,
                "BadRequest",
                `dashboard appears to be in v2 format. Please use the /apis/${DASH_GROUP}/${p.apis?.dashboardV2.at(-1)} API`,
            );
        }
        const annotations = isObject(meta.annotations) ? meta.annotations : {};
        const folderUid = str(annotations["grafana.app/folder"]) ?? "";
        // 12.0 refuses a save into a missing folder (release notes 12.0, #103503) [unverified for /apis]
        if (folderUid && !t.folder.get(`${c.id.orgId}/${folderUid}`)) return k8sStatus(400, "BadRequest", "folder not found");
        return { spec, folderUid, name: n, rv: str(meta.resourceVersion) };
    };

    const save = (c: Ctx, orgId: number, x: { spec: JsonObject; folderUid: string; name: string }, existing: Dashboard | undefined): Dashboard => {
        const ts = h.now();
        const version = existing ? existing.version + 1 : 1;
        const id = existing ? existing.id : h.store.nextId("dashboard");
        let json: JsonObject = structuredClone(x.spec);
        if (v2) json = v2Defaults(json);
        else {
            json = { ...json, id, uid: x.name, version };
            const sv = typeof json.schemaVersion === "number" ? json.schemaVersion : 0;
            if (p.rewriteSchemaVersion !== undefined && sv < p.rewriteSchemaVersion) json.schemaVersion = p.rewriteSchemaVersion;
        }
        const title = (str(x.spec.title) ?? "").trim();
        const by = c.id.login || "admin";
        const d: Dashboard = existing
            ? { ...existing, title, version, folderUid: x.folderUid, json, updated: ts, updatedBy: by, v2 }
            : { id, uid: x.name, orgId, title, version, folderUid: x.folderUid, json, created: ts, updated: ts, createdBy: by, updatedBy: by, v2 };
        if (!v2) delete d.v2;
        t.dashboard.put(d);
        t.dashver.put({ orgId, uid: d.uid, dashboardId: id, version, created: ts, createdBy: by, message: "", json });
        for (const old of t.dashver.filter((v) => v.orgId === orgId && v.uid === d.uid && v.version <= version - 20)) t.dashver.delete(old);
        return d;
    };

    add("GET", base, role("Viewer", "dashboards:read"), (c) => {
        const orgId = orgOf(c, DASH_GROUP, "dashboards");
        if (typeof orgId !== "number") return orgId;
        // only what the caller may read (docs folder access control: dashboards:read comes with View)
        const all = t.dashboard.filter((d) => d.orgId === orgId && h.access.canRead(c.id, "dashboard", d.uid)).map((d) => ({ name: d.uid, d }));
        const pg = page(all, c);
        if ("status" in pg) return pg;
        return {
            status: 200,
            body: {
                kind: "DashboardList",
                apiVersion,
                metadata: {
                    resourceVersion: String(Date.now() * 1000),
                    ...(pg.cont ? { continue: pg.cont, remainingItemCount: pg.remaining } : {}),
                },
                items: pg.items.map((x) => toObject(x.d)),
            },
        };
    });
    add("GET", `${base}/:name`, role("Viewer", "dashboards:read"), (c) => {
        const orgId = orgOf(c, DASH_GROUP, "dashboards");
        if (typeof orgId !== "number") return orgId;
        const d = t.dashboard.get(`${orgId}/${c.params.name}`);
        if (!d) return notFound(c.params.name);
        // looked up first, as the legacy GET: a missing one is 404, an unreadable one 403 [unverified order on /apis: P7]
        if (!h.access.canRead(c.id, "dashboard", d.uid)) return forbidden(DASH_GROUP, "dashboards", "get", d.uid);
        return { status: 200, body: toObject(d) };
    });
    add(
        "POST",
        base,
        // a Viewer with Edit on the folder may create there (docs folder access control), so the role floor is Viewer
        role("Viewer", "dashboards:create"),
        (c) => {
            const orgId = orgOf(c, DASH_GROUP, "dashboards");
            if (typeof orgId !== "number") return orgId;
            const x = parse(c, undefined);
            if ("status" in x) return x;
            // Edit on the target folder, the General folder by org role (access.ts saveRefused, as the legacy save)
            if (h.access.saveRefused(c.id, x.folderUid, undefined)) return forbidden(DASH_GROUP, "dashboards", "create", x.name);
            if (t.dashboard.get(`${orgId}/${x.name}`) || t.folder.get(`${orgId}/${x.name}`))
                return k8sStatus(409, "AlreadyExists", `dashboards.${DASH_GROUP} "${x.name}" already exists`, details(x.name));
            return { status: 201, body: toObject(save(c, orgId, x, undefined)) };
        },
        true,
    );
    add(
        "PUT",
        `${base}/:name`,
        role("Viewer", "dashboards:write"),
        (c) => {
            const orgId = orgOf(c, DASH_GROUP, "dashboards");
            if (typeof orgId !== "number") return orgId;
            const x = parse(c, c.params.name);
            if ("status" in x) return x;
            const d = t.dashboard.get(`${orgId}/${x.name}`);
            if (!d) return notFound(x.name); // no create on update [unverified]
            // Edit on the dashboard and on the folder it is saved into (access.ts saveRefused, as the legacy save)
            if (h.access.saveRefused(c.id, x.folderUid, d.uid)) return forbidden(DASH_GROUP, "dashboards", "update", d.uid);
            if (x.rv && x.rv !== resourceVersionOf(d.updated, d.version))
                return k8sStatus(
                    409,
                    "Conflict",
                    `Operation cannot be fulfilled on dashboards.${DASH_GROUP} "${x.name}": the object has been modified; please apply your changes to the latest version and try again`,
                    details(x.name),
                );
            return { status: 200, body: toObject(save(c, orgId, x, d)) };
        },
        true,
    );
    add("DELETE", `${base}/:name`, role("Viewer", "dashboards:delete"), (c) => {
        const orgId = orgOf(c, DASH_GROUP, "dashboards");
        if (typeof orgId !== "number") return orgId;
        const d = t.dashboard.get(`${orgId}/${c.params.name}`);
        if (!d) return notFound(c.params.name);
        // dashboards:delete comes with Edit (docs folder access control)
        if (h.access.dashboardLevel(c.id, orgId, d.uid) < 2) return forbidden(DASH_GROUP, "dashboards", "delete", d.uid);
        t.dashboard.delete(d);
        t.dashver.deleteWhere((v) => v.orgId === d.orgId && v.uid === d.uid);
        // apiserver: a delete answers a Status of success with the object's name and uid
        return {
            status: 200,
            body: {
                kind: "Status",
                apiVersion: "v1",
                metadata: {},
                status: "Success",
                details: { name: d.uid, group: DASH_GROUP, kind: "dashboards", uid: objectUid("dashboard", d.orgId, d.uid, d.created) },
            },
        };
    });
}

function folderRoutes(h: ApisHost, add: AddRoute, role: RoleAccess, version: string): void {
    const t = h.t;
    const p = h.profile;
    const base = `/apis/${FOLDER_GROUP}/${version}/namespaces/:ns/folders`;
    const apiVersion = `${FOLDER_GROUP}/${version}`;
    const details = (name: string) => ({ name, group: FOLDER_GROUP, kind: "folders" });
    const notFound = (name: string) => k8sStatus(404, "NotFound", `folders.${FOLDER_GROUP} "${name}" not found`, details(name));
    const toObject = (f: Folder): JsonObject => ({
        kind: "Folder",
        apiVersion,
        metadata: {
            name: f.uid,
            namespace: namespaceOf(f.orgId),
            uid: objectUid("folder", f.orgId, f.uid, f.created),
            resourceVersion: resourceVersionOf(f.updated, f.version),
            generation: f.version,
            creationTimestamp: f.created,
            // docs Folder APIs: the parent folder in the "grafana.app/folder" annotation
            annotations: { ...(f.parentUid ? { "grafana.app/folder": f.parentUid } : {}), "grafana.app/updatedTimestamp": f.updated },
            // 13.0 folders have no numeric id (notes §10); 12.x still carries it as a label [unverified]
            ...(p.numericFolderIds ? { labels: { "grafana.app/deprecatedInternalID": String(f.id) } } : {}),
        },
        spec: { title: f.title, ...(f.description ? { description: f.description } : {}) },
        status: {},
    });
    const parse = (
        c: Ctx,
        name: string | undefined,
    ): { title: string; description: string; parentUid: string; name: string; rv?: string } | Reply => {
        const meta = isObject(c.body.metadata) ? c.body.metadata : {};
        const spec = isObject(c.body.spec) ? c.body.spec : {};
        const n = name ?? (str(meta.name) || (str(meta.generateName) !== undefined ? `${str(meta.generateName)}${h.newUid()}` : ""));
        if (!n)
            return k8sStatus(422, "Invalid", `Folder.${FOLDER_GROUP} "" is invalid: metadata.name: Required value: name or generateName is required`);
        if (name && str(meta.name) && meta.name !== name)
            return k8sStatus(400, "BadRequest", `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
        if (!NAME_RE.test(n)) return k8sStatus(400, "BadRequest", badName(n));
        const title = (str(spec.title) ?? "").trim();
        if (!title) return k8sStatus(400, "BadRequest", "folder title cannot be empty"); // the legacy message [unverified here]
        const annotations = isObject(meta.annotations) ? meta.annotations : {};
        const parentUid = str(annotations["grafana.app/folder"]) ?? "";
        if (parentUid && !t.folder.get(`${c.id.orgId}/${parentUid}`)) return k8sStatus(400, "BadRequest", "parent folder not found"); // [unverified]
        return { title, description: str(spec.description) ?? "", parentUid, name: n, rv: str(meta.resourceVersion) };
    };

    add("GET", base, role("Viewer", "folders:read"), (c) => {
        const orgId = orgOf(c, FOLDER_GROUP, "folders");
        if (typeof orgId !== "number") return orgId;
        const pg = page(
            // only what the caller may read (docs folder access control: folders:read comes with View)
            t.folder.filter((f) => f.orgId === orgId && h.access.canRead(c.id, "folder", f.uid)).map((f) => ({ name: f.uid, f })),
            c,
        );
        if ("status" in pg) return pg;
        return {
            status: 200,
            body: {
                kind: "FolderList",
                apiVersion,
                metadata: { resourceVersion: String(Date.now() * 1000), ...(pg.cont ? { continue: pg.cont, remainingItemCount: pg.remaining } : {}) },
                items: pg.items.map((x) => toObject(x.f)),
            },
        };
    });
    add("GET", `${base}/:name`, role("Viewer", "folders:read"), (c) => {
        const orgId = orgOf(c, FOLDER_GROUP, "folders");
        if (typeof orgId !== "number") return orgId;
        const f = t.folder.get(`${orgId}/${c.params.name}`);
        if (!f) return notFound(c.params.name);
        if (!h.access.canRead(c.id, "folder", f.uid)) return forbidden(FOLDER_GROUP, "folders", "get", f.uid); // as the dashboard GET
        return { status: 200, body: toObject(f) };
    });
    add(
        "POST",
        base,
        role("Viewer", "folders:create"), // the folder check below decides (a Viewer with Edit on the parent may)
        (c) => {
            const orgId = orgOf(c, FOLDER_GROUP, "folders");
            if (typeof orgId !== "number") return orgId;
            const x = parse(c, undefined);
            if ("status" in x) return x;
            // a subfolder needs Edit on its parent (docs folder access control: folders:create comes with Edit); a root
            // folder the org role Editor (access.ts: the General folder takes the org role)
            if (h.access.folderLevel(c.id, orgId, x.parentUid) < 2) return forbidden(FOLDER_GROUP, "folders", "create", x.name);
            if (t.folder.get(`${orgId}/${x.name}`) || t.dashboard.get(`${orgId}/${x.name}`))
                return k8sStatus(409, "AlreadyExists", `folders.${FOLDER_GROUP} "${x.name}" already exists`, details(x.name));
            const ts = h.now();
            const f: Folder = {
                id: h.store.nextId("dashboard"),
                uid: x.name,
                orgId,
                title: x.title,
                parentUid: x.parentUid,
                version: 1,
                created: ts,
                updated: ts,
                ...(x.description ? { description: x.description } : {}),
            };
            t.folder.put(f);
            return { status: 201, body: toObject(f) };
        },
        true,
    );
    add(
        "PUT",
        `${base}/:name`,
        role("Viewer", "folders:write"),
        (c) => {
            const orgId = orgOf(c, FOLDER_GROUP, "folders");
            if (typeof orgId !== "number") return orgId;
            const x = parse(c, c.params.name);
            if ("status" in x) return x;
            const f = t.folder.get(`${orgId}/${x.name}`);
            if (!f) return notFound(x.name);
            // Edit on the folder (folders:write), and on the new parent when it moves [unverified for the move: P8]
            if (h.access.folderLevel(c.id, orgId, f.uid) < 2 || (x.parentUid !== f.parentUid && h.access.folderLevel(c.id, orgId, x.parentUid) < 2))
                return forbidden(FOLDER_GROUP, "folders", "update", f.uid);
            if (x.rv && x.rv !== resourceVersionOf(f.updated, f.version))
                return k8sStatus(
                    409,
                    "Conflict",
                    `Operation cannot be fulfilled on folders.${FOLDER_GROUP} "${x.name}": the object has been modified; please apply your changes to the latest version and try again`,
                    details(x.name),
                );
            // a folder cannot move below itself (docs folder: move) [message unverified]
            for (let at = x.parentUid; at; at = t.folder.get(`${orgId}/${at}`)?.parentUid ?? "")
                if (at === f.uid) return k8sStatus(400, "BadRequest", "cannot move a folder into itself or one of its subfolders");
            f.title = x.title;
            f.parentUid = x.parentUid;
            if (x.description) f.description = x.description;
            else delete f.description;
            f.version += 1;
            f.updated = h.now();
            t.folder.put(f);
            return { status: 200, body: toObject(f) };
        },
        true,
    );
    add("DELETE", `${base}/:name`, role("Viewer", "folders:delete"), (c) => {
        const orgId = orgOf(c, FOLDER_GROUP, "folders");
        if (typeof orgId !== "number") return orgId;
        const f = t.folder.get(`${orgId}/${c.params.name}`);
        if (!f) return notFound(c.params.name);
        // Edit on the folder, as the legacy delete lets an org Editor delete. Sources differ: docs folder access control
        // (13.0) lists "Delete folder" under Admin, the 9.x+ level text under Edit [unverified: SOURCES-RESEARCH P6]
        if (h.access.folderLevel(c.id, orgId, f.uid) < 2) return forbidden(FOLDER_GROUP, "folders", "delete", f.uid);
        // as the legacy delete: what the folder holds goes with it [unverified for /apis]
        const gone = new Set<string>([f.uid]);
        for (let grew = true; grew;) {
            grew = false;
            for (const x of t.folder.values())
                if (x.orgId === orgId && gone.has(x.parentUid) && !gone.has(x.uid)) {
                    gone.add(x.uid);
                    grew = true;
                }
        }
        const deadDash = new Set(t.dashboard.filter((d) => d.orgId === orgId && gone.has(d.folderUid)).map((d) => d.uid));
        t.folder.deleteWhere((x) => x.orgId === orgId && gone.has(x.uid));
        t.dashboard.deleteWhere((d) => d.orgId === orgId && deadDash.has(d.uid));
        t.dashver.deleteWhere((d) => d.orgId === orgId && deadDash.has(d.uid));
        return {
            status: 200,
            body: {
                kind: "Status",
                apiVersion: "v1",
                metadata: {},
                status: "Success",
                details: { name: f.uid, group: FOLDER_GROUP, kind: "folders" },
            },
        };
    });
}

/** GET/DELETE /api/datasources/:id (docs data_source, deprecated since 9.0): served where the profile has them; from
 *  13.0 disabled by default (what's new 2026-04-14, "Deprecated data source APIs disabled by default"), so 404. */
export function dataSourceIdRoutes(h: ApisHost, add: AddRoute, role: RoleAccess, dto: (orgId: number, uid: string) => JsonObject | undefined): void {
    if (!h.profile.dataSourceIdApi) return;
    const byId = (orgId: number, id: string) => h.t.datasource.find((d) => d.orgId === orgId && String(d.id) === id);
    add("GET", "/api/datasources/:id", role("Admin", "datasources:read"), (c) => {
        const d = byId(c.id.orgId, c.params.id);
        const body = d && dto(d.orgId, d.uid);
        return body ? { status: 200, body } : { status: 404, body: { message: "Data source not found" } };
    });
    add("DELETE", "/api/datasources/:id", role("Admin", "datasources:delete"), (c) => {
        const d = byId(c.id.orgId, c.params.id);
        if (!d) return { status: 404, body: { message: "Data source not found" } };
        if (d.readOnly) return { status: 403, body: { message: "Cannot delete read-only data source" } };
        h.t.datasource.delete(d);
        return { status: 200, body: { message: "Data source deleted" } };
    });
}
