import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import { adoptionOutputs, AdoptArgs, AdoptInputs, checkAdopt, findForAdoption, wantsAdopt } from "./adopt";
import { clientOf, deleteIfPresent, forResource, GrafanaClient, GrafanaError, isStatus, unlessGone } from "./client";
import { ConnectionArgs, ConnectionValues } from "./connection";
import { diffFields } from "./diff";
import * as ids from "./ids";
import { orgForCreate, withDefaultOrg } from "./org";
import { CommonInputs, defineKind, defineProvider, labeller, resourceProps } from "./kit";
import { providerForState } from "./thin";
import { checkConnection, checkName, checkOrgId, checkRole, Failure, ORG_ROLES, OrgRole } from "./validate";

export interface OrgMembershipArgs extends AdoptArgs {
    /**
     * The org to add the user to. Changing it replaces the membership. Absent: the connection's default org
     * (connection.orgId, grafana:orgId, GRAFANA_ORG_ID; basic auth only), else the credential's current org.
     */
    orgId?: pulumi.Input<number>;
    /** Login or email of an existing Grafana user. Changing it replaces the membership. */
    loginOrEmail: pulumi.Input<string>;
    /** The user's role in the org: `Admin`, `Editor` or `Viewer`. Changed in place. */
    role: pulumi.Input<OrgRole>;
    /** Per-resource connection settings (url, auth, TLS, headers, ...), each overriding stack config `grafana:<name>`; stored as a secret. */
    connection?: pulumi.Input<ConnectionArgs>;
}

export interface OrgMembershipInputs extends CommonInputs, AdoptInputs {
    orgId?: number;
    loginOrEmail: string;
    role: OrgRole;
    connection?: ConnectionValues;
}

export interface OrgMembershipOutputs extends OrgMembershipInputs {
    /** The org of the membership. */
    orgId: number;
    /** With adopt: the fields create changed in Grafana (see AdoptOutputs). */
    adoptedChanges?: string[];
    /** Grafana's numeric id of the user. */
    userId: number;
    /** The user was already a member when this resource was created: delete restores `previousRole` and leaves the membership. */
    adopted: boolean;
    previousRole?: string;
}

interface OrgUser {
    userId: number;
    login: string;
    email: string;
    role: string;
}

const label = labeller("OrgMembership");

/** The inputs with the org the membership is made in. */
type Placed = OrgMembershipInputs & { orgId: number };

async function listMembers(client: GrafanaClient, orgId: number): Promise<OrgUser[]> {
    return (await client.get<OrgUser[]>(`/api/orgs/${orgId}/users`)).data;
}

function matches(u: OrgUser, loginOrEmail: string): boolean {
    const x = loginOrEmail.toLowerCase();
    return u.login?.toLowerCase() === x || u.email?.toLowerCase() === x;
}

function lastAdminHint(e: unknown): string | undefined {
    return isStatus(e, 400) && /admin/i.test((e as GrafanaError).grafanaMessage)
        ? "Every organization needs an Admin: make another user Admin first"
        : undefined;
}

