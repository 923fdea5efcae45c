import type * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { clientOf, forResource, GrafanaClient, isStatus, unlessGone } from "./client";
import { ConnectionValues } from "./connection";
import { deepEqual, diffFields } from "./diff";
import { IdFormat } from "./ids";
import { CommonInputs, defineProvider, labeller } from "./kit";
import { orgForCreate, withDefaultOrg } from "./org";
import { checkConnection, checkOrgId, checkUid, containsUnknown, Failure, isUnknown } from "./validate";

// The whole permission list of one folder or dashboard (FolderPermissions, DashboardPermissions): authoritative, as
// terraform-provider-grafana's grafana_folder_permission. Grafana's legacy permission API, the same on 10.x-12.x:
// GET/POST /api/folders/:uid/permissions and /api/dashboards/uid/:uid/permissions, each item a role (Viewer or
// Editor), a team or a user with 1 View, 2 Edit or 4 Admin; a POST replaces the whole list. Admins are never
// restricted and cannot be listed.

export const PERMISSIONS = ["View", "Edit", "Admin"] as const;
export type Permission = (typeof PERMISSIONS)[number];
const LEVEL: Record<Permission, number> = { View: 1, Edit: 2, Admin: 4 };
const NAME: Record<number, Permission> = { 1: "View", 2: "Edit", 4: "Admin" };

/** One item: exactly one of `role`, `teamId`, `userId`, and the permission it gets. */
export interface PermissionItem {
    /** Everyone with this basic role in the org (an Editor also gets what Viewers get). */
    role?: "Viewer" | "Editor";
    teamId?: number;
    userId?: number;
    permission: Permission;
}

/** An item as a program declares it: each field may be an Output (e.g. `teamId: team.teamId`). */
export interface PermissionItemArgs {
    role?: pulumi.Input<"Viewer" | "Editor">;
    teamId?: pulumi.Input<number>;
    userId?: pulumi.Input<number>;
    permission: pulumi.Input<Permission>;
}

/** Grafana's defaults for a new folder (and a dashboard at the root): Editors edit, Viewers view. */
export const DEFAULT_ITEMS: PermissionItem[] = [
    { role: "Editor", permission: "Edit" },
    { role: "Viewer", permission: "View" },
];

export interface PermissionListInputs extends CommonInputs {
    items: PermissionItem[];
    orgId?: number;
    connection?: ConnectionValues;
}

export interface PermissionListOutputs extends PermissionListInputs {
    orgId: number;
}

interface GrafanaItem {
    role?: string;
    teamId?: number;
    userId?: number;
    permission: number;
    inherited?: boolean;
}

function subject(i: PermissionItem): string {
    return i.role
        ? `0:role:${i.role}`
        : i.teamId !== undefined
          ? `1:team:${String(i.teamId).padStart(12, "0")}`
          : `2:user:${String(i.userId).padStart(12, "0")}`;
}

/** Items in one order (roles, teams, users), so a list compares equal whatever order it was declared or listed in. */
export function normalizeItems(items: PermissionItem[]): PermissionItem[] {
    return items
        .map((i) =>
            i.role
                ? { role: i.role, permission: i.permission }
                : i.teamId !== undefined
                  ? { teamId: i.teamId, permission: i.permission }
                  : { userId: i.userId, permission: i.permission },
        )
        .sort((a, b) => subject(a).localeCompare(subject(b)));
}

