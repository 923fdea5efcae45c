// Teams, team members and the permission lists of folders and dashboards (issue 18). Routes are added by
// `accessRoutes` from emulator.ts's route table; `AccessRules` answers what a non-admin identity may do with a
// folder or dashboard, for the folder and dashboard routes. Sources per behaviour, as in emulator.ts:
//   docs team     = https://grafana.com/docs/grafana/latest/developers/http_api/team/ (10.x-12.x: the same routes)
//   docs folperm  = https://grafana.com/docs/grafana/latest/developers/http_api/folder_permissions/
//   docs dashperm = https://grafana.com/docs/grafana/latest/developers/http_api/dashboard_permissions/
//   docs perms    = https://grafana.com/docs/grafana/latest/administration/roles-and-permissions/folder-dashboard-permissions/
import { denied } from "./emulator";
import type { Access, AddRoute, Ctx, Identity, Reply, RoleAccess } from "./emulator";
import { AclItem, PERMISSION_NAMES, ROLE_RANK, TeamMember } from "./model";
import type { Store, Tables } from "./store";

export interface AccessHost {
    readonly t: Tables;
    readonly store: Pick<Store, "nextId">;
}

const msg = (status: number, message: string): Reply => ({ status, body: { message } });
const nowIso = () => new Date().toISOString();
const teamNotFound = (): Reply => msg(404, "Team not found"); // docs team: 404 "Team not found"

/** Who the default permission items of a new folder or root dashboard name (docs folperm: folderId -1 defaults). */
export const DEFAULT_ITEMS: AclItem[] = [
    { role: "Editor", permission: 2 },
    { role: "Viewer", permission: 1 },
];

function isInt(v: unknown): v is number {
    return typeof v === "number" && Number.isInteger(v) && v > 0;
}

export class AccessRules {
    constructor(private readonly host: AccessHost) {}

    private get t(): Tables {
        return this.host.t;
    }

    /** The list of a folder or dashboard; a folder or root dashboard without one has the defaults. */
    items(orgId: number, kind: "folder" | "dashboard", uid: string): AclItem[] {
        const acl = this.t.acl.get(`${orgId}/${kind}/${uid}`);
        if (acl) return acl.items;
        if (kind === "folder") return DEFAULT_ITEMS;
        const d = this.t.dashboard.get(`${orgId}/${uid}`);
        // A dashboard in a folder has no own items until some are set: it inherits (docs perms: "inherit").
        return d && d.folderUid ? [] : DEFAULT_ITEMS;
    }

    /** Folder uids from `uid` up to the root (nested folders inherit their parents' permissions; docs perms). */
    private chain(orgId: number, uid: string): string[] {
        const out: string[] = [];
        for (let at = uid; at && !out.includes(at); at = this.t.folder.get(`${orgId}/${at}`)?.parentUid ?? "") out.push(at);
        return out;
    }

    private grants(id: Identity, item: AclItem): boolean {
        // A role item applies to that role and the roles above it: Editors get what Viewers get (docs perms: basic roles).
        if (item.role) return ROLE_RANK[id.role] >= ROLE_RANK[item.role];
        if (item.userId) return item.userId === id.userId;
        if (item.teamId) return this.t.team.get(String(item.teamId))?.members.some((m) => m.userId === id.userId) ?? false;
        return false;
    }

    /** Org Admins and server admins are never restricted (docs folperm: "Permissions cannot be set for Admins"). */
    private unrestricted(id: Identity): boolean {
        return id.isServerAdmin || id.role === "Admin";
    }

    /** 0 (none), 1 (View), 2 (Edit) or 4 (Admin) on a folder, through its own list and its parents'. */
    folderLevel(id: Identity, orgId: number, folderUid: string): number {
        if (this.unrestricted(id)) return 4;
        if (!folderUid) return id.role === "Viewer" ? 1 : ROLE_RANK[id.role] >= ROLE_RANK.Editor ? 2 : 0; // the General folder
        let level = 0;
        for (const uid of this.chain(orgId, folderUid)) {
            for (const item of this.items(orgId, "folder", uid)) if (this.grants(id, item)) level = Math.max(level, item.permission);
        }
        return level;
    }

    /** Whether `id` may open a folder or dashboard of its org: View at least (a Viewer outside a private folder's list cannot). */
    canRead(id: Identity, kind: "folder" | "dashboard", uid: string): boolean {
        return (kind === "folder" ? this.folderLevel(id, id.orgId, uid) : this.dashboardLevel(id, id.orgId, uid)) >= 1;
    }

