import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import { adoptionOutputs, AdoptArgs, AdoptInputs, checkAdopt, differingFields, findForAdoption, wantsAdopt } from "./adopt";
import { clientOf, deleteIfPresent, forResource, GrafanaClient, isStatus, unlessGone } from "./client";
import { ConnectionArgs, ConnectionValues } from "./connection";
import { diffFields } from "./diff";
import * as ids from "./ids";
import { orgForCreate, withDefaultOrg } from "./org";
import { CommonInputs, defineKind, defineProvider, labeller, resourceProps } from "./kit";
import { providerForState } from "./thin";
import { checkConnection, checkName, checkOptionalBoolean, checkOrgId, checkRole, Failure } from "./validate";

/** Roles a service account can have; `None` (no basic role) needs Grafana >= 10.1 (10.0 answers 400 "Bad request data"). */
export const SERVICE_ACCOUNT_ROLES = ["Admin", "Editor", "Viewer", "None"] as const;
export type ServiceAccountRole = (typeof SERVICE_ACCOUNT_ROLES)[number];

export interface ServiceAccountArgs extends AdoptArgs {
    /**
     * The org the service account belongs to. A change replaces it. Absent: the connection's default org
     * (connection.orgId, grafana:orgId, GRAFANA_ORG_ID; basic auth only), else the credential's org.
     */
    orgId?: pulumi.Input<number>;
    /** Display name, unique in the org (case-insensitively). Changed in place. */
    name: pulumi.Input<string>;
    /** Basic role in the org. Changed in place. */
    role: pulumi.Input<ServiceAccountRole>;
    /** A disabled service account's tokens are refused (401). Changed in place; default false. */
    isDisabled?: pulumi.Input<boolean>;
    /** Per-resource Grafana URL and credential; stored as a secret. */
    connection?: pulumi.Input<ConnectionArgs>;
}

export interface ServiceAccountInputs extends CommonInputs, AdoptInputs {
    orgId?: number;
    name: string;
    role: ServiceAccountRole;
    isDisabled?: boolean;
    connection?: ConnectionValues;
}

export interface ServiceAccountOutputs extends ServiceAccountInputs {
    /** The org the service account belongs to. */
    orgId: number;
    /** Grafana's numeric id of the service account (what ServiceAccountToken takes). */
    serviceAccountId: number;
    /** The login Grafana gave it (`sa-<name>`; it does not follow renames). */
    login: string;
    /** True when create found this resource's own earlier attempt (same name, role, state, no tokens) and took it over. */
    adopted: boolean;
    /** With adopt: the fields create changed in Grafana (see AdoptOutputs). */
    adoptedChanges?: string[];
}

interface SaBody {
    id: number;
    name: string;
    login: string;
    role: string;
    isDisabled: boolean;
    tokens?: number;
}

const label = labeller("ServiceAccount");

function roleHint(role: string) {
    return (e: unknown): string | undefined => {
        if (isStatus(e, 400) && role === "None" && /bad request/i.test(e.grafanaMessage)) {
            return 'This Grafana has no "None" role for service accounts (Grafana 10.0 answers so; it came with 10.1): use Viewer, or upgrade';
        }
        if (isStatus(e, 401, 403)) return "The connection's user must be an Admin of the service account's org";
        return undefined;
    };
}

async function findByName(client: GrafanaClient, orgId: number, name: string): Promise<SaBody | undefined> {
    const res = await client.get<{ serviceAccounts: SaBody[] }>("/api/serviceaccounts/search", { orgId, query: { query: name, perpage: 100 } });
    return res.data.serviceAccounts.find((s) => s.name.toLowerCase() === name.toLowerCase());
}