function checkItems(failures: Failure[], items: unknown): void {
    if (isUnknown(items)) return;
    if (!Array.isArray(items)) {
        failures.push({
            property: "items",
            reason: "items must be a list of { role | teamId | userId, permission } (an empty list leaves only Admins)",
        });
        return;
    }
    const seen = new Set<string>();
    items.forEach((raw, n) => {
        const at = `items[${n}]`;
        if (containsUnknown(raw)) return;
        if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
            failures.push({ property: at, reason: `${at} must be an object { role | teamId | userId, permission }` });
            return;
        }
        const i = raw as Record<string, unknown>;
        const who = (["role", "teamId", "userId"] as const).filter((k) => i[k] !== undefined && i[k] !== null);
        if (who.length !== 1) {
            failures.push({
                property: at,
                reason: `${at} must name exactly one of role, teamId, userId (got ${who.length === 0 ? "none" : who.join(", ")})`,
            });
            return;
        }
        if (who[0] === "role" && i.role !== "Viewer" && i.role !== "Editor") {
            failures.push({
                property: `${at}.role`,
                reason: `${at}.role must be Viewer or Editor (Admins always have access) (got ${JSON.stringify(i.role)})`,
            });
        }
        for (const k of ["teamId", "userId"] as const) {
            if (who[0] === k && (typeof i[k] !== "number" || !Number.isInteger(i[k]) || (i[k] as number) < 1)) {
                failures.push({ property: `${at}.${k}`, reason: `${at}.${k} must be a positive integer (got ${JSON.stringify(i[k])})` });
            }
        }
        if (!PERMISSIONS.includes(i.permission as Permission)) {
            failures.push({
                property: `${at}.permission`,
                reason: `${at}.permission must be one of ${PERMISSIONS.join(", ")} (got ${JSON.stringify(i.permission)})`,
            });
        }
        const key = subject(i as unknown as PermissionItem);
        if (seen.has(key))
            failures.push({ property: at, reason: `${at} names the same ${who[0]} as an earlier item: one item per role, team or user` });
        seen.add(key);
    });
}

export interface PermissionListSpec<I extends PermissionListInputs> {
    type: string;
    /** The input naming the folder or dashboard uid. */
    uidField: keyof I & string;
    ids: IdFormat<{ orgId: number } & Record<string, string | number>>;
    /** The permissions path of an object. */
    path: (uid: string) => string;
    what: "folder" | "dashboard";
    /** The list destroy leaves: what Grafana gives such an object by default. */
    resetItems: (client: GrafanaClient, uid: string, orgId: number) => Promise<PermissionItem[]>;
}

async function liveItems(client: GrafanaClient, path: string, orgId: number): Promise<PermissionItem[]> {
    const listed = (await client.get<GrafanaItem[]>(path, { orgId })).data;
    // A dashboard's list shows its folder's items too, marked inherited: not this resource's. Admin role items
    // (if a version lists them) cannot be set.
    const own = listed.filter((i) => !i.inherited && NAME[i.permission] && i.role !== "Admin");
    return normalizeItems(
        own
            .map((i): PermissionItem | undefined =>
                i.role === "Viewer" || i.role === "Editor"
                    ? { role: i.role, permission: NAME[i.permission] }
                    : i.teamId
                      ? { teamId: i.teamId, permission: NAME[i.permission] }
                      : i.userId
                        ? { userId: i.userId, permission: NAME[i.permission] }
                        : undefined,
            )
            .filter((i): i is PermissionItem => i !== undefined),
    );
}

/** `news` with each unknown teamId/userId replaced by the old one at the same place, when the items otherwise match. */
function sameUnknownIds(olds: PermissionItem[], news: PermissionItem[]): PermissionItem[] {
    if (olds.length !== news.length) return news;
    return news.map((n, i) => {
        const o = olds[i];
        const fill = (k: "teamId" | "userId") => (isUnknown(n[k]) && o[k] !== undefined ? o[k] : n[k]);
        const filled: PermissionItem = { ...n, teamId: fill("teamId"), userId: fill("userId") };
        if (filled.teamId === undefined) delete filled.teamId;
        if (filled.userId === undefined) delete filled.userId;
        return filled;
    });
}

function body(items: PermissionItem[]) {
    return { items: items.map((i) => ({ ...i, permission: LEVEL[i.permission] })) };
}

