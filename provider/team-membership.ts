import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import { clientOf, deleteIfPresent, forResource, GrafanaClient, isStatus, unlessGone } from "./client";
import { ConnectionArgs, ConnectionValues } from "./connection";
import { diffFields } from "./diff";
import * as ids from "./ids";
import { CommonInputs, defineKind, defineProvider, labeller, resourceProps } from "./kit";
import { orgForCreate, withDefaultOrg } from "./org";
import { providerForState } from "./thin";
import { checkConnection, checkId, checkName, checkOrgId, Failure, isUnknown } from "./validate";

export interface TeamMembershipArgs {
    /** The team (`team.teamId`). A change replaces the membership. */
    teamId: pulumi.Input<number>;
    /** Login or email of a user of the team's org. A change replaces the membership. */
    user: pulumi.Input<string>;
    /** The team's org; absent: the org rule (connection.orgId, grafana:orgId, GRAFANA_ORG_ID with basic auth, else the credential's org). */
    orgId?: pulumi.Input<number>;
    /** Per-resource connection settings (url, auth, TLS, headers, ...), each overriding stack config `grafana:<name>`; stored as a secret. */
    connection?: pulumi.Input<ConnectionArgs>;
}

export interface TeamMembershipInputs extends CommonInputs {
    teamId: number;
    user: string;
    orgId?: number;
    connection?: ConnectionValues;
}

export interface TeamMembershipOutputs extends TeamMembershipInputs {
    orgId: number;
    /** Grafana's numeric id of the user. */
    userId: number;
    /** The user was already in the team when this resource was created: delete leaves the membership. */
    adopted: boolean;
}

interface OrgUser {
    userId: number;
    login: string;
    email: string;
}

interface TeamMember {
    userId: number;
}

const label = labeller("TeamMembership");

async function findUser(client: GrafanaClient, orgId: number, user: string): Promise<OrgUser> {
    const users = (await client.get<OrgUser[]>(`/api/orgs/${orgId}/users`)).data;
    const u = users.find((x) => x.login === user || x.email.toLowerCase() === user.toLowerCase());
    if (!u) throw new Error(`user "${user}" is not a member of org ${orgId}: add it to the org first (an OrgMembership, then dependsOn it)`);
    return u;
}

async function members(client: GrafanaClient, orgId: number, teamId: number): Promise<TeamMember[]> {
    return (await client.get<TeamMember[]>(`/api/teams/${teamId}/members`, { orgId })).data;
}

export const teamMembershipProvider: dynamic.ResourceProvider<TeamMembershipInputs, TeamMembershipOutputs> = defineProvider({
    async check(_olds, news) {
        const failures: Failure[] = [];
        checkId(failures, "teamId", news.teamId, true);
        checkName(failures, "user", news.user);
        checkOrgId(failures, news.orgId);
        checkConnection(failures, news.connection);
        return { inputs: withDefaultOrg(news), failures };
    },

    async diff(_id, olds, news) {
        // A preview of an update to the Team does not know its id (the engine previews outputs from inputs): the id
        // only changes when the team is replaced, which a change of its org (known here) shows.
        const n = isUnknown(news.teamId) ? { ...news, teamId: olds.teamId } : news;
        return diffFields(olds as unknown as Record<string, unknown>, n as unknown as Record<string, unknown>, [
            { name: "orgId", replace: true, absentMeansKeep: true },
            { name: "teamId", replace: true },
            { name: "user", replace: true },
            { name: "connection" },
        ]);
    },

    async create(inputs) {
        return forResource(
            label(inputs),
            async () => {
                const client = clientOf(inputs.connection);
                const orgId = await orgForCreate(client, inputs.orgId);
                const { userId } = await findUser(client, orgId, inputs.user);
                let adopted = false;
                try {
                    await client.post(`/api/teams/${inputs.teamId}/members`, { userId }, { orgId });
                } catch (e) {
                    // Already in the team (docs team: 400 "User is already added to this team"; 409 on some versions):
                    // our own first attempt when the call was retried, else someone else's membership, which delete leaves.
                    if (!isStatus(e, 400, 409) || !(await members(client, orgId, inputs.teamId)).some((m) => m.userId === userId)) throw e;
                    adopted = !e.retried;
                }
                const outs: TeamMembershipOutputs = { ...inputs, orgId, userId, adopted };
                return { id: ids.teamMembershipIds.build({ orgId, teamId: inputs.teamId, userId }), outs };
            },
            (e) => (isStatus(e, 404) ? `No team ${inputs.teamId} in the org: check teamId and orgId` : undefined),
        );
    },

    async read(id, props) {
        const p = props as TeamMembershipOutputs;
        return forResource(label(p), async () => {
            const { orgId, teamId, userId } = ids.teamMembershipIds.parse(id);
            const list = await unlessGone(() => members(clientOf(p.connection), orgId, teamId));
            return list?.some((m) => m.userId === userId) ? { id, props: p } : {};
        });
    },

    async update(_id, olds, news) {
        // Only the connection changes in place; Grafana is not called.
        return { outs: { ...news, orgId: olds.orgId, userId: olds.userId, adopted: olds.adopted } };
    },

    async delete(id, props) {
        if (props.adopted) return; // not added by this resource
        await forResource(label(props), async () => {
            const { orgId, teamId, userId } = ids.teamMembershipIds.parse(id);
            await deleteIfPresent(clientOf(props.connection), `/api/teams/${teamId}/members/${userId}`, { orgId });
        });
    },
});

/** What the SDK serializes into the state (see providerForState). */
const teamMembershipProviderForState = providerForState<TeamMembershipInputs, TeamMembershipOutputs>(
    "TeamMembership",
    __filename,
    "teamMembershipProvider",
    () => teamMembershipProvider,
);

/**
 * A user's membership in a team (the user by login or email; it must be in the team's org). A user already in the
 * team when this is created is adopted and left there by delete.
 *
 * @example
 * ```ts
 * import { Team, TeamMembership } from "pulumi-grafana-dynamic";
 *
 * const sre = new Team("sre", { name: "SRE" });
 * new TeamMembership("sre-alice", { teamId: sre.teamId, user: "alice@example.com" });
 * ```
 */
export class TeamMembership extends dynamic.Resource {
    /** The team. */
    declare public readonly teamId: pulumi.Output<number>;
    /** The user's login or email, as declared. */
    declare public readonly user: pulumi.Output<string>;
    /** Grafana's numeric id of the user. */
    declare public readonly userId: pulumi.Output<number>;
    /** The org of the team. */
    declare public readonly orgId: pulumi.Output<number>;
    /** True when the user was already in the team (delete leaves it). */
    declare public readonly adopted: pulumi.Output<boolean>;

    constructor(name: string, args: TeamMembershipArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            teamMembershipProviderForState(),
            name,
            resourceProps(name, args, ["teamId", "user", "userId", "orgId", "adopted"]),
            opts,
            "grafana",
            "TeamMembership",
        );
    }
}

export const teamMembershipKind = defineKind({
    type: "TeamMembership",
    provider: teamMembershipProvider,
    resource: TeamMembership,
    file: "team-membership.ts",
});
