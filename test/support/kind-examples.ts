import * as pulumi from "@pulumi/pulumi";
import { Kind, KINDS } from "../../provider";

/**
 * Minimal args for one resource of each kind, by type: what the enumeration tests construct. A kind added to the
 * registry without an entry here fails `examplesFor` (the tests say which).
 */
export const EXAMPLE_ARGS: Record<string, Record<string, unknown>> = {
    Organization: { name: "o" },
    OrgMembership: { loginOrEmail: "admin", role: "Admin" },
    ApiKey: { name: "k", role: "Admin" },
    Dashboard: { dashboard: { title: "t" } },
    Folder: { title: "f" },
    ServiceAccount: { name: "bot", role: "Viewer" },
    ServiceAccountToken: { serviceAccountId: 1, name: "t" },
    DataSource: { name: "p", type: "prometheus" },
    Team: { name: "sre" },
    TeamMembership: { teamId: 1, user: "alice" },
    FolderPermissions: { folderUid: "f", items: [] },
    DashboardPermissions: { dashboardUid: "d", items: [] },
};

/** Every registry kind with its example args; throws naming the kinds that have none. */
export function examplesFor(kinds: readonly Kind[] = KINDS): [Kind, Record<string, unknown>][] {
    const missing = kinds.filter((k) => !EXAMPLE_ARGS[k.type]).map((k) => k.type);
    if (missing.length > 0) throw new Error(`no example args for ${missing.join(", ")}: add them to test/support/kind-examples.ts`);
    return kinds.map((k) => [k, EXAMPLE_ARGS[k.type]]);
}

/** Constructs one resource of a kind with the given args (the registry types a class's args as `never`). */
export function construct(kind: Kind, name: string, args: Record<string, unknown>): pulumi.CustomResource {
    return new kind.resource(name, args as never);
}