export const serviceAccountProvider: dynamic.ResourceProvider<ServiceAccountInputs, ServiceAccountOutputs> = defineProvider({
    async check(olds, news) {
        const failures: Failure[] = [];
        checkOrgId(failures, news.orgId);
        checkAdopt(failures, "ServiceAccount", olds, news);
        checkName(failures, "name", news.name);
        checkRole(failures, "role", news.role, SERVICE_ACCOUNT_ROLES);
        checkOptionalBoolean(failures, "isDisabled", news.isDisabled);
        checkConnection(failures, news.connection);
        return { inputs: withDefaultOrg(news), failures };
    },

    async diff(_id, olds, news) {
        return diffFields(
            olds as unknown as Record<string, unknown>,
            { ...news, isDisabled: news.isDisabled ?? false } as unknown as Record<string, unknown>,
            [
                { name: "orgId", replace: true, absentMeansKeep: true },
                { name: "name" },
                { name: "role" },
                { name: "isDisabled" },
                { name: "connection" },
            ],
        );
    },

    async create(inputs) {
        return forResource(
            label(inputs),
            async () => {
                const client = clientOf(inputs.connection);
                const orgId = await orgForCreate(client, inputs.orgId);
                const scope = { orgId };
                const isDisabled = inputs.isDisabled ?? false;
                // Found by name (unique in the org, any case); its tokens stay as they are.
                const adoption = await findForAdoption(
                    label(inputs),
                    wantsAdopt(inputs),
                    () => findByName(client, orgId, inputs.name),
                    (f) => differingFields({ ...inputs, isDisabled }, f as unknown as Record<string, unknown>, ["name", "role", "isDisabled"]),
                );
                if (adoption) {
                    const f = adoption.existing;
                    if (adoption.changed.length > 0)
                        await client.patch(`/api/serviceaccounts/${f.id}`, { name: inputs.name, role: inputs.role, isDisabled }, scope);
                    const outs: ServiceAccountOutputs = {
                        ...inputs,
                        orgId,
                        isDisabled,
                        serviceAccountId: f.id,
                        login: f.login,
                        ...adoptionOutputs(adoption),
                    };
                    return { id: ids.serviceAccountIds.build({ orgId, serviceAccountId: f.id }), outs };
                }
                let sa: SaBody;
                let adopted = false;
                try {
                    sa = (await client.post<SaBody>("/api/serviceaccounts", { name: inputs.name, role: inputs.role, isDisabled }, scope)).data;
                } catch (e) {
                    if (!isStatus(e, 400, 409) || !/already exists/i.test(e.grafanaMessage)) throw e;
                    // Made by an earlier attempt whose answer was lost, or by an `up` killed before the state was written:
                    // taken over when nothing tells it apart from what this resource makes (and it holds no token yet).
                    const found = await findByName(client, orgId, inputs.name);
                    if (!found) throw e;
                    const same =
                        found.name === inputs.name && found.role === inputs.role && found.isDisabled === isDisabled && (found.tokens ?? 0) === 0;
                    if (!same && !e.retried) {
                        throw new Error(
                            `${e.message}. A service account named "${found.name}" already exists in org ${orgId} (id ${found.id}, role ${found.role}, ${found.tokens ?? 0} tokens), not made by this resource: delete it in Grafana or choose another name`,
                        );
                    }
                    sa = found;
                    adopted = true;
                    if (found.role !== inputs.role || found.isDisabled !== isDisabled) {
                        await client.patch(`/api/serviceaccounts/${found.id}`, { role: inputs.role, isDisabled }, scope);
                    }
                }
                const outs: ServiceAccountOutputs = { ...inputs, orgId, isDisabled, serviceAccountId: sa.id, login: sa.login, adopted };
                return { id: ids.serviceAccountIds.build({ orgId, serviceAccountId: sa.id }), outs };
            },
            roleHint(inputs.role),
        );
    },

    async read(id, props) {
        const p = props as ServiceAccountOutputs;
        return forResource(label(p), async () => {
            const client = clientOf(p.connection);
            const sa = (await unlessGone(() => client.get<SaBody>(`/api/serviceaccounts/${p.serviceAccountId}`, { orgId: p.orgId })))?.data;
            if (!sa) return {};
            return { id, props: { ...p, name: sa.name, role: sa.role as ServiceAccountRole, isDisabled: sa.isDisabled, login: sa.login } };
        });
    },

    async update(_id, olds, news) {
        return forResource(
            label(news),
            async () => {
                const isDisabled = news.isDisabled ?? false;
                const patch: Record<string, unknown> = {};
                if (news.name !== olds.name) patch.name = news.name;
                if (news.role !== olds.role) patch.role = news.role;
                if (isDisabled !== (olds.isDisabled ?? false)) patch.isDisabled = isDisabled;
                if (Object.keys(patch).length > 0) {
                    const client = clientOf(news.connection);
                    await client.patch(`/api/serviceaccounts/${olds.serviceAccountId}`, patch, { orgId: olds.orgId });
                }
                const outs: ServiceAccountOutputs = {
                    ...news,
                    isDisabled,
                    orgId: olds.orgId,
                    serviceAccountId: olds.serviceAccountId,
                    login: olds.login,
                    adopted: olds.adopted,
                };
                return { outs };
            },
            (e) =>
                isStatus(e, 400) && /already exists/i.test((e as Error).message)
                    ? `Another service account in org ${olds.orgId} is already named "${news.name}"`
                    : roleHint(news.role)(e),
        );
    },

    async delete(_id, props) {
        await forResource(label(props), async () => {
            const { orgId, serviceAccountId } = ids.serviceAccountIds.parse(_id);
            const path = `/api/serviceaccounts/${serviceAccountId}`;
            // Deleting the service account revokes its tokens too. Grafana 10 answers a repeated delete with 500
            // "Service account deletion error": the probe tells.
            await deleteIfPresent(clientOf(props.connection), path, { orgId, probe: path });
        });
    },
});

