// The app-platform ("Kubernetes-style") API of Grafana 12+/13+ for dashboards and folders, answered in the shapes the
// legacy API gives (so dashboard.ts and folder.ts keep one code path): /apis/<group>/<version>/namespaces/<ns>/<plural>
// (docs "Grafana's New API Structure"). Name = uid; the folder is the "grafana.app/folder" annotation; optimistic
// concurrency by metadata.resourceVersion, a stale one answered 409 Conflict (handled as the legacy 412).
import type { GrafanaClient, GrafanaError, HttpMethod } from "./client";
import { isStatus, unlessGone } from "./client";
import { isV2Stored, V2_API_VERSION } from "./dashboard-v2";
import type { ServerApis } from "./server-version";
import { orgForCreate } from "./org";

type JsonObject = Record<string, unknown>;

const DASH = "dashboard.grafana.app";
const FOLDER = "folder.grafana.app";
const FOLDER_ANNOTATION = "grafana.app/folder";
/** the legacy numeric id, where the server still has one (absent: no numeric id) */
const INTERNAL_ID_LABEL = "grafana.app/deprecatedInternalID";
/** the version-history message of a save [unverified: annotation name from the 12.x dashboard docs' examples] */
const MESSAGE_ANNOTATION = "grafana.app/message";

interface K8sObject {
    apiVersion?: string;
    kind?: string;
    metadata: {
        name: string;
        resourceVersion?: string;
        generation?: number;
        annotations?: Record<string, string>;
        labels?: Record<string, string>;
    };
    spec: JsonObject;
    status?: { conversion?: { failed?: boolean; storedVersion?: string; error?: string } };
}

/** docs API structure: org 1 is the namespace "default", org N is "org-N" (OSS and on-premise Grafana). */
export function namespaceOf(orgId: number): string {
    return orgId === 1 ? "default" : `org-${orgId}`;
}

function slugify(title: string): string {
    return title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "");
}