    /**
     * A save needs Edit on the target folder (a new dashboard or a move) and on the dashboard it overwrites (docs perms:
     * Edit "can create, edit or delete" dashboards in the folder); the General folder takes the org role (Editor+).
     * The same 403 as the role check gives (observed 10.0 denial body).
     */
    saveRefused(id: Identity, folderUid: string, existingUid: string | undefined): Reply | undefined {
        if (this.unrestricted(id)) return undefined;
        const existing = existingUid ? this.t.dashboard.get(`${id.orgId}/${existingUid}`) : undefined;
        const inFolder = this.folderLevel(id, id.orgId, folderUid) >= 2;
        const onDashboard = !existing || this.dashboardLevel(id, id.orgId, existing.uid) >= 2;
        return inFolder && onDashboard ? undefined : denied(existing ? "dashboards:write" : "dashboards:create");
    }

    /** A dashboard's level: its own items, else what its folder gives (docs dashperm: inherited items). */
    dashboardLevel(id: Identity, orgId: number, dashboardUid: string): number {
        if (this.unrestricted(id)) return 4;
        const d = this.t.dashboard.get(`${orgId}/${dashboardUid}`);
        let level = d?.folderUid ? this.folderLevel(id, orgId, d.folderUid) : 0;
        for (const item of this.items(orgId, "dashboard", dashboardUid)) if (this.grants(id, item)) level = Math.max(level, item.permission);
        return level;
    }
}

function teamDto(t: Tables, team: { id: number; orgId: number; name: string; email: string; members: TeamMember[] }): Record<string, unknown> {
    // docs team: id, orgId, name, email, avatarUrl, memberCount (search and get by id)
    return { id: team.id, orgId: team.orgId, name: team.name, email: team.email, avatarUrl: `/avatar/${team.id}`, memberCount: team.members.length };
}

/** One permission item as GET answers it (docs folperm / dashperm example responses). */
function itemDto(host: AccessHost, orgId: number, item: AclItem, extra: Record<string, unknown>): Record<string, unknown> {
    const user = item.userId ? host.t.user.get(String(item.userId)) : undefined;
    const team = item.teamId ? host.t.team.get(String(item.teamId)) : undefined;
    return {
        userId: item.userId ?? 0,
        userLogin: user?.login ?? "",
        userEmail: user?.email ?? "",
        teamId: item.teamId ?? 0,
        team: team?.name ?? "",
        role: item.role ?? "",
        permission: item.permission,
        permissionName: PERMISSION_NAMES[item.permission] ?? "",
        created: nowIso(),
        updated: nowIso(),
        ...extra,
        orgId,
    };
}

/** The `items` of a permissions POST, checked (docs folperm: each item one of role, teamId, userId with 1, 2 or 4). */
function parseItems(host: AccessHost, orgId: number, raw: unknown): AclItem[] | Reply {
    if (!Array.isArray(raw)) return msg(400, "bad request data"); // [unverified] message
    const out: AclItem[] = [];
    for (const r of raw) {
        if (typeof r !== "object" || r === null) return msg(400, "bad request data");
        const o = r as Record<string, unknown>;
        const permission = o.permission;
        if (permission !== 1 && permission !== 2 && permission !== 4) return msg(400, "Invalid permission"); // [unverified] message
        const role = o.role;
        if (role !== undefined && role !== "" && role !== null) {
            // docs folperm: "Permissions cannot be set for Admins"; Viewer and Editor only
            if (role !== "Viewer" && role !== "Editor") return msg(400, "Invalid role"); // [unverified] message
            out.push({ role, permission });
        } else if (isInt(o.teamId)) {
            const team = host.t.team.get(String(o.teamId));
            if (!team || team.orgId !== orgId) return msg(400, "Team not found"); // [unverified] status and message
            out.push({ teamId: o.teamId, permission });
        } else if (isInt(o.userId)) {
            if (!host.t.member.get(`${orgId}/${o.userId}`)) return msg(400, "User not found"); // [unverified] status and message
            out.push({ userId: o.userId, permission });
        } else {
            return msg(400, "bad request data"); // [unverified]
        }
    }
    return out;
}

