import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import { adoptionOutputs, AdoptArgs, AdoptInputs, AdoptOutputs, checkAdopt, findForAdoption, wantsAdopt } from "./adopt";
import { clientOf, deleteIfPresent, forResource, GrafanaClient, isStatus, unlessGone } from "./client";
import { ConnectionArgs, ConnectionValues } from "./connection";
import { diffFields } from "./diff";
import * as ids from "./ids";
import { CommonInputs, defineKind, defineProvider, labeller, resourceProps } from "./kit";
import { providerForState } from "./thin";
import { checkConnection, checkName, checkOptionalBoolean, Failure } from "./validate";

export interface OrganizationArgs extends AdoptArgs {
    /** The org's name, unique in Grafana. Changing it renames the org in place. */
    name: pulumi.Input<string>;
    /**
     * Deprecated: use `adopt` (the same for an org: take over the org of this name; destroy then deletes it). Kept so
     * existing programs and states work.
     */
    adoptExisting?: pulumi.Input<boolean>;
    /** Per-resource connection settings (url, auth, TLS, headers, ...), each overriding stack config `grafana:<name>`; stored as a secret. */
    connection?: pulumi.Input<ConnectionArgs>;
}

export interface OrganizationInputs extends CommonInputs, AdoptInputs {
    name: string;
    adoptExisting?: boolean;
    connection?: ConnectionValues;
}

export interface OrganizationOutputs extends OrganizationInputs, AdoptOutputs {
    /** Grafana's numeric id of the org (the `X-Grafana-Org-Id` of org-scoped calls). */
    orgId: number;
    /** True when create found the org already there and took it over. */
    adopted: boolean;
}

interface OrgBody {
    id: number;
    name: string;
}

const label = labeller("Organization");

async function findByName(client: GrafanaClient, name: string): Promise<OrgBody> {
    return (await client.get<OrgBody>(`/api/orgs/name/${encodeURIComponent(name)}`)).data;
}

export const organizationProvider: dynamic.ResourceProvider<OrganizationInputs, OrganizationOutputs> = defineProvider({
    async check(olds, news) {
        const failures: Failure[] = [];
        checkName(failures, "name", news.name);
        checkOptionalBoolean(failures, "adoptExisting", news.adoptExisting);
        checkAdopt(failures, "Organization", olds, news);
        checkConnection(failures, news.connection);
        return { inputs: news, failures };
    },

    async diff(_id, olds, news) {
        // adoptExisting only matters at create time.
        return diffFields(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>, [
            { name: "name" },
            { name: "connection" },
        ]);
    },

    async create(inputs) {
        return forResource(
            label(inputs),
            async () => {
                const client = clientOf(inputs.connection);
                // The key is the name, which is all an org declares: found means equal, recorded without a write.
                const found = await findForAdoption(
                    label(inputs),
                    wantsAdopt(inputs, inputs.adoptExisting),
                    () => unlessGone(() => findByName(client, inputs.name)),
                    () => [],
                );
                if (found)
                    return {
                        id: ids.organizationIds.build({ orgId: found.existing.id }),
                        outs: { ...inputs, orgId: found.existing.id, ...adoptionOutputs(found) },
                    };
                let orgId: number;
                let adopted = false;
                try {
                    orgId = Number((await client.post<{ orgId: number | string }>("/api/orgs", { name: inputs.name })).data.orgId);
                } catch (e) {
                    // After a retried POST, 409 may be our own first attempt: adopt it.
                    if (!isStatus(e, 409) || !(wantsAdopt(inputs, inputs.adoptExisting) || e.retried)) throw e;
                    orgId = (await findByName(client, inputs.name)).id;
                    adopted = !e.retried;
                }
                const outs: OrganizationOutputs = { ...inputs, orgId, adopted };
                return { id: ids.organizationIds.build({ orgId }), outs };
            },
            (e) =>
                isStatus(e, 409)
                    ? `An organization named "${inputs.name}" already exists. If this stack made it in an \`up\` that was interrupted (Grafana cannot tell), or to manage that org from now on, set adopt: true on this resource and run \`pulumi up\` again (destroy then deletes the org); otherwise choose another name`
                    : isStatus(e, 401, 403)
                      ? "Creating organizations needs a Grafana server admin with basic auth (user:password)"
                      : undefined,
        );
    },

    async read(id, props) {
        const p = props as OrganizationOutputs;
        return forResource(label(p), async () => {
            const client = clientOf(p.connection);
            const org = (await unlessGone(() => client.get<OrgBody>(`/api/orgs/${id}`)))?.data;
            return org ? { id, props: { ...p, orgId: org.id, name: org.name } } : {};
        });
    },

    async update(id, olds, news) {
        return forResource(
            label(news),
            async () => {
                if (news.name !== olds.name) {
                    const client = clientOf(news.connection);
                    await client.put(`/api/orgs/${id}`, { name: news.name });
                }
                return { outs: { ...news, orgId: olds.orgId, adopted: olds.adopted } };
            },
            (e) => (isStatus(e, 400, 409) ? `Another organization may already be named "${news.name}"` : undefined),
        );
    },

    async delete(id, props) {
        await forResource(label(props), async () => {
            // Grafana 10.0-10.3 answers 403 for an unknown org id: the probe tells.
            const path = `/api/orgs/${ids.organizationIds.parse(id).orgId}`;
            await deleteIfPresent(clientOf(props.connection), path, { probe: path });
        });
    },
});

/** What the SDK serializes into the state (see providerForState). */
const organizationProviderForState = providerForState<OrganizationInputs, OrganizationOutputs>(
    "Organization",
    __filename,
    "organizationProvider",
    () => organizationProvider,
);

/**
 * A Grafana organization (needs a Grafana server admin with basic auth). A rename is an in-place update; destroy
 * deletes the org and everything in it.
 *
 * @example
 * ```ts
 * import { Organization } from "pulumi-grafana-dynamic";
 *
 * const org = new Organization("apiorg", { name: "apiorg" });
 * export const orgId = org.orgId;
 * ```
 */
export class Organization extends dynamic.Resource {
    /** Grafana's numeric id of the org. */
    declare public readonly orgId: pulumi.Output<number>;
    /** The org's name. */
    declare public readonly name: pulumi.Output<string>;
    /** True when create found the org already there (adoptExisting) and took it over. */
    declare public readonly adopted: pulumi.Output<boolean>;

    constructor(name: string, args: OrganizationArgs, opts?: pulumi.CustomResourceOptions) {
        super(organizationProviderForState(), name, resourceProps(name, args, ["orgId", "name", "adopted"]), opts, "grafana", "Organization");
    }
}

export const organizationKind = defineKind({ type: "Organization", provider: organizationProvider, resource: Organization, file: "organization.ts" });