function internalId(o: K8sObject): number | undefined {
    const v = o.metadata.labels?.[INTERNAL_ID_LABEL];
    const n = v === undefined ? NaN : Number(v);
    return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** A conflict found before sending (our version is not the server's): the same error shape as the client's. */
function conflict(method: HttpMethod, path: string, message: string): GrafanaError {
    const e = new Error(`Grafana ${method} ${path} failed: 409 ${message}`) as GrafanaError;
    e.name = "GrafanaError";
    return Object.assign(e, { method, path, status: 409, grafanaMessage: message, retried: false });
}

// --- dashboards ------------------------------------------------------------------

/** What the legacy GET /api/dashboards/uid/:uid gives, plus what the app-platform API adds. */
export interface AppDashboard {
    /** v1: the classic model with uid and version; v2: the resource {apiVersion, kind, spec} */
    dashboard: JsonObject;
    meta: { url: string; version: number; folderUid?: string };
    resourceVersion?: string;
    /** the legacy numeric id, where the server has one */
    id?: number;
    v2: boolean;
}

function dashPath(apis: ServerApis, orgId: number, v2: boolean, name?: string): string {
    const d = apis.dashboards!;
    return `/apis/${DASH}/${v2 ? d.v2 : d.v1}/namespaces/${namespaceOf(orgId)}/dashboards${name === undefined ? "" : `/${encodeURIComponent(name)}`}`;
}

function toDashboard(o: K8sObject, v2: boolean): AppDashboard {
    const version = o.metadata.generation ?? 0;
    const uid = o.metadata.name;
    const title = typeof o.spec.title === "string" ? o.spec.title : "";
    const id = internalId(o);
    // v1: the classic model, as the legacy GET gives it (uid and version set by the server); v2: the resource as
    // Grafana 13 exports it (kind, spec; apiVersion as stored in this package, dashboard-v2.ts; metadata is the server's)
    const dashboard: JsonObject = v2
        ? { apiVersion: V2_API_VERSION, kind: "Dashboard", spec: o.spec }
        : { ...o.spec, uid, version, ...(id !== undefined ? { id } : {}) };
    return {
        dashboard,
        meta: { url: `/d/${uid}/${slugify(title)}`, version, folderUid: o.metadata.annotations?.[FOLDER_ANNOTATION] || undefined },
        resourceVersion: o.metadata.resourceVersion,
        id,
        v2,
    };
}

/**
 * GET of a dashboard through the version of its schema: asked in `preferV2`'s schema; a dashboard stored in the other
 * one (the answer's status.conversion.storedVersion) is read again in that one, as grafana/mcp-grafana#937 does.
 */
export async function getDashboard(
    client: GrafanaClient,
    apis: ServerApis,
    uid: string,
    orgId: number | undefined,
    preferV2 = false,
): Promise<AppDashboard> {
    const org = await orgForCreate(client, orgId);
    const o = (await client.get<K8sObject>(dashPath(apis, org, preferV2, uid), { orgId })).data;
    const stored = o.status?.conversion?.storedVersion;
    const storedV2 = stored ? /\/v2/.test(stored) : preferV2;
    if (storedV2 !== preferV2) return toDashboard((await client.get<K8sObject>(dashPath(apis, org, storedV2, uid), { orgId })).data, storedV2);
    return toDashboard(o, preferV2);
}

export interface AppSave {
    uid: string;
    /** v1: the classic model; v2: the resource (its spec is sent) */
    model: JsonObject;
    folderUid?: string;
    message?: string;
    /** the version our state holds (undefined: a create) */
    version: number | undefined;
    overwrite: boolean;
}

/**
 * A save with the legacy semantics: a create (no version) of a taken name answers 409 AlreadyExists; an update whose
 * version is not the server's answers 409 (unless overwrite); an update sends the resourceVersion it read, so a
 * change made between the read and the write is a 409 Conflict from the server.
 */
export async function saveDashboard(
    client: GrafanaClient,
    apis: ServerApis,
    orgId: number | undefined,
    s: AppSave,
): Promise<{ id?: number; uid: string; url: string; version: number }> {
    const org = await orgForCreate(client, orgId);
    const v2 = isV2Stored(s.model);
    const spec: JsonObject = v2 ? { ...(s.model.spec as JsonObject) } : { ...s.model, uid: s.uid };
    if (!v2) {
        delete spec.id;
        delete spec.version;
    }
    const annotations: Record<string, string> = {};
    if (s.folderUid) annotations[FOLDER_ANNOTATION] = s.folderUid;
    if (s.message) annotations[MESSAGE_ANNOTATION] = s.message;
    const done = (o: K8sObject) => {
        const d = toDashboard(o, v2);
        return { id: d.id, uid: s.uid, url: d.meta.url, version: d.meta.version };
    };
    const create = async () => {
        const path = dashPath(apis, org, v2, undefined);
        return done((await client.post<K8sObject>(path, { metadata: { name: s.uid, annotations }, spec }, { orgId })).data);
    };
    if (s.version === undefined && !s.overwrite) return create();
    const path = dashPath(apis, org, v2, s.uid);
    const current = await unlessGone(() => client.get<K8sObject>(path, { orgId }).then((r) => r.data));
    if (!current) return create();
    const generation = current.metadata.generation ?? 0;
    if (!s.overwrite && generation !== s.version) {
        throw conflict(
            "PUT",
            path,
            `the dashboard has been changed by someone else (version ${generation} in Grafana, ${s.version ?? "none"} in this stack)`,
        );
    }
    // overwrite: unconditional (no resourceVersion); else the one read, for the server's own check
    const metadata = { name: s.uid, annotations, ...(s.overwrite ? {} : { resourceVersion: current.metadata.resourceVersion }) };
    return done((await client.put<K8sObject>(path, { metadata, spec }, { orgId })).data);
}

export async function deleteDashboard(client: GrafanaClient, apis: ServerApis, uid: string, orgId: number | undefined): Promise<void> {
    const org = await orgForCreate(client, orgId);
    // a v1 path deletes a dashboard stored in either schema (one object, several versions)
    await client.delete(dashPath(apis, org, false, uid), { orgId });
}

/** A 409 from the app-platform API: a conflict or a taken name (what the legacy API answers 412 for). */
export function isConflict(e: unknown): e is GrafanaError {
    return isStatus(e, 409);
}

// --- folders ---------------------------------------------------------------------

/** The legacy FolderBody, without the numeric id (13.0 has none). */
export interface AppFolder {
    id?: number;
    uid: string;
    title: string;
    url: string;
    version: number;
    parentUid?: string;
}

function folderPath(apis: ServerApis, orgId: number, name?: string): string {
    return `/apis/${FOLDER}/${apis.folders}/namespaces/${namespaceOf(orgId)}/folders${name === undefined ? "" : `/${encodeURIComponent(name)}`}`;
}

function toFolder(o: K8sObject): AppFolder {
    const title = typeof o.spec.title === "string" ? o.spec.title : "";
    return {
        id: internalId(o),
        uid: o.metadata.name,
        title,
        url: `/dashboards/f/${o.metadata.name}/${slugify(title)}`,
        version: o.metadata.generation ?? 0,
        parentUid: o.metadata.annotations?.[FOLDER_ANNOTATION] || undefined,
    };
}

export async function getFolder(client: GrafanaClient, apis: ServerApis, uid: string, orgId: number | undefined): Promise<AppFolder | undefined> {
    const org = await orgForCreate(client, orgId);
    const o = await unlessGone(() => client.get<K8sObject>(folderPath(apis, org, uid), { orgId }));
    return o && toFolder(o.data);
}

export async function createFolder(
    client: GrafanaClient,
    apis: ServerApis,
    orgId: number,
    f: { uid: string; title: string; parentUid?: string },
): Promise<AppFolder> {
    const metadata = { name: f.uid, ...(f.parentUid ? { annotations: { [FOLDER_ANNOTATION]: f.parentUid } } : {}) };
    return toFolder((await client.post<K8sObject>(folderPath(apis, orgId), { metadata, spec: { title: f.title } }, { orgId })).data);
}

/**
 * Sets a folder's title and parent: the declared ones win (as the legacy PUT with overwrite), so a 409 from a change
 * made between our read and write is answered by reading again, a few times.
 */
export async function updateFolder(
    client: GrafanaClient,
    apis: ServerApis,
    orgId: number,
    uid: string,
    want: { title?: string; parentUid?: string },
): Promise<AppFolder> {
    const path = folderPath(apis, orgId, uid);
    for (let attempt = 1; ; attempt++) {
        const cur = (await client.get<K8sObject>(path, { orgId })).data;
        const annotations = { ...(cur.metadata.annotations ?? {}) };
        if (want.parentUid !== undefined) {
            if (want.parentUid) annotations[FOLDER_ANNOTATION] = want.parentUid;
            else delete annotations[FOLDER_ANNOTATION];
        }
        const body = {
            metadata: { name: uid, resourceVersion: cur.metadata.resourceVersion, annotations },
            spec: { ...cur.spec, ...(want.title !== undefined ? { title: want.title } : {}) },
        };
        try {
            return toFolder((await client.put<K8sObject>(path, body, { orgId })).data);
        } catch (e) {
            if (!isStatus(e, 409) || attempt >= 3) throw e;
        }
    }
}

export async function deleteFolder(client: GrafanaClient, apis: ServerApis, uid: string, orgId: number): Promise<void> {
    await client.delete(folderPath(apis, orgId, uid), { orgId });
}
