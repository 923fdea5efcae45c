import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import { clientOf, deleteIfPresent, forResource, GrafanaClient, isStatus, unlessGone } from "./client";
import { ConnectionArgs, ConnectionValues } from "./connection";
import { diffFields } from "./diff";
import * as ids from "./ids";
import { CommonInputs, defineKind, defineProvider, labeller, resourceProps } from "./kit";
import { orgForCreate, withDefaultOrg } from "./org";
import { providerForState } from "./thin";
import { checkConnection, checkName, checkOptionalString, checkOrgId, Failure } from "./validate";

export interface TeamArgs {
    /** The team's name, unique in its org. Changed in place. */
    name: pulumi.Input<string>;
    /** The team's email (optional, informational). Changed in place. */
    email?: pulumi.Input<string>;
    /**
     * The org of the team; a change replaces it. Absent: the connection's default org (connection.orgId,
     * grafana:orgId, GRAFANA_ORG_ID; basic auth only), else the credential's org.
     */
    orgId?: pulumi.Input<number>;
    /** Per-resource connection settings (url, auth, TLS, headers, ...), each overriding stack config `grafana:<name>`; stored as a secret. */
    connection?: pulumi.Input<ConnectionArgs>;
}

export interface TeamInputs extends CommonInputs {
    name: string;
    email?: string;
    orgId?: number;
    connection?: ConnectionValues;
}

export interface TeamOutputs extends TeamInputs {
    /** Grafana's numeric id of the team (what TeamMembership and the permission kinds take). */
    teamId: number;
    /** The org of the team. */
    orgId: number;
    /** True when create found this resource's own earlier attempt (same name and email, no members) and took it over. */
    adopted: boolean;
}

interface TeamBody {
    id: number;
    orgId?: number;
    name: string;
    email: string;
    memberCount?: number;
}

const label = labeller("Team");

/** Teams named exactly `name` (the search matches the name; Grafana team names are unique per org). */
async function findByName(client: GrafanaClient, orgId: number, name: string): Promise<TeamBody | undefined> {
    const res = await client.get<{ teams: TeamBody[] }>("/api/teams/search", { orgId, query: { name, perpage: 100 } });
    return res.data.teams.find((t) => t.name === name);
}

export const teamProvider: dynamic.ResourceProvider<TeamInputs, TeamOutputs> = defineProvider({
    async check(_olds, news) {
        const failures: Failure[] = [];
        checkName(failures, "name", news.name);
        checkOptionalString(failures, "email", news.email);
        checkOrgId(failures, news.orgId);
        checkConnection(failures, news.connection);
        return { inputs: withDefaultOrg(news), failures };
    },

    async diff(_id, olds, news) {
        // No email and "" are the same to Grafana.
        const email = (v: { email?: string }) => ({ ...v, email: v.email ?? "" }) as unknown as Record<string, unknown>;
        return diffFields(email(olds), email(news), [
            { name: "orgId", replace: true, absentMeansKeep: true },
            { name: "name" },
            { name: "email" },
            { name: "connection" },
        ]);
    },

    async create(inputs) {
        return forResource(
            label(inputs),
            async () => {
                const client = clientOf(inputs.connection);
                const orgId = await orgForCreate(client, inputs.orgId);
                const email = inputs.email ?? "";
                let teamId: number;
                let adopted = false;
                try {
                    teamId = (await client.post<{ teamId: number }>("/api/teams", { name: inputs.name, email }, { orgId })).data.teamId;
                } catch (e) {
                    // 409 "Team name taken" (docs: Team API, add team).
                    if (!isStatus(e, 409)) throw e;
                    const found = await findByName(client, orgId, inputs.name);
                    if (!found) throw e;
                    // Made by an earlier attempt whose answer was lost, or by an `up` killed before the state was
                    // written: taken over when nothing tells it apart from what this resource makes.
                    const same = found.email === email && (found.memberCount ?? 0) === 0;
                    if (!same && !e.retried) {
                        throw new Error(
                            `${e.message}. A team named "${found.name}" already exists in org ${orgId} (id ${found.id}, ${found.memberCount ?? 0} members), not made by this resource: choose another name, or delete that team in Grafana`,
                        );
                    }
                    teamId = found.id;
                    adopted = true;
                }
                const outs: TeamOutputs = { ...inputs, email: inputs.email, orgId, teamId, adopted };
                return { id: ids.teamIds.build({ orgId, teamId }), outs };
            },
            (e) => (isStatus(e, 401, 403) ? "The connection's user or token must be an Admin of the team's org" : undefined),
        );
    },

    async read(id, props) {
        const p = props as TeamOutputs;
        return forResource(label(p), async () => {
            const { orgId, teamId } = ids.teamIds.parse(id);
            const team = (await unlessGone(() => clientOf(p.connection).get<TeamBody>(`/api/teams/${teamId}`, { orgId })))?.data;
            if (!team) return {};
            return { id, props: { ...p, name: team.name, email: team.email || undefined } };
        });
    },

    async update(id, olds, news) {
        return forResource(
            label(news),
            async () => {
                const { orgId, teamId } = ids.teamIds.parse(id);
                if (news.name !== olds.name || (news.email ?? "") !== (olds.email ?? "")) {
                    await clientOf(news.connection).put(`/api/teams/${teamId}`, { name: news.name, email: news.email ?? "" }, { orgId });
                }
                const outs: TeamOutputs = { ...news, orgId: olds.orgId, teamId: olds.teamId, adopted: olds.adopted };
                return { outs };
            },
            (e) => (isStatus(e, 409) ? `Another team in org ${olds.orgId} is already named "${news.name}"` : undefined),
        );
    },

    async delete(id, props) {
        await forResource(label(props), async () => {
            const { orgId, teamId } = ids.teamIds.parse(id);
            await deleteIfPresent(clientOf(props.connection), `/api/teams/${teamId}`, { orgId });
        });
    },
});

/** What the SDK serializes into the state (see providerForState). */
const teamProviderForState = providerForState<TeamInputs, TeamOutputs>("Team", __filename, "teamProvider", () => teamProvider);

/**
 * A Grafana team in an org: a group of users that folder and dashboard permissions can name. Name and email change
 * in place; another org replaces it. Deleting it removes its memberships and the permissions that name it.
 *
 * @example
 * ```ts
 * import { Team, TeamMembership } from "pulumi-grafana-dynamic";
 *
 * const sre = new Team("sre", { name: "SRE", email: "sre@example.com" });
 * new TeamMembership("sre-alice", { teamId: sre.teamId, user: "alice@example.com" });
 * ```
 */
export class Team extends dynamic.Resource {
    /** Grafana's numeric id of the team. */
    declare public readonly teamId: pulumi.Output<number>;
    /** The org of the team. */
    declare public readonly orgId: pulumi.Output<number>;
    /** The team's name. */
    declare public readonly name: pulumi.Output<string>;
    /** The team's email, if any. */
    declare public readonly email: pulumi.Output<string | undefined>;
    /** True when create took over this resource's own earlier attempt. */
    declare public readonly adopted: pulumi.Output<boolean>;

    constructor(name: string, args: TeamArgs, opts?: pulumi.CustomResourceOptions) {
        super(teamProviderForState(), name, resourceProps(name, args, ["teamId", "orgId", "name", "email", "adopted"]), opts, "grafana", "Team");
    }
}

export const teamKind = defineKind({ type: "Team", provider: teamProvider, resource: Team, file: "team.ts" });
