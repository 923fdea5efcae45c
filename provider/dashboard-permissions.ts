import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import { ConnectionArgs } from "./connection";
import * as ids from "./ids";
import { defineKind, resourceProps } from "./kit";
import {
    DEFAULT_ITEMS,
    PermissionItem,
    PermissionItemArgs,
    permissionListProvider,
    PermissionListInputs,
    PermissionListOutputs,
} from "./permission-list";
import { providerForState } from "./thin";

export interface DashboardPermissionsArgs {
    /** The dashboard (`dashboard.uid`). A change replaces the resource. */
    dashboardUid: pulumi.Input<string>;
    /**
     * The dashboard's own permission list (what its folder gives is inherited on top, and not listed here): each
     * item one of `role` (Viewer or Editor), `teamId` or `userId`, with `permission` View, Edit or Admin. Items added
     * in Grafana by hand show on refresh and are removed by `up`.
     */
    items: pulumi.Input<pulumi.Input<PermissionItemArgs>[]>;
    /** The dashboard's org; absent: the org rule (connection.orgId, grafana:orgId, GRAFANA_ORG_ID with basic auth, else the credential's org). */
    orgId?: pulumi.Input<number>;
    /** Per-resource connection settings (url, auth, TLS, headers, ...), each overriding stack config `grafana:<name>`; stored as a secret. */
    connection?: pulumi.Input<ConnectionArgs>;
}

export interface DashboardPermissionsInputs extends PermissionListInputs {
    dashboardUid: string;
}

export type DashboardPermissionsOutputs = DashboardPermissionsInputs & PermissionListOutputs;

export const dashboardPermissionsProvider: dynamic.ResourceProvider<DashboardPermissionsInputs, DashboardPermissionsOutputs> = permissionListProvider<
    DashboardPermissionsInputs,
    DashboardPermissionsOutputs
>({
    type: "DashboardPermissions",
    uidField: "dashboardUid",
    ids: ids.dashboardPermissionsIds as unknown as ids.IdFormat<{ orgId: number } & Record<string, string | number>>,
    path: (uid) => `/api/dashboards/uid/${encodeURIComponent(uid)}/permissions`,
    what: "dashboard",
    // A dashboard in a folder has no own items by default (it inherits the folder's); at the root, the defaults.
    resetItems: async (client, uid, orgId) => {
        const meta = (await client.get<{ meta: { folderUid?: string } }>(`/api/dashboards/uid/${encodeURIComponent(uid)}`, { orgId })).data.meta;
        return meta.folderUid ? [] : DEFAULT_ITEMS;
    },
});

/** What the SDK serializes into the state (see providerForState). */
const dashboardPermissionsProviderForState = providerForState<DashboardPermissionsInputs, DashboardPermissionsOutputs>(
    "DashboardPermissions",
    __filename,
    "dashboardPermissionsProvider",
    () => dashboardPermissionsProvider,
);

/**
 * The own permission list of a dashboard, authoritative: `up` makes Grafana's list equal to `items`, `refresh` shows
 * an item added by hand; destroy leaves a dashboard in a folder inheriting only, one at the root Grafana's defaults.
 *
 * @example
 * ```ts
 * import { Dashboard, DashboardPermissions, Team } from "pulumi-grafana-dynamic";
 *
 * const sre = new Team("sre", { name: "SRE" });
 * const slo = new Dashboard("slo", { dashboard: { title: "SLO" } });
 * new DashboardPermissions("slo", { dashboardUid: slo.uid, items: [{ role: "Viewer", permission: "View" }, { teamId: sre.teamId, permission: "Admin" }] });
 * ```
 */
export class DashboardPermissions extends dynamic.Resource {
    /** The dashboard. */
    declare public readonly dashboardUid: pulumi.Output<string>;
    /** The permission list (in one order: roles, teams, users). */
    declare public readonly items: pulumi.Output<PermissionItem[]>;
    /** The dashboard's org. */
    declare public readonly orgId: pulumi.Output<number>;

    constructor(name: string, args: DashboardPermissionsArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            dashboardPermissionsProviderForState(),
            name,
            resourceProps(name, args, ["dashboardUid", "items", "orgId"]),
            opts,
            "grafana",
            "DashboardPermissions",
        );
    }
}

export const dashboardPermissionsKind = defineKind({
    type: "DashboardPermissions",
    provider: dashboardPermissionsProvider,
    resource: DashboardPermissions,
    file: "dashboard-permissions.ts",
});