export function accessRoutes(host: AccessHost, add: AddRoute, role: RoleAccess, rules: AccessRules): void {
    const t = host.t;
    const orgTeam = (c: Ctx) => {
        const team = t.team.get(String(Number(c.params.teamId)));
        return team && team.orgId === c.id.orgId ? team : undefined;
    };

    // --- teams (docs team; org Admins manage teams) ---
    add(
        "POST",
        "/api/teams",
        role("Admin", "teams:create"),
        (c) => {
            const name = typeof c.body.name === "string" ? c.body.name.trim() : "";
            if (!name) return msg(400, "bad request data"); // [unverified] message
            if (t.team.some((x) => x.orgId === c.id.orgId && x.name.toLowerCase() === name.toLowerCase())) return msg(409, "Team name taken"); // docs team: 409
            const team = {
                id: host.store.nextId("team"),
                orgId: c.id.orgId,
                name,
                email: typeof c.body.email === "string" ? c.body.email : "",
                created: nowIso(),
                members: [] as TeamMember[],
            };
            t.team.put(team);
            return { status: 200, body: { message: "Team created", teamId: team.id } }; // docs team: example response
        },
        true,
    );
    add("GET", "/api/teams/search", role("Viewer", "teams:read"), (c) => {
        const name = c.query.get("name");
        const query = (c.query.get("query") ?? "").toLowerCase();
        const perpage = Number(c.query.get("perpage") ?? 1000) || 1000; // docs team: perpage default 1000, page 1
        const page = Number(c.query.get("page") ?? 1) || 1;
        let teams = t.team.filter((x) => x.orgId === c.id.orgId);
        if (name !== null) teams = teams.filter((x) => x.name === name);
        else if (query) teams = teams.filter((x) => x.name.toLowerCase().includes(query));
        // Non-admins see the teams they are in (docs team: "All authenticated users are able to view details of teams they are a member of").
        if (c.id.role !== "Admin" && !c.id.isServerAdmin) teams = teams.filter((x) => x.members.some((m) => m.userId === c.id.userId));
        teams.sort((a, b) => a.name.localeCompare(b.name));
        const shown = teams.slice((page - 1) * perpage, page * perpage);
        return { status: 200, body: { totalCount: teams.length, teams: shown.map((x) => teamDto(t, x)), page, perPage: perpage } };
    });
    add("GET", "/api/teams/:teamId", role("Viewer", "teams:read"), (c) => {
        const team = orgTeam(c);
        if (!team) return teamNotFound();
        if (c.id.role !== "Admin" && !c.id.isServerAdmin && !team.members.some((m) => m.userId === c.id.userId)) return teamNotFound(); // [unverified]: 404 or 403
        return { status: 200, body: { ...teamDto(t, team), created: team.created, updated: team.created } };
    });
    add(
        "PUT",
        "/api/teams/:teamId",
        role("Admin", "teams:write"),
        (c) => {
            const team = orgTeam(c);
            if (!team) return teamNotFound();
            const name = typeof c.body.name === "string" ? c.body.name.trim() : team.name;
            if (t.team.some((x) => x.orgId === team.orgId && x.id !== team.id && x.name.toLowerCase() === name.toLowerCase()))
                return msg(409, "Team name taken"); // docs team: update 409
            team.name = name;
            if (typeof c.body.email === "string") team.email = c.body.email;
            t.team.put(team);
            return { status: 200, body: { message: "Team updated" } }; // docs team: example response
        },
        true,
    );
    add("DELETE", "/api/teams/:teamId", role("Admin", "teams:delete"), (c) => {
        const team = orgTeam(c);
        if (!team) return teamNotFound(); // docs team: 404 "Team not found"
        t.team.delete(team);
        // The team's permission items go with it [unverified: Grafana removes the team's managed permissions]
        for (const acl of t.acl.filter((a) => a.orgId === team.orgId && a.items.some((i) => i.teamId === team.id))) {
            acl.items = acl.items.filter((i) => i.teamId !== team.id);
            t.acl.put(acl);
        }
        return { status: 200, body: { message: "Team deleted" } }; // docs team: example response
    });

    // --- team members (docs team) ---
    add("GET", "/api/teams/:teamId/members", role("Viewer", "teams:read"), (c) => {
        const team = orgTeam(c);
        if (!team) return teamNotFound();
        const body = team.members.map((m) => {
            const u = t.user.get(String(m.userId));
            // docs team: orgId, teamId, userId, email, login, avatarUrl, labels, permission
            return {
                orgId: team.orgId,
                teamId: team.id,
                userId: m.userId,
                email: u?.email ?? "",
                login: u?.login ?? "",
                avatarUrl: "",
                labels: [],
                permission: m.permission,
            };
        });
        return { status: 200, body };
    });
    add(
        "POST",
        "/api/teams/:teamId/members",
        role("Admin", "teams:write"),
        (c) => {
            const team = orgTeam(c);
            if (!team) return teamNotFound();
            const userId = c.body.userId;
            if (!isInt(userId) || !t.member.get(`${team.orgId}/${userId}`)) return msg(404, "User not found"); // [unverified] status and message
            if (team.members.some((m) => m.userId === userId)) return msg(400, "User is already added to this team"); // docs team: 400 [message unverified]
            team.members.push({ userId, permission: 0 });
            t.team.put(team);
            return { status: 200, body: { message: "Member added to Team" } }; // docs team: example response
        },
        true,
    );
    add("DELETE", "/api/teams/:teamId/members/:userId", role("Admin", "teams:write"), (c) => {
        const team = orgTeam(c);
        if (!team) return teamNotFound();
        const userId = Number(c.params.userId);
        const i = team.members.findIndex((m) => m.userId === userId);
        if (i < 0) return msg(404, "Team member not found"); // [unverified] message
        team.members.splice(i, 1);
        t.team.put(team);
        return { status: 200, body: { message: "Team Member removed" } }; // docs team: example response
    });

    // --- folder and dashboard permission lists (docs folperm, docs dashperm; the same on 10.x-12.x) ---
    const permRoutes = (kind: "folder" | "dashboard", base: string, access: { read: Access; write: Access }) => {
        const find = (c: Ctx) =>
            kind === "folder" ? t.folder.get(`${c.id.orgId}/${c.params.uid}`) : t.dashboard.get(`${c.id.orgId}/${c.params.uid}`);
        const notFound = (): Reply =>
            kind === "folder" ? { status: 404, body: { message: "folder not found", status: "not-found" } } : msg(404, "Dashboard not found"); // as the folder/dashboard GETs
        add("GET", `${base}/:uid/permissions`, access.read, (c) => {
            const o = find(c);
            if (!o) return notFound();
            if (kind === "folder" ? rules.folderLevel(c.id, c.id.orgId, o.uid) < 4 : rules.dashboardLevel(c.id, c.id.orgId, o.uid) < 4)
                return msg(403, "Permission denied"); // docs folperm: folders.permissions:read [message unverified]
            const own = rules
                .items(c.id.orgId, kind, o.uid)
                .map((i) =>
                    itemDto(
                        host,
                        c.id.orgId,
                        i,
                        kind === "folder"
                            ? { folderId: o.id, uid: o.uid, isFolder: true }
                            : { dashboardId: o.id, uid: o.uid, isFolder: false, inherited: false },
                    ),
                );
            if (kind === "folder") return { status: 200, body: own };
            // docs dashperm: items inherited from the folder come first, marked "inherited": true
            const folderUid = t.dashboard.get(`${c.id.orgId}/${o.uid}`)?.folderUid ?? "";
            const inherited = folderUid
                ? rules
                      .items(c.id.orgId, "folder", folderUid)
                      .map((i) => itemDto(host, c.id.orgId, i, { dashboardId: o.id, uid: o.uid, isFolder: false, inherited: true }))
                : [];
            return { status: 200, body: [...inherited, ...own] };
        });
        add(
            "POST",
            `${base}/:uid/permissions`,
            access.write,
            (c) => {
                const o = find(c);
                if (!o) return notFound();
                if (kind === "folder" ? rules.folderLevel(c.id, c.id.orgId, o.uid) < 4 : rules.dashboardLevel(c.id, c.id.orgId, o.uid) < 4)
                    return msg(403, "Permission denied"); // [message unverified]
                const items = parseItems(host, c.id.orgId, c.body.items);
                if (!Array.isArray(items)) return items;
                // The list replaces the old one whole (docs folperm: "this operation will remove existing permissions
                // if they're not included in the request").
                t.acl.put({ orgId: c.id.orgId, kind, uid: o.uid, items });
                return { status: 200, body: { message: kind === "folder" ? "Folder permissions updated" : "Dashboard permissions updated" } }; // docs examples
            },
            true,
        );
    };
    permRoutes("folder", "/api/folders", { read: role("Viewer", "folders.permissions:read"), write: role("Viewer", "folders.permissions:write") });
    permRoutes("dashboard", "/api/dashboards/uid", {
        read: role("Viewer", "dashboards.permissions:read"),
        write: role("Viewer", "dashboards.permissions:write"),
    });
}
