import { createHash } from "crypto";
import { checkUid, Failure, isUnknown } from "./validate";

export type JsonObject = { [key: string]: unknown };

/** Fields Grafana assigns on save; they never count as a change. */
export const SERVER_ASSIGNED_FIELDS = ["id", "version", "uid"];

export function isJsonObject(v: unknown): v is JsonObject {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** JSON with sorted keys and no whitespace: one spelling per dashboard, whatever the source order. */
export function canonicalJson(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
    if (isJsonObject(value)) {
        const keys = Object.keys(value)
            .filter((k) => value[k] !== undefined)
            .sort();
        return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
    }
    return JSON.stringify(value ?? null);
}

/** The dashboard without what Grafana assigns, as canonical JSON. */
export function normalizeDashboard(dashboard: JsonObject): string {
    const copy: JsonObject = { ...dashboard };
    for (const f of SERVER_ASSIGNED_FIELDS) delete copy[f];
    return canonicalJson(copy);
}

export function dashboardHash(dashboard: JsonObject): string {
    return createHash("sha256").update(normalizeDashboard(dashboard)).digest("hex");
}

export interface ParsedDashboard {
    dashboard?: JsonObject;
    failures: Failure[];
}

function findExportPlaceholder(v: unknown, path: string): string | undefined {
    if (typeof v === "string") return /\$\{DS_[A-Z0-9_]+\}/.test(v) ? path : undefined;
    if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
            const hit = findExportPlaceholder(v[i], `${path}[${i}]`);
            if (hit) return hit;
        }
    } else if (isJsonObject(v)) {
        for (const [k, x] of Object.entries(v)) {
            const hit = findExportPlaceholder(x, `${path}.${k}`);
            if (hit) return hit;
        }
    }
    return undefined;
}

/** Parses (object or JSON text) and validates a dashboard model without any HTTP call. */
export function parseDashboard(value: unknown): ParsedDashboard {
    const failures: Failure[] = [];
    let dashboard: unknown = value;
    if (typeof value === "string") {
        try {
            dashboard = JSON.parse(value);
        } catch (e) {
            failures.push({ property: "dashboard", reason: `dashboard is not valid JSON: ${(e as Error).message}` });
            return { failures };
        }
    }
    if (!isJsonObject(dashboard)) {
        failures.push({ property: "dashboard", reason: "dashboard must be a JSON object (the dashboard model)" });
        return { failures };
    }
    if (isJsonObject(dashboard.dashboard) && dashboard.title === undefined) {
        failures.push({
            property: "dashboard",
            reason: "dashboard looks like an API request body ({dashboard: ...}); pass its inner 'dashboard' object, and folderUid/overwrite/message as resource args",
        });
        return { failures };
    }
    if ("__inputs" in dashboard || "__requires" in dashboard) {
        failures.push({
            property: "dashboard",
            reason: "dashboard was exported with 'Export for sharing externally' (it has __inputs/__requires and ${DS_...} placeholders), which Grafana cannot import through the API. Re-export it with that option off, or copy it from Dashboard settings > JSON Model",
        });
        return { failures };
    }
    const placeholder = findExportPlaceholder(dashboard, "dashboard");
    if (placeholder) {
        failures.push({
            property: placeholder,
            reason: `${placeholder} holds a \${DS_...} placeholder from 'Export for sharing externally'; replace it with a real data source uid, or re-export with that option off`,
        });
    }
    const title = dashboard.title;
    if (!isUnknown(title) && (typeof title !== "string" || title.trim() === "")) {
        failures.push({ property: "dashboard.title", reason: "dashboard.title must be a non-empty string" });
    }
    checkUid(failures, "dashboard.uid", dashboard.uid);
    return { dashboard, failures };
}
