import { CONNECTION_FIELDS, effectiveUrlProblem, parseField } from "./connection";
import { checkClientPair, loadPem } from "./transport";

/** The value the engine puts in place of an input not known yet (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface Failure {
    property: string;
    reason: string;
}

export const ORG_ROLES = ["Admin", "Editor", "Viewer"] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

export function isUnknown(v: unknown): boolean {
    return v === UNKNOWN;
}

/** True if v or anything inside it is not known yet. */
export function containsUnknown(v: unknown): boolean {
    if (v === UNKNOWN) return true;
    if (Array.isArray(v)) return v.some(containsUnknown);
    if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
    return false;
}

export function checkName(failures: Failure[], property: string, value: unknown, max = 190): void {
    if (isUnknown(value)) return;
    if (typeof value !== "string" || value.trim() === "") {
        failures.push({ property, reason: `${property} must be a non-empty string` });
    } else if (value.length > max) {
        failures.push({ property, reason: `${property} must be at most ${max} characters (got ${value.length})` });
    }
}

export function checkRole(failures: Failure[], property: string, value: unknown, allowed: readonly string[]): void {
    if (isUnknown(value)) return;
    if (typeof value !== "string" || !allowed.includes(value)) {
        failures.push({ property, reason: `${property} must be one of ${allowed.join(", ")} (got ${JSON.stringify(value)})` });
    }
}

/** A positive integer id (serviceAccountId, teamId, ...); `required` names the field when it is absent. */
export function checkId(failures: Failure[], property: string, value: unknown, required: boolean): void {
    if (isUnknown(value)) return;
    if (value === undefined || value === null) {
        if (required) failures.push({ property, reason: `${property} is required` });
        return;
    }
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
        failures.push({ property, reason: `${property} must be a positive integer (got ${JSON.stringify(value)})` });
    }
}

/** `orgId` is optional on every resource: absent, the org rule (org.ts) decides. */
export function checkOrgId(failures: Failure[], value: unknown): void {
    checkId(failures, "orgId", value, false);
}

export function checkOptionalInteger(failures: Failure[], property: string, value: unknown, min: number): void {
    if (value === undefined || value === null || isUnknown(value)) return;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
        failures.push({ property, reason: `${property} must be an integer >= ${min} (got ${JSON.stringify(value)})` });
    }
}

export function checkOptionalBoolean(failures: Failure[], property: string, value: unknown): void {
    if (value === undefined || value === null || isUnknown(value)) return;
    if (typeof value !== "boolean") {
        failures.push({ property, reason: `${property} must be a boolean (got ${JSON.stringify(value)})` });
    }
}

export function checkOptionalString(failures: Failure[], property: string, value: unknown): void {
    if (value === undefined || value === null || isUnknown(value)) return;
    if (typeof value !== "string") {
        failures.push({ property, reason: `${property} must be a string (got ${JSON.stringify(value)})` });
    }
}

/**
 * The resource's `connection` fields, then the URL that will really be used. Never echoes a value: auth, tlsKey and
 * header values are secrets (and a PEM is long).
 */
export function checkConnection(failures: Failure[], value: unknown): void {
    checkConnectionFields(failures, value);
    checkEffectiveUrl(failures, value);
}

function checkConnectionFields(failures: Failure[], value: unknown): void {
    if (value === undefined || value === null || isUnknown(value)) return;
    if (typeof value !== "object" || Array.isArray(value)) {
        failures.push({ property: "connection", reason: `connection must be an object { ${CONNECTION_FIELDS.join(", ")} }` });
        return;
    }
    const c = value as Record<string, unknown>;
    for (const key of Object.keys(c)) {
        if (!(CONNECTION_FIELDS as string[]).includes(key)) {
            failures.push({ property: `connection.${key}`, reason: `connection.${key} is not a known field (${CONNECTION_FIELDS.join(", ")})` });
        }
    }
    if (c.url !== undefined && !isUnknown(c.url)) {
        if (typeof c.url !== "string" || !/^https?:\/\/[^\s/]+/.test(c.url)) {
            failures.push({ property: "connection.url", reason: "connection.url must be an http(s) URL" });
        }
    }
    if (c.auth !== undefined && !isUnknown(c.auth)) {
        if (typeof c.auth !== "string" || c.auth.trim() === "") {
            failures.push({ property: "connection.auth", reason: "connection.auth must be a non-empty string (user:password or a token)" });
        }
    }
    // The rest: files readable, PEM parses, numbers in range, headers well-formed (same rules as stack config and env).
    for (const field of CONNECTION_FIELDS) {
        const v = c[field];
        if (field === "url" || field === "auth" || v === undefined || v === null || containsUnknown(v)) continue;
        try {
            parseField(field, v, `connection.${field}`);
        } catch (e) {
            failures.push({ property: `connection.${field}`, reason: (e as Error).message });
        }
    }
    const pemOf = (field: "tlsCert" | "tlsKey") => {
        const v = c[field];
        if (typeof v !== "string" || isUnknown(v)) return undefined;
        try {
            return loadPem(v, `connection.${field}`, field);
        } catch {
            return undefined; // reported above
        }
    };
    const cert = pemOf("tlsCert");
    const key = pemOf("tlsKey");
    if (cert && key) {
        try {
            checkClientPair({ pem: cert, setting: "connection.tlsCert" }, { pem: key, setting: "connection.tlsKey" });
        } catch (e) {
            failures.push({ property: "connection.tlsKey", reason: (e as Error).message });
        }
    }
}

/** The URL that will be used (resource, stack config or env) must be a usable URL: checked before any call. */
export function checkEffectiveUrl(failures: Failure[], connection: unknown): void {
    if (isUnknown(connection) || failures.some((f) => f.property.startsWith("connection"))) return;
    const c = connection && typeof connection === "object" ? (connection as { url?: unknown }) : undefined;
    if (c && isUnknown(c.url)) return;
    const problem = effectiveUrlProblem(c as { url?: string } | undefined);
    if (problem) failures.push(problem);
}

const UID_PATTERN = /^[a-zA-Z0-9\-_]*$/;

/** Grafana's own rules (pkg/util: uid too long / illegal characters), checked before any call. */
export function checkUid(failures: Failure[], property: string, uid: unknown): void {
    if (uid === undefined || uid === null || isUnknown(uid)) return;
    if (typeof uid !== "string" || uid === "") {
        failures.push({ property, reason: `${property} must be a non-empty string when set` });
    } else if (uid.length > 40) {
        failures.push({ property, reason: `${property} is too long: at most 40 characters (got ${uid.length})` });
    } else if (!UID_PATTERN.test(uid)) {
        failures.push({ property, reason: `${property} may contain only letters, digits, '-' and '_' (got ${JSON.stringify(uid)})` });
    }
}

export function failuresToMessage(resource: string, failures: Failure[]): string {
    return `${resource}: invalid arguments: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`;
}
