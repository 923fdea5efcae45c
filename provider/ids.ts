// Resource ids: one format per kind, built and parsed here only. Org-scoped objects start with their org, as
// terraform-provider-grafana's ids do, so `read` and `delete` know from the id alone which org to ask:
//
//   Organization           <orgId>
//   OrgMembership          <orgId>:<userId>
//   ApiKey                 <orgId>:apikey:<keyId> | <orgId>:serviceaccount:<serviceAccountId>
//   Dashboard              <uid>  (the org is in the outputs; the format states since 0.1.0 hold)
//   Folder, DataSource     <orgId>:<uid>
//   ServiceAccount         <orgId>:<serviceAccountId>
//   ServiceAccountToken    <orgId>:<serviceAccountId>:<tokenId>
//   Team                   <orgId>:<teamId>
//   TeamMembership         <orgId>:<teamId>:<userId>
//   FolderPermissions      <orgId>:<folderUid>
//   DashboardPermissions   <orgId>:<dashboardUid>
//
// Grafana uids are [A-Za-z0-9_-] (pkg/util), so ":" never occurs inside a part.

const NUMBER = /^[1-9][0-9]*$/;
const UID = /^[A-Za-z0-9_-]{1,40}$/;

type Part = "number" | "uid" | readonly string[];
type Value<P> = P extends "number" ? number : P extends "uid" ? string : P extends readonly (infer L)[] ? L : never;
type Parsed<S extends Record<string, Part>> = { [K in keyof S]: Value<S[K]> };

export interface IdFormat<T> {
    /** The documented shape, e.g. "<orgId>:<uid>". */
    readonly shape: string;
    build(value: T): string;
    /** The parts of an id of this kind; throws naming the kind and the expected shape otherwise. */
    parse(id: string): T;
}

function format<S extends Record<string, Part>>(kind: string, spec: S): IdFormat<Parsed<S>> {
    const names = Object.keys(spec);
    const shape = names.map((n) => (Array.isArray(spec[n]) ? (spec[n] as readonly string[]).join("|") : `<${n}>`)).join(":");
    return {
        shape,
        build: (value) => names.map((n) => String(value[n])).join(":"),
        parse(id) {
            const parts = id.split(":");
            const bad = () => new Error(`${kind} id "${id}" is not of the form ${shape}`);
            if (parts.length !== names.length) throw bad();
            const out: Record<string, string | number> = {};
            names.forEach((n, i) => {
                const p = spec[n];
                const s = parts[i];
                if (p === "number") {
                    if (!NUMBER.test(s)) throw bad();
                    out[n] = Number(s);
                } else if (p === "uid") {
                    if (!UID.test(s)) throw bad();
                    out[n] = s;
                } else {
                    if (!(p as readonly string[]).includes(s)) throw bad();
                    out[n] = s;
                }
            });
            return out as Parsed<S>;
        },
    };
}

export const organizationIds = format("Organization", { orgId: "number" });
export const orgMembershipIds = format("OrgMembership", { orgId: "number", userId: "number" });
export const apiKeyIds = format("ApiKey", { orgId: "number", kind: ["apikey", "serviceaccount"] as const, id: "number" });
export const dashboardIds = format("Dashboard", { uid: "uid" });
export const folderIds = format("Folder", { orgId: "number", uid: "uid" });
export const dataSourceIds = format("DataSource", { orgId: "number", uid: "uid" });
export const serviceAccountIds = format("ServiceAccount", { orgId: "number", serviceAccountId: "number" });
export const serviceAccountTokenIds = format("ServiceAccountToken", { orgId: "number", serviceAccountId: "number", tokenId: "number" });
export const teamIds = format("Team", { orgId: "number", teamId: "number" });
export const teamMembershipIds = format("TeamMembership", { orgId: "number", teamId: "number", userId: "number" });
export const folderPermissionsIds = format("FolderPermissions", { orgId: "number", folderUid: "uid" });
export const dashboardPermissionsIds = format("DashboardPermissions", { orgId: "number", dashboardUid: "uid" });
