// The emulator's data model: what a store row holds, and the JSON snapshot format (`main.js export`/`import`,
// `start --db`). Secrets are never stored in plaintext: passwords and keys as salted/plain sha256 hashes.
import { createHash, randomBytes } from "crypto";

export type Role = "Admin" | "Editor" | "Viewer" | "None";
export const ROLE_RANK: Record<Role, number> = { None: 0, Viewer: 1, Editor: 2, Admin: 3 };

export interface User {
    id: number;
    login: string;
    email: string;
    name: string;
    /** "sha256:<salt>:<hex of sha256(salt + password)>"; absent: cannot log in with a password */
    password?: string;
    isServerAdmin: boolean;
    currentOrgId: number;
    created: string;
}
export interface Org {
    id: number;
    name: string;
    created: string;
}
export interface Member {
    orgId: number;
    userId: number;
    role: Role;
}
export interface LegacyKey {
    id: number;
    orgId: number;
    name: string;
    role: Role;
    /** sha256 hex of the key string given to the client */
    keyHash: string;
    /** epoch seconds */
    expires?: number;
    created: string;
    lastUsedAt?: string;
}
export interface SaToken {
    id: number;
    name: string;
    keyHash: string;
    expires?: number;
    created: string;
    lastUsedAt?: string;
}
export interface ServiceAccount {
    id: number;
    uid: string;
    orgId: number;
    name: string;
    login: string;
    role: Role;
    isDisabled: boolean;
    created: string;
    updated: string;
    tokens: SaToken[];
}
export interface Dashboard {
    id: number;
    uid: string;
    orgId: number;
    title: string;
    version: number;
    folderUid: string;
    json: Record<string, unknown>;
    created: string;
    updated: string;
    createdBy: string;
    updatedBy: string;
    /** saved through a schema v2 API (dashboard.grafana.app/v2*): `json` is the v2 spec (emulator/src/apis.ts) */
    v2?: boolean;
}
export interface DashboardVersion {
    orgId: number;
    uid: string;
    dashboardId: number;
    version: number;
    created: string;
    createdBy: string;
    message: string;
    json: Record<string, unknown>;
}
export interface Folder {
    id: number;
    uid: string;
    orgId: number;
    title: string;
    parentUid: string;
    version: number;
    created: string;
    updated: string;
    /** folder.grafana.app spec.description (emulator/src/apis.ts) */
    description?: string;
}
export interface DataSource {
    id: number;
    uid: string;
    orgId: number;
    name: string;
    type: string;
    access: string;
    url: string;
    isDefault: boolean;
    basicAuth: boolean;
    basicAuthUser: string;
    database: string;
    user: string;
    readOnly: boolean;
    jsonData: Record<string, unknown>;
    /** secure field name -> sha256 hex of its value (values are write-only in Grafana) */
    secure: Record<string, string>;
    version: number;
}

export interface TeamMember {
    userId: number;
    /** 0 member, 4 team admin (docs team: members' "permission") */
    permission: number;
}
export interface Team {
    id: number;
    orgId: number;
    name: string;
    email: string;
    created: string;
    members: TeamMember[];
}
/** One permission item of a folder or dashboard: a role, a team or a user, with 1 View, 2 Edit or 4 Admin. */
export interface AclItem {
    role?: "Viewer" | "Editor";
    teamId?: number;
    userId?: number;
    permission: 1 | 2 | 4;
}
export const PERMISSION_NAMES: Record<number, string> = { 1: "View", 2: "Edit", 4: "Admin" };
/** The permission list of one folder or dashboard, once set (before that: the defaults, see access.ts). */
export interface Acl {
    orgId: number;
    kind: "folder" | "dashboard";
    uid: string;
    items: AclItem[];
}

/** The kinds of rows a store holds, and their primary keys. */
export interface Kinds {
    user: User;
    org: Org;
    member: Member;
    apikey: LegacyKey;
    sa: ServiceAccount;
    dashboard: Dashboard;
    dashver: DashboardVersion;
    folder: Folder;
    datasource: DataSource;
    team: Team;
    acl: Acl;
}
export type Kind = keyof Kinds;
export const KINDS: Kind[] = ["user", "org", "member", "apikey", "sa", "dashboard", "dashver", "folder", "datasource", "team", "acl"];

export function keyOf<K extends Kind>(kind: K, o: Kinds[K]): string {
    switch (kind) {
        case "member": {
            const m = o as Member;
            return `${m.orgId}/${m.userId}`;
        }
        case "dashboard":
        case "folder":
        case "datasource": {
            const d = o as { orgId: number; uid: string };
            return `${d.orgId}/${d.uid}`;
        }
        case "acl": {
            const a = o as Acl;
            return `${a.orgId}/${a.kind}/${a.uid}`;
        }
        case "dashver": {
            const v = o as DashboardVersion;
            return `${v.orgId}/${v.uid}/${v.version}`;
        }
        default:
            return String((o as { id: number }).id);
    }
}

/** Id sequences; as in Grafana, users and service accounts share one (the user table), keys and tokens another
 *  (api_key), dashboards and folders a third (the dashboard table, before 13's folder table). */
export type Sequence = "user" | "org" | "apikey" | "dashboard" | "datasource" | "team";
export const SEQUENCES: Sequence[] = ["user", "org", "apikey", "dashboard", "datasource", "team"];

export const SNAPSHOT_FORMAT = "grafana-emulator-snapshot/1";
export interface Snapshot {
    format: typeof SNAPSHOT_FORMAT;
    /** last id handed out per sequence */
    sequences: Record<Sequence, number>;
    objects: { [K in Kind]?: Kinds[K][] };
}

export function hashSecret(value: string): string {
    return createHash("sha256").update(value).digest("hex");
}
export function hashPassword(password: string, salt = randomBytes(8).toString("hex")): string {
    return `sha256:${salt}:${createHash("sha256")
        .update(salt + password)
        .digest("hex")}`;
}
export function passwordMatches(stored: string | undefined, given: string): boolean {
    if (!stored || given === "") return false;
    const [scheme, salt] = stored.split(":");
    return scheme === "sha256" && hashPassword(given, salt) === stored;
}
