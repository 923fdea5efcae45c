// Resource ids, built and parsed here only. Org-scoped objects use "<orgId>:<kind>:<id>" or "<orgId>:<id>", as
// terraform-provider-grafana does, so an id alone says which org to ask.

/** "<orgId>:<part>:<part>..." */
export function orgScopedId(orgId: number, ...parts: (string | number)[]): string {
    return [orgId, ...parts].join(":");
}

export interface ParsedOrgScopedId {
    orgId: number;
    parts: string[];
}

/** Parses an id made by orgScopedId; undefined when it is not one (e.g. a bare dashboard uid). */
export function parseOrgScopedId(id: string): ParsedOrgScopedId | undefined {
    const [org, ...parts] = id.split(":");
    const orgId = Number(org);
    if (!Number.isInteger(orgId) || orgId < 1 || parts.length === 0) return undefined;
    return { orgId, parts };
}

/** Organization ids are Grafana's numeric org id. */
export function orgId(id: number): string {
    return String(id);
}

export function membershipId(org: number, userId: number): string {
    return orgScopedId(org, userId);
}

export function apiKeyId(org: number, kind: "apikey" | "serviceaccount", id: number): string {
    return orgScopedId(org, kind, id);
}
