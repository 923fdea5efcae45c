// The Grafana version behind a URL, learned once per URL in the provider host (never during a preview: only create,
// read, update and delete ask), and the APIs that version serves:
// - dashboards: /apis/dashboard.grafana.app from 12.0 (v1beta1 / v2beta1; docs "Dashboard APIs", 12.x), v1 / v2 from
//   13.0 (docs 13.0); the legacy /api/dashboards before;
// - folders: /apis/folder.grafana.app/v1 from 13.0 (13.0 folders have no numeric id); /api/folders before;
// - data sources: always by uid (the numeric-id routes are off by default from 13.0: what's new 2026-04-14).
// A version the server does not serve (its discovery document answers 404) falls back to the legacy API.
import { GrafanaClient, isStatus } from "./client";

export interface ServerApis {
    /** e.g. "13.2.0"; undefined when Grafana hides it (hide_version) and the build info is not readable either */
    version?: string;
    major?: number;
    /** dashboard.grafana.app versions to use; undefined: the legacy /api/dashboards */
    dashboards?: { v1: string; v2: string };
    /** folder.grafana.app version to use; undefined: the legacy /api/folders */
    folders?: string;
}

/** The APIs of a version string (exported for tests). */
export function apisOfVersion(version: string | undefined): ServerApis {
    const m = version ? /^v?(\d+)\.(\d+)/.exec(version) : null;
    if (!m) return { version };
    const major = Number(m[1]);
    if (major >= 13) return { version, major, dashboards: { v1: "v1", v2: "v2" }, folders: "v1" };
    if (major === 12) return { version, major, dashboards: { v1: "v1beta1", v2: "v2beta1" } };
    return { version, major };
}

/** Per URL, in the host's process (globalThis: the closure serializer copies module-level values). */
function cache(): Map<string, Promise<ServerApis>> {
    const g = globalThis as unknown as Record<string, Map<string, Promise<ServerApis>> | undefined>;
    return (g.__pulumiGrafanaDynamicServerApis ??= new Map());
}

/** Forget what was learned (tests; a server upgraded while a host runs is not expected). */
export function forgetServerVersions(): void {
    cache().clear();
}

/**
 * The server's version and APIs: GET /api/health (docs: no auth; version omitted with hide_version), else the build
 * info of GET /api/frontend/settings. Unknown: the legacy API, which every version up to 13.x still serves.
 */
export function serverApis(client: GrafanaClient): Promise<ServerApis> {
    const c = cache();
    let p = c.get(client.url);
    if (!p) {
        p = learn(client);
        c.set(client.url, p);
        // a failure is not remembered: the next call asks again
        p.catch(() => c.delete(client.url));
    }
    return p;
}

async function learn(client: GrafanaClient): Promise<ServerApis> {
    const health = (await client.get<{ version?: string }>("/api/health")).data;
    let version = typeof health?.version === "string" && health.version !== "" ? health.version : undefined;
    if (!version) {
        const settings = await client.get<{ buildInfo?: { version?: string } }>("/api/frontend/settings").catch(() => undefined);
        version = settings?.data?.buildInfo?.version || undefined;
    }
    const apis = apisOfVersion(version);
    // A version can be switched off (feature toggles): the API discovery document says whether it is served; where
    // it is not, the legacy API, which 12.x and 13.x still serve
    if (apis.dashboards && !(await serves(client, `/apis/dashboard.grafana.app/${apis.dashboards.v1}`))) delete apis.dashboards;
    if (apis.folders && !(await serves(client, `/apis/folder.grafana.app/${apis.folders}`))) delete apis.folders;
    return apis;
}

/** GET of an API group version's discovery document: 2xx served, 404 not; anything else is an error (not remembered). */
async function serves(client: GrafanaClient, path: string): Promise<boolean> {
    try {
        await client.get(path);
        return true;
    } catch (e) {
        if (isStatus(e, 404)) return false;
        throw e;
    }
}