/** What the SDK serializes into the state (see providerForState). */
const serviceAccountProviderForState = providerForState<ServiceAccountInputs, ServiceAccountOutputs>(
    "ServiceAccount",
    __filename,
    "serviceAccountProvider",
    () => serviceAccountProvider,
);

/**
 * A Grafana service account in an org: the machine identity that holds ServiceAccountTokens (the only API credential
 * on Grafana 12.1+). Name, role and disabled state change in place; another org replaces it. Deleting it revokes its
 * tokens.
 *
 * @example
 * ```ts
 * import { ServiceAccount, ServiceAccountToken } from "pulumi-grafana-dynamic";
 *
 * const ci = new ServiceAccount("ci", { orgId: org.orgId, name: "ci", role: "Editor" });
 * const token = new ServiceAccountToken("ci-token", {
 *     orgId: org.orgId,
 *     serviceAccountId: ci.serviceAccountId,
 *     name: "ci",
 *     secondsToLive: 30 * 24 * 3600,
 *     rotateBeforeExpirySeconds: 7 * 24 * 3600,
 * });
 * ```
 */
export class ServiceAccount extends dynamic.Resource {
    /** Grafana's numeric id of the service account. */
    declare public readonly serviceAccountId: pulumi.Output<number>;
    /** The org the service account belongs to. */
    declare public readonly orgId: pulumi.Output<number>;
    /** Display name. */
    declare public readonly name: pulumi.Output<string>;
    /** Basic role in the org. */
    declare public readonly role: pulumi.Output<ServiceAccountRole>;
    /** Whether it is disabled. */
    declare public readonly isDisabled: pulumi.Output<boolean>;
    /** The login Grafana gave it. */
    declare public readonly login: pulumi.Output<string>;
    /** True when create took over this resource's own earlier attempt. */
    declare public readonly adopted: pulumi.Output<boolean>;

    constructor(name: string, args: ServiceAccountArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            serviceAccountProviderForState(),
            name,
            resourceProps(name, args, ["serviceAccountId", "orgId", "name", "role", "isDisabled", "login", "adopted"]),
            opts,
            "grafana",
            "ServiceAccount",
        );
    }
}

export const serviceAccountKind = defineKind({
    type: "ServiceAccount",
    provider: serviceAccountProvider,
    resource: ServiceAccount,
    file: "service-account.ts",
});
