import * as pulumi from "@pulumi/pulumi";
import { ApiKey, Dashboard, Organization, OrgMembership } from "../../provider";

export interface Registration {
    type: string;
    inputs: Record<string, unknown>;
}

/**
 * Registers one resource of each kind under pulumi.runtime.setMocks and returns what the SDK registered: the type
 * token and inputs, `__provider` (the text the SDK serialized) included. The SDK serializes; we only read.
 */
export async function registerAll(): Promise<Record<string, Registration>> {
    const seen: Record<string, Registration> = {};
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                seen[args.name] = { type: args.type, inputs: args.inputs };
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: () => ({}),
        },
        "project",
        "stack",
        false,
    );
    const org = new Organization("org", { name: "apiorg" });
    const m = new OrgMembership("member", { orgId: org.orgId, loginOrEmail: "admin", role: "Admin" });
    const key = new ApiKey("key", { orgId: 2, name: "apikeycurl", role: "Admin" });
    const dash = new Dashboard("dash", { dashboard: { title: "Production Overview" }, connection: { auth: key.key } });
    await Promise.all([org, m, key, dash].map((r) => new Promise((resolve) => r.urn.apply(resolve))));
    // registration happens after the URN resolves in mocks: wait for the last outputs too
    await new Promise((resolve) => dash.uid.apply(resolve));
    return seen;
}