export const orgMembershipProvider: dynamic.ResourceProvider<OrgMembershipInputs, OrgMembershipOutputs> = defineProvider({
    async check(olds, given) {
        const failures: Failure[] = [];
        const news = withDefaultOrg(given);
        checkAdopt(failures, "OrgMembership", olds, news);
        checkOrgId(failures, news.orgId);
        checkName(failures, "loginOrEmail", news.loginOrEmail);
        checkRole(failures, "role", news.role, ORG_ROLES);
        checkConnection(failures, news.connection);
        return { inputs: news, failures };
    },

    async diff(_id, olds, news) {
        return diffFields(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>, [
            { name: "orgId", replace: true, absentMeansKeep: true },
            { name: "loginOrEmail", replace: true },
            { name: "role" },
            { name: "connection" },
        ]);
    },

    async create(given) {
        return forResource(
            label(given),
            async () => {
                const client = clientOf(given.connection);
                const inputs: Placed = { ...given, orgId: await orgForCreate(client, given.orgId) };
                const path = `/api/orgs/${inputs.orgId}/users`;
                // Looked up by login or email before any write; adopted, destroy leaves it (with its previous role).
                const found = await findForAdoption(
                    label(inputs),
                    wantsAdopt(inputs),
                    async () => (await listMembers(client, inputs.orgId)).find((u) => matches(u, inputs.loginOrEmail)),
                    (m) => (m.role === inputs.role ? [] : ["role"]),
                );
                if (found) {
                    const m = found.existing;
                    if (found.changed.length > 0) await client.patch(`${path}/${m.userId}`, { role: inputs.role });
                    const outs: OrgMembershipOutputs = { ...inputs, userId: m.userId, previousRole: m.role, ...adoptionOutputs(found) };
                    return { id: ids.orgMembershipIds.build({ orgId: inputs.orgId, userId: m.userId }), outs };
                }
                try {
                    const res = await client.post<{ userId?: number }>(path, { loginOrEmail: inputs.loginOrEmail, role: inputs.role });
                    const userId = res.data.userId ?? (await findMember(client, inputs)).userId;
                    return { id: ids.orgMembershipIds.build({ orgId: inputs.orgId, userId }), outs: { ...inputs, userId, adopted: false } };
                } catch (e) {
                    if (!isStatus(e, 409)) throw e;
                    if (e.retried) {
                        // Our own first attempt went through before the connection dropped.
                        const userId = (await findMember(client, inputs)).userId;
                        return { id: ids.orgMembershipIds.build({ orgId: inputs.orgId, userId }), outs: { ...inputs, userId, adopted: false } };
                    }
                }
                // Already a member (an org's creator always is): take it over and set the role.
                const member = await findMember(client, inputs);
                if (member.role !== inputs.role) {
                    await client.patch(`${path}/${member.userId}`, { role: inputs.role });
                }
                const outs: OrgMembershipOutputs = { ...inputs, userId: member.userId, adopted: true, previousRole: member.role };
                return { id: ids.orgMembershipIds.build({ orgId: inputs.orgId, userId: member.userId }), outs };
            },
            lastAdminHint,
        );
    },

    async read(id, props) {
        const p = props as OrgMembershipOutputs;
        return forResource(label(p), async () => {
            const client = clientOf(p.connection);
            const members = await unlessGone(() => listMembers(client, p.orgId));
            const m = members?.find((u) => u.userId === p.userId);
            return m ? { id, props: { ...p, role: m.role as OrgRole } } : {};
        });
    },

    async update(_id, olds, news) {
        return forResource(
            label(news),
            async () => {
                if (news.role !== olds.role) {
                    const client = clientOf(news.connection);
                    await client.patch(`/api/orgs/${olds.orgId}/users/${olds.userId}`, { role: news.role });
                }
                return { outs: { ...news, orgId: olds.orgId, userId: olds.userId, adopted: olds.adopted, previousRole: olds.previousRole } };
            },
            lastAdminHint,
        );
    },

    async delete(_id, props) {
        await forResource(
            label(props),
            async () => {
                const client = clientOf(props.connection);
                const { orgId, userId } = ids.orgMembershipIds.parse(_id);
                const path = `/api/orgs/${orgId}/users/${userId}`;
                if (props.adopted) {
                    // We did not add this member, so we do not remove it; only our role change is undone.
                    if (props.previousRole && props.previousRole !== props.role) {
                        await unlessGone(() => client.patch(path, { role: props.previousRole }));
                    }
                    return;
                }
                // Never /api/org/users/:id: that form deletes a user who belongs to no other org.
                await deleteIfPresent(client, path);
            },
            lastAdminHint,
        );
    },
});

async function findMember(client: GrafanaClient, inputs: Placed): Promise<OrgUser> {
    const m = (await listMembers(client, inputs.orgId)).find((u) => matches(u, inputs.loginOrEmail));
    if (!m) throw new Error(`user "${inputs.loginOrEmail}" is not listed in org ${inputs.orgId}`);
    return m;
}

/** What the SDK serializes into the state (see providerForState). */
const orgMembershipProviderForState = providerForState<OrgMembershipInputs, OrgMembershipOutputs>(
    "OrgMembership",
    __filename,
    "orgMembershipProvider",
    () => orgMembershipProvider,
);

/**
 * A user's membership and role in an org. A role change is an update; another org or user replaces it. A user who is
 * already a member (an org's creator always is) is adopted: destroy then restores the previous role and leaves the
 * membership. Removal uses `DELETE /api/orgs/:orgId/users/:userId`, which never deletes the user.
 *
 * @example
 * ```ts
 * import { OrgMembership } from "pulumi-grafana-dynamic";
 *
 * new OrgMembership("bob", { orgId: org.orgId, loginOrEmail: "bob@example.com", role: "Editor" });
 * ```
 */
export class OrgMembership extends dynamic.Resource {
    /** The org. */
    declare public readonly orgId: pulumi.Output<number>;
    /** Login or email of the user. */
    declare public readonly loginOrEmail: pulumi.Output<string>;
    /** The user's role in the org. */
    declare public readonly role: pulumi.Output<OrgRole>;
    /** Grafana's numeric id of the user. */
    declare public readonly userId: pulumi.Output<number>;
    /** True when the user was already a member: destroy leaves the membership and restores the previous role. */
    declare public readonly adopted: pulumi.Output<boolean>;

    constructor(name: string, args: OrgMembershipArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            orgMembershipProviderForState(),
            name,
            resourceProps(name, args, ["orgId", "loginOrEmail", "role", "userId", "adopted"]),
            opts,
            "grafana",
            "OrgMembership",
        );
    }
}

export const orgMembershipKind = defineKind({
    type: "OrgMembership",
    provider: orgMembershipProvider,
    resource: OrgMembership,
    file: "org-membership.ts",
});
