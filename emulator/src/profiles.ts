// Profiles: each follows the behaviour of one Grafana version, chosen at start. Where a behaviour comes from is
// said next to it in emulator.ts; the per-profile switches are here.
export type ProfileName = "10.0" | "11.6" | "12.x" | "13.x";
export const PROFILE_NAMES: ProfileName[] = ["10.0", "11.6", "12.x", "13.x"];
export const DEFAULT_PROFILE: ProfileName = "12.x";

/** What POST /api/auth/keys does: 10.x makes keys; 11.3+ answers 410; 12.x has no /api/auth/keys routes (404). */
export type ApiKeyMode = "legacy" | "gone410" | "removed404";

export interface Profile {
    name: ProfileName;
    /** what GET /api/health reports */
    version: string;
    apiKeys: ApiKeyMode;
    /** nested folders: on by default from 11.0 (what's new in 11.0); 10.x only behind a feature toggle, off here */
    nestedFolders: boolean;
    /** a second dashboard with the same title in a folder is refused (412 name-exists): observed on a real 10.0;
     *  the constraint was removed in 11.3 (grafana/grafana#90687, "Dashboards: Remove unique name constraints") */
    uniqueDashboardTitles: boolean;
    /** 12.x migrates a saved model to its latest schemaVersion (grafana/grafana#104213); 10.0 keeps what was sent (observed) */
    rewriteSchemaVersion?: number;
    /** answers and messages exactly as the real 10.0 transcript shows (test/support/grafana-observed.md) */
    observed10: boolean;
    /** the app-platform API versions served (emulator/src/apis.ts); absent: no /apis routes */
    apis?: AppPlatformVersions;
    /** folders carry a numeric id; 13.0 dropped it (Grafana 13 release notes / docs, see apis.ts) */
    numericFolderIds: boolean;
    /** /api/datasources/:id routes; disabled by default from 13.0 (what's new 2026-04-14, "Deprecated data source APIs
     *  disabled by default": toggle datasourceLegacyIdApi) */
    dataSourceIdApi: boolean;
    /** POST /api/dashboards/db refuses a body that looks like schema v2 (grafana/grafana#118665, 2026-02; 13.x) */
    legacyRefusesV2: boolean;
}

export interface AppPlatformVersions {
    /** dashboard.grafana.app versions whose spec is the classic (v1) model, oldest first; the last is the one to use */
    dashboardV1: string[];
    /** dashboard.grafana.app versions whose spec is schema v2 */
    dashboardV2: string[];
    /** folder.grafana.app versions */
    folder: string[];
}

// Versions: the patch releases whose behaviour the profiles follow (e.g. the data-source uid check of 11.6.15 / 12.4.4).
const OLD = { numericFolderIds: true, dataSourceIdApi: true, legacyRefusesV2: false };
// 12.4 docs: /apis/dashboard.grafana.app/v1beta1 and v2beta1, /apis/folder.grafana.app/v1beta1
// (grafana.com/docs/grafana/v12.4/developer-resources/api-reference/http-api/{dashboard,folder}).
const APIS_12: AppPlatformVersions = { dashboardV1: ["v1beta1"], dashboardV2: ["v2beta1"], folder: ["v1beta1"] };
// 13.x docs: /v1 and /v2 (grafana.com/docs/grafana/v13.2/developer-resources/api-reference/http-api/{dashboard,folder});
// the beta versions still served beside them [unverified]
const APIS_13: AppPlatformVersions = { dashboardV1: ["v1beta1", "v1"], dashboardV2: ["v2beta1", "v2"], folder: ["v1beta1", "v1"] };
const PROFILES: Record<ProfileName, Profile> = {
    "10.0": { name: "10.0", version: "10.0.0", apiKeys: "legacy", nestedFolders: false, uniqueDashboardTitles: true, observed10: true, ...OLD },
    "11.6": {
        name: "11.6",
        version: "11.6.15",
        apiKeys: "gone410",
        nestedFolders: true,
        uniqueDashboardTitles: false,
        observed10: false,
        ...OLD,
    },
    "12.x": {
        name: "12.x",
        version: "12.4.4",
        apiKeys: "removed404",
        nestedFolders: true,
        uniqueDashboardTitles: false,
        rewriteSchemaVersion: 41,
        observed10: false,
        ...OLD,
        apis: APIS_12,
    },
    // follows 13.2 (released 2026-08-18)
    "13.x": {
        name: "13.x",
        version: "13.2.0",
        apiKeys: "removed404",
        nestedFolders: true,
        uniqueDashboardTitles: false,
        rewriteSchemaVersion: 41, // [unverified] for 13.x
        observed10: false,
        apis: APIS_13,
        numericFolderIds: false,
        dataSourceIdApi: false,
        legacyRefusesV2: true,
    },
};

export function profileNamed(name: string): Profile {
    const n = name === "latest" ? DEFAULT_PROFILE : name;
    const p = PROFILES[n as ProfileName];
    if (!p) throw new Error(`unknown profile "${name}": one of ${PROFILE_NAMES.join(", ")} (or latest)`);
    return { ...p };
}

/** For in-process tests that name a Grafana version rather than a profile: the version-dependent switches by their
 *  documented version boundaries; the rest (unique titles, schema rewrite) only when asked for. */
export function profileForVersion(version: string): Profile {
    const base =
        compareVersion(version, "13.0.0") >= 0
            ? "13.x"
            : compareVersion(version, "12.0.0") >= 0
              ? "12.x"
              : compareVersion(version, "11.0.0") >= 0
                ? "11.6"
                : "10.0";
    return {
        ...profileNamed(base),
        version,
        // POST /api/auth/keys answers 410 from 11.3 (release notes 11.3); the routes are gone in 12.x (404)
        apiKeys: compareVersion(version, "11.3.0") < 0 ? "legacy" : compareVersion(version, "12.1.0") < 0 ? "gone410" : "removed404",
        uniqueDashboardTitles: false,
        rewriteSchemaVersion: undefined,
    };
}

export function compareVersion(a: string, b: string): number {
    const pa = a.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
    const pb = b.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
    for (let i = 0; i < 3; i++) {
        const d = (pa[i] ?? 0) - (pb[i] ?? 0);
        if (d !== 0) return d;
    }
    return 0;
}