export function permissionListProvider<I extends PermissionListInputs, O extends PermissionListOutputs & I>(
    spec: PermissionListSpec<I>,
): dynamic.ResourceProvider<I, O> {
    const label = labeller(spec.type);
    const uidOf = (p: I) => String(p[spec.uidField]);
    const hint = (e: unknown): string | undefined =>
        isStatus(e, 404)
            ? `No such ${spec.what} in the org: check ${spec.uidField} and orgId`
            : isStatus(e, 400)
              ? "A team or user in items may not exist in this org"
              : isStatus(e, 401, 403)
                ? `The connection's user or token needs Admin on the ${spec.what}`
                : undefined;
    return defineProvider<I, O>({
        async check(_olds, news) {
            const failures: Failure[] = [];
            checkUid(failures, spec.uidField, news[spec.uidField]);
            if (news[spec.uidField] === undefined || news[spec.uidField] === null)
                failures.push({ property: spec.uidField, reason: `${spec.uidField} is required` });
            checkItems(failures, news.items);
            checkOrgId(failures, news.orgId);
            checkConnection(failures, news.connection);
            const inputs = withDefaultOrg(news);
            return {
                inputs: Array.isArray(inputs.items) && !containsUnknown(inputs.items) ? { ...inputs, items: normalizeItems(inputs.items) } : inputs,
                failures,
            };
        },

        async diff(_id, olds, news) {
            // A preview of an update to a Team does not know its id: an item whose teamId (or userId) is unknown
            // is the same item when everything else is (a replaced team shows in its own replace).
            const items = Array.isArray(news.items) && Array.isArray(olds.items) ? sameUnknownIds(olds.items, news.items) : news.items;
            return diffFields(olds as unknown as Record<string, unknown>, { ...news, items } as unknown as Record<string, unknown>, [
                { name: "orgId", replace: true, absentMeansKeep: true },
                { name: spec.uidField, replace: true },
                { name: "items" },
                { name: "connection" },
            ]);
        },

        async create(inputs) {
            return forResource(
                label(inputs),
                async () => {
                    const client = clientOf(inputs.connection);
                    const orgId = await orgForCreate(client, inputs.orgId);
                    // The whole list is declared: whatever the object had (Grafana's defaults, hand-made items, an
                    // earlier attempt of ours) is replaced, so a retried or repeated create ends the same.
                    await client.post(spec.path(uidOf(inputs)), body(inputs.items), { orgId });
                    const outs = { ...inputs, orgId, items: normalizeItems(inputs.items) } as O;
                    return {
                        id: spec.ids.build({ orgId, [spec.uidField]: uidOf(inputs) } as { orgId: number } & Record<string, string | number>),
                        outs,
                    };
                },
                hint,
            );
        },

        async read(id, props) {
            const p = props as O;
            return forResource(label(p), async () => {
                const parsed = spec.ids.parse(id);
                const items = await unlessGone(() => liveItems(clientOf(p.connection), spec.path(String(parsed[spec.uidField])), parsed.orgId));
                if (!items) return {};
                // A changed list (an item added or removed by hand) shows as a diff against the declared one.
                return { id, props: { ...p, items } };
            });
        },

        async update(id, olds, news) {
            return forResource(
                label(news),
                async () => {
                    const parsed = spec.ids.parse(id);
                    const items = normalizeItems(news.items);
                    if (!deepEqual(items, olds.items))
                        await clientOf(news.connection).post(spec.path(String(parsed[spec.uidField])), body(items), { orgId: parsed.orgId });
                    return { outs: { ...news, orgId: olds.orgId, items } as O };
                },
                hint,
            );
        },

        async delete(id, props) {
            await forResource(label(props), async () => {
                const parsed = spec.ids.parse(id);
                // Back to Grafana's defaults rather than an empty list: destroying the resource stops managing access,
                // it does not lock everyone but Admins out. A deleted object is gone.
                const client = clientOf(props.connection);
                const uid = String(parsed[spec.uidField]);
                await unlessGone(async () =>
                    client.post(spec.path(uid), body(await spec.resetItems(client, uid, parsed.orgId)), { orgId: parsed.orgId }),
                );
            });
        },
    });
}
