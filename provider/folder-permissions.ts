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

export interface FolderPermissionsArgs {
    /** The folder (`folder.uid`). A change replaces the resource. */
    folderUid: pulumi.Input<string>;
    /**
     * The folder's whole permission list: each item one of `role` (Viewer or Editor), `teamId` or `userId`, with
     * `permission` View, Edit or Admin. Grafana's defaults (Editor: Edit, Viewer: View) are items like any other:
     * leave them out to make the folder private. Admins always have access. Items added in Grafana by hand show on
     * refresh and are removed by `up`.
     */
    items: pulumi.Input<pulumi.Input<PermissionItemArgs>[]>;
    /** The folder's org; absent: the org rule (connection.orgId, grafana:orgId, GRAFANA_ORG_ID with basic auth, else the credential's org). */
    orgId?: pulumi.Input<number>;
    /** Per-resource connection settings (url, auth, TLS, headers, ...), each overriding stack config `grafana:<name>`; stored as a secret. */
    connection?: pulumi.Input<ConnectionArgs>;
}

export interface FolderPermissionsInputs extends PermissionListInputs {
    folderUid: string;
}

export type FolderPermissionsOutputs = FolderPermissionsInputs & PermissionListOutputs;

export const folderPermissionsProvider: dynamic.ResourceProvider<FolderPermissionsInputs, FolderPermissionsOutputs> = permissionListProvider<
    FolderPermissionsInputs,
    FolderPermissionsOutputs
>({
    type: "FolderPermissions",
    uidField: "folderUid",
    ids: ids.folderPermissionsIds as unknown as ids.IdFormat<{ orgId: number } & Record<string, string | number>>,
    path: (uid) => `/api/folders/${encodeURIComponent(uid)}/permissions`,
    what: "folder",
    resetItems: async () => DEFAULT_ITEMS,
});

/** What the SDK serializes into the state (see providerForState). */
const folderPermissionsProviderForState = providerForState<FolderPermissionsInputs, FolderPermissionsOutputs>(
    "FolderPermissions",
    __filename,
    "folderPermissionsProvider",
    () => folderPermissionsProvider,
);

/**
 * The whole permission list of a folder, authoritative: `up` makes Grafana's list equal to `items`, `refresh` shows
 * an item added by hand, destroy puts Grafana's defaults back (Editors edit, Viewers view).
 *
 * @example
 * ```ts
 * import { Folder, FolderPermissions, Team } from "pulumi-grafana-dynamic";
 *
 * const sre = new Team("sre", { name: "SRE" });
 * const runbooks = new Folder("runbooks", { title: "Runbooks" });
 * // Private: only the team (and Admins); no Viewer or Editor role item.
 * new FolderPermissions("runbooks", { folderUid: runbooks.uid, items: [{ teamId: sre.teamId, permission: "Edit" }] });
 * ```
 */
export class FolderPermissions extends dynamic.Resource {
    /** The folder. */
    declare public readonly folderUid: pulumi.Output<string>;
    /** The permission list (in one order: roles, teams, users). */
    declare public readonly items: pulumi.Output<PermissionItem[]>;
    /** The folder's org. */
    declare public readonly orgId: pulumi.Output<number>;

    constructor(name: string, args: FolderPermissionsArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            folderPermissionsProviderForState(),
            name,
            resourceProps(name, args, ["folderUid", "items", "orgId"]),
            opts,
            "grafana",
            "FolderPermissions",
        );
    }
}

export const folderPermissionsKind = defineKind({
    type: "FolderPermissions",
    provider: folderPermissionsProvider,
    resource: FolderPermissions,
    file: "folder-permissions.ts",
});
