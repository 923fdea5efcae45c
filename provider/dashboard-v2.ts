// Dashboard models as Grafana 12/13 export them: a schema v2 resource ({apiVersion: "dashboard.grafana.app/v2…",
// kind: "Dashboard", metadata, spec: {title, elements, layout, …}}), a bare v2 spec (the foundation SDK's
// dashboardv2 / dashboardv2beta1 DashboardBuilder.build()), or a v1 resource (spec = the classic model). Checked and
// brought to one stored form without HTTP. Shapes: @grafana/grafana-foundation-sdk (Apache-2.0) dashboardv2 types.
import { isJsonObject, JsonObject, parseDashboard, ParsedDashboard } from "./dashboard-json";
import { checkUid, Failure, isUnknown } from "./validate";

/** The apiVersion of every v2 model as stored: the server's own version (v2beta1 on 12.x, v2 on 13.x) is chosen on save. */
export const V2_API_VERSION = "dashboard.grafana.app/v2";

const RESOURCE_RE = /^dashboard\.grafana\.app\/(v\d+)/;

/** A v2 model in its stored form (see canonical): what the app-platform path sends as a v2 spec. */
export function isV2Stored(m: JsonObject): boolean {
    return m.apiVersion === V2_API_VERSION && m.kind === "Dashboard" && isJsonObject(m.spec);
}

/** The title of a v1 or v2 model. */
export function titleOf(m: JsonObject): string {
    const t = isV2Stored(m) && isJsonObject(m.spec) ? m.spec.title : m.title;
    return typeof t === "string" ? t : "";
}

/**
 * Parses a model given as an object or JSON text: a v2 resource or spec becomes {apiVersion: V2_API_VERSION, kind,
 * spec, uid?} (uid = metadata.name; the rest of metadata is the server's: the folder is the folderUid arg); a v1
 * resource becomes its classic model with uid = metadata.name; a classic model is checked as before.
 */
export function parseAnyDashboard(value: unknown): ParsedDashboard {
    let d: unknown = value;
    if (typeof value === "string") {
        try {
            d = JSON.parse(value);
        } catch {
            return parseDashboard(value); // reports the JSON error
        }
    }
    if (!isJsonObject(d)) return parseDashboard(value);
    const api = typeof d.apiVersion === "string" ? RESOURCE_RE.exec(d.apiVersion) : null;
    const meta = isJsonObject(d.metadata) ? d.metadata : {};
    // metadata.name as exported; a top-level uid as this package stores it (a refreshed model read back)
    const name = typeof meta.name === "string" && meta.name !== "" ? meta.name : typeof d.uid === "string" && d.uid !== "" ? d.uid : undefined;
    if (api && isJsonObject(d.spec)) {
        if (api[1].startsWith("v2")) return v2(d.spec, name);
        // a v1 resource: the classic model in spec (docs "V1 Resource model", grafana/grafana#127169)
        const classic = parseDashboard({ ...d.spec, ...(name ? { uid: name } : {}) });
        return classic;
    }
    if (isJsonObject(d.elements) && isJsonObject(d.layout)) return v2(d, typeof d.uid === "string" ? d.uid : undefined);
    return parseDashboard(d);
}

function v2(spec: JsonObject, uid: string | undefined): ParsedDashboard {
    const failures: Failure[] = [];
    const title = spec.title;
    if (!isUnknown(title) && (typeof title !== "string" || title.trim() === "")) {
        failures.push({ property: "dashboard.spec.title", reason: "a v2 dashboard's spec.title must be a non-empty string" });
    }
    if (!isJsonObject(spec.elements))
        failures.push({ property: "dashboard.spec.elements", reason: "a v2 dashboard needs spec.elements (an object of panels by key)" });
    const layout = spec.layout;
    if (!isJsonObject(layout) || typeof layout.kind !== "string") {
        failures.push({ property: "dashboard.spec.layout", reason: 'a v2 dashboard needs spec.layout with a kind (e.g. "GridLayout")' });
    }
    checkUid(failures, "dashboard.metadata.name", uid);
    const { uid: _drop, ...rest } = spec;
    return { dashboard: { apiVersion: V2_API_VERSION, kind: "Dashboard", spec: rest, ...(uid ? { uid } : {}) }, failures };
}

/** The error for a v2 model on a server without the v2 API. */
export function v2Unsupported(version: string | undefined, url: string): string {
    return (
        `this is a schema v2 dashboard (apiVersion ${V2_API_VERSION}); Grafana ${version ?? "(version hidden)"} at ${url} has no v2 ` +
        "dashboard API: it needs Grafana 12 (dashboard.grafana.app/v2beta1, behind Grafana's dynamic-dashboards feature toggles) or Grafana 13 " +
        "(v2, on by default). Upgrade Grafana, or give the classic (v1) JSON model"
    );
}
