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
    // A copy with sorted keys through the native JSON.stringify is about twice as fast as building the text here;
    // it cannot spell objects with integer-like keys (V8 puts those first, in numeric order), so those go the slow way.
    const sorted = sortedCopy(value);
    return sorted === INTEGER_KEYS ? slowCanonicalJson(value) : (JSON.stringify(sorted) ?? "null");
}

const INTEGER_KEYS = Symbol("integer-like key");
const INTEGER_LIKE = /^(0|[1-9][0-9]*)$/;

function sortedCopy(value: unknown): unknown {
    if (Array.isArray(value)) {
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) {
            const c = sortedCopy(value[i]);
            if (c === INTEGER_KEYS) return c;
            out[i] = c;
        }
        return out;
    }
    if (!isJsonObject(value)) return value;
    // No prototype: a "__proto__" key from JSON.parse stays an ordinary key.
    const out = Object.create(null) as JsonObject;
    for (const k of Object.keys(value).sort()) {
        if (value[k] === undefined) continue;
        if (INTEGER_LIKE.test(k)) return INTEGER_KEYS;
        const c = sortedCopy(value[k]);
        if (c === INTEGER_KEYS) return c;
        out[k] = c;
    }
    return out;
}

function slowCanonicalJson(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(slowCanonicalJson).join(",")}]`;
    if (isJsonObject(value)) {
        const keys = Object.keys(value)
            .filter((k) => value[k] !== undefined)
            .sort();
        return `{${keys.map((k) => `${JSON.stringify(k)}:${slowCanonicalJson(value[k])}`).join(",")}}`;
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
    if (typeof v === "string") return /\$\{DS_[A-Za-z0-9_]+\}/.test(v) ? path : undefined;
    if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
            const hit = findExportPlaceholder(v[i], `${path}[${i}]`);
            if (hit) return hit;
        }
    } else if (isJsonObject(v)) {
        for (const [k, x] of Object.entries(v)) {
            if (k === "__inputs") continue;
            const hit = findExportPlaceholder(x, `${path}.${k}`);
            if (hit) return hit;
        }
    }
    return undefined;
}

/** One entry of `__inputs` in a dashboard from "Export for sharing externally". */
interface ExportInput {
    name: string;
    type?: string;
    value?: unknown;
}

function exportInputs(dashboard: JsonObject): ExportInput[] {
    const raw = dashboard.__inputs;
    if (!Array.isArray(raw)) return [];
    return raw.filter((i): i is ExportInput => isJsonObject(i) && typeof i.name === "string");
}

function replacePlaceholders(v: unknown, values: Record<string, string>): unknown {
    if (typeof v === "string") {
        return v.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => (name in values ? values[name] : whole));
    }
    if (Array.isArray(v)) return v.map((x) => replacePlaceholders(x, values));
    if (isJsonObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replacePlaceholders(x, values)]));
    return v;
}

/**
 * Resolves the `${NAME}` placeholders of an exported dashboard the way Grafana's import screen does: each input of
 * `__inputs` takes its value from `inputs` (a data-source uid, or a constant), a constant falls back to its exported
 * value. `__inputs` is dropped once resolved. Failures name the missing or unknown input names.
 */
export function applyInputs(dashboard: JsonObject, inputs: Record<string, unknown> | undefined): ParsedDashboard {
    const failures: Failure[] = [];
    const declared = exportInputs(dashboard);
    const mapping = inputs ?? {};
    if (declared.length === 0 && Object.keys(mapping).length === 0) return { dashboard, failures };
    const names = declared.map((i) => i.name);
    if (declared.length > 0) {
        for (const k of Object.keys(mapping)) {
            if (!names.includes(k))
                failures.push({
                    property: `inputs.${k}`,
                    reason: `inputs.${k} is not declared in dashboard.__inputs (it declares: ${names.join(", ")})`,
                });
        }
    }
    const values: Record<string, string> = {};
    const missing: string[] = [];
    let unknown = false;
    for (const i of declared) {
        const v = i.name in mapping ? mapping[i.name] : i.type === "constant" && i.value !== undefined ? String(i.value) : undefined;
        if (v === undefined || v === null || v === "") missing.push(`${i.name} (${i.type ?? "input"})`);
        else if (isUnknown(v)) unknown = true;
        else values[i.name] = String(v);
    }
    if (declared.length === 0) {
        for (const [k, v] of Object.entries(mapping)) {
            if (isUnknown(v)) unknown = true;
            else if (typeof v === "string") values[k] = v;
        }
    }
    if (missing.length > 0) {
        failures.push({
            property: "dashboard.__inputs",
            reason: `the dashboard was exported for sharing externally and needs inputs it was not given: ${missing.join(", ")}; map each one, e.g. inputs: { ${declared[0]?.name ?? "DS_NAME"}: "<data source uid>" }`,
        });
    }
    if (failures.length > 0 || unknown) return { dashboard, failures };
    const resolved = replacePlaceholders(dashboard, values) as JsonObject;
    delete resolved.__inputs;
    return { dashboard: resolved, failures };
}

/** Parses (object or JSON text) and validates a dashboard model without any HTTP call. Failures name a sub-property. */
export function parseDashboard(value: unknown): ParsedDashboard {
    const failures: Failure[] = [];
    let dashboard: unknown = value;
    // Reported on sub-properties: a failure on `dashboard` itself makes the engine print the whole model first.
    if (typeof value === "string") {
        try {
            dashboard = JSON.parse(value);
        } catch (e) {
            failures.push({ property: "dashboard.json", reason: `dashboard is not valid JSON: ${(e as Error).message.slice(0, 200)}` });
            return { failures };
        }
    }
    if (!isJsonObject(dashboard)) {
        failures.push({ property: "dashboard.json", reason: "dashboard must be a JSON object (the dashboard model)" });
        return { failures };
    }
    if (isJsonObject(dashboard.dashboard) && dashboard.title === undefined) {
        failures.push({
            property: "dashboard.dashboard",
            reason: "dashboard looks like an API request body ({dashboard: ...}); pass its inner 'dashboard' object, and folderUid/overwrite/message as resource args",
        });
        return { failures };
    }
    const title = dashboard.title;
    if (!isUnknown(title) && (typeof title !== "string" || title.trim() === "")) {
        failures.push({ property: "dashboard.title", reason: "dashboard.title must be a non-empty string" });
    }
    checkUid(failures, "dashboard.uid", dashboard.uid);
    return { dashboard, failures };
}

/** After inputs are applied: a `${DS_...}` placeholder still there cannot be saved usefully. */
export function checkNoPlaceholders(dashboard: JsonObject): Failure[] {
    const placeholder = findExportPlaceholder(dashboard, "dashboard");
    return placeholder
        ? [
              {
                  property: placeholder,
                  reason: `${placeholder} holds a \${DS_...} placeholder from 'Export for sharing externally'; map it with inputs: { NAME: "<data source uid>" }, or re-export with that option off`,
              },
          ]
        : [];
}

/** The model as kept in the state and compared: without the fields Grafana assigns on every save (id, version). */
export function storedModel(dashboard: JsonObject): JsonObject {
    const copy: JsonObject = { ...dashboard };
    delete copy.id;
    delete copy.version;
    return copy;
}

/** A place where Grafana stored something other than what was saved (e.g. its own schemaVersion migration). */
export interface Rewrite {
    path: (string | number)[];
    declared?: unknown;
    server?: unknown;
}

/** Leaf-level differences between two models (arrays of different length count as one difference). */
export function diffPaths(a: unknown, b: unknown, path: (string | number)[] = [], out: Rewrite[] = []): Rewrite[] {
    if (isJsonObject(a) && isJsonObject(b)) {
        for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diffPaths(a[k], b[k], [...path, k], out);
    } else if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
        a.forEach((x, i) => diffPaths(x, b[i], [...path, i], out));
    } else if (canonicalJson(a) !== canonicalJson(b)) {
        out.push({ path, declared: a, server: b });
    }
    return out;
}

function getAt(v: unknown, path: (string | number)[]): unknown {
    let cur = v;
    for (const p of path) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<string | number, unknown>)[p];
    }
    return cur;
}

function setAt(v: unknown, path: (string | number)[], value: unknown): void {
    let cur = v as Record<string | number, unknown>;
    for (const p of path.slice(0, -1)) {
        if (cur[p] === null || typeof cur[p] !== "object") return;
        cur = cur[p] as Record<string | number, unknown>;
    }
    const last = path[path.length - 1];
    if (value === undefined) delete cur[last];
    else cur[last] = value;
}

/** Puts back the declared value wherever Grafana's own rewrite is still in place: what is left is real drift. */
export function undoRewrites(live: JsonObject, rewrites: Rewrite[]): JsonObject {
    const copy = JSON.parse(JSON.stringify(live)) as JsonObject;
    for (const r of rewrites) {
        if (r.path.length > 0 && canonicalJson(getAt(copy, r.path)) === canonicalJson(r.server)) setAt(copy, r.path, r.declared);
    }
    return copy;
}

/**
 * First line of the model as kept in the state. It makes the text neither JSON nor YAML to the CLI, which then shows
 * a line diff (the changed lines and two of context) instead of decoding it and printing every unchanged panel.
 */
export const MODEL_HEADER = "@grafana-dashboard-model: JSON below, split into lines so a preview shows only the changed fields";

/** Extra bytes (newlines, indentation) the state may spend on splitting a model into lines. */
const SPLIT_BUDGET = 2048;

function isSplittable(v: unknown): v is unknown[] | JsonObject {
    return (Array.isArray(v) && v.length > 0) || (isJsonObject(v) && Object.keys(v).some((k) => v[k] !== undefined));
}

/** Bytes that splitting every container at each depth adds: a newline and indentation per item, and for the close. */
function splitCosts(v: unknown, depth: number, costs: number[]): number[] {
    if (!isSplittable(v)) return costs;
    const items = Array.isArray(v)
        ? v
        : Object.keys(v)
              .filter((k) => v[k] !== undefined)
              .map((k) => v[k]);
    costs[depth] = (costs[depth] ?? 0) + items.length * (depth + 2) + depth + 1;
    for (const x of items) splitCosts(x, depth + 1, costs);
    return costs;
}

function renderSplit(v: unknown, depth: number, split: number): string {
    if (depth >= split || !isSplittable(v)) return canonicalJson(v);
    const pad = " ".repeat(depth + 1);
    const items = Array.isArray(v)
        ? v.map((x) => renderSplit(x, depth + 1, split))
        : Object.keys(v)
              .filter((k) => v[k] !== undefined)
              .sort()
              .map((k) => `${JSON.stringify(k)}:${renderSplit(v[k], depth + 1, split)}`);
    const [open, close] = Array.isArray(v) ? ["[", "]"] : ["{", "}"];
    return `${open}\n${items.map((i) => pad + i).join(",\n")}\n${" ".repeat(depth)}${close}`;
}

/**
 * The model as the state keeps it (the only copy): canonical JSON under MODEL_HEADER, one field per line down to
 * the deepest level that costs at most SPLIT_BUDGET bytes, so a preview's line diff names the changed field even in
 * large dashboards while the state stays within a few KB of the compact model.
 */
export function modelText(model: JsonObject): string {
    const costs = splitCosts(model, 0, []);
    let split = 0;
    let spent = 0;
    while (split < costs.length && spent + costs[split] <= SPLIT_BUDGET) spent += costs[split++];
    return `${MODEL_HEADER}\n${renderSplit(model, 0, split)}`;
}

/** Parses modelText output, or the compact JSON that states written by 0.1.0 hold. */
export function parseModelText(text: string): JsonObject {
    const body = text.startsWith("@") ? text.slice(text.indexOf("\n") + 1) : text;
    return JSON.parse(body) as JsonObject;
}
