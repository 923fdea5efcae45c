import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import { clientFor, clientOf, deleteIfPresent, forResource, GrafanaClient, isStatus, unlessGone } from "./client";
import { ConnectionArgs, ConnectionValues, processState, ResolvedConnection, resolveConnection } from "./connection";
import { diffFields } from "./diff";
import * as ids from "./ids";
import { orgForCreate, withDefaultOrg } from "./org";
import { CommonInputs, defineKind, defineProvider, labeller, resourceProps } from "./kit";
import { providerForState } from "./thin";
import {
    checkConnection,
    checkName,
    checkOptionalBoolean,
    checkOptionalInteger,
    checkOrgId,
    checkRole,
    Failure,
    ORG_ROLES,
    OrgRole,
} from "./validate";

export interface ApiKeyArgs {
    /**
     * The org the key belongs to (requests made with the key act in this org). Absent: the connection's default org
     * (connection.orgId, grafana:orgId, GRAFANA_ORG_ID; basic auth only), else the credential's org.
     */
    orgId?: pulumi.Input<number>;
    /** The key's name, unique in its org (also the service account's and token's name where one is made). */
    name: pulumi.Input<string>;
    /** The key's role in the org: `Admin`, `Editor` or `Viewer`. */
    role: pulumi.Input<OrgRole>;
    /** Lifetime in seconds; absent or 0 means no expiry (if the server allows it). */
    secondsToLive?: pulumi.Input<number>;
    /** Make a service account token even where the server still makes legacy API keys (which Grafana deprecated). */
    useServiceAccount?: pulumi.Input<boolean>;
    /** Per-resource connection settings (url, auth, TLS, headers, ...), each overriding stack config `grafana:<name>`; stored as a secret. */
    connection?: pulumi.Input<ConnectionArgs>;
}

export type ApiKeyKind = "apikey" | "serviceaccount";

export interface ApiKeyInputs extends CommonInputs {
    orgId?: number;
    name: string;
    role: OrgRole;
    secondsToLive?: number;
    useServiceAccount?: boolean;
    connection?: ConnectionValues;
}

export interface ApiKeyOutputs extends ApiKeyInputs {
    /** The org the key belongs to. */
    orgId: number;
    /** The key or token, returned once by Grafana; secret in the state. */
    key: string;
    /** What the server made: a legacy API key (Grafana < 11.3) or a service account with a token. */
    kind: ApiKeyKind;
    keyId?: number;
    serviceAccountId?: number;
    tokenId?: number;
}

/** The inputs with the org the key is made in. */
type Placed = ApiKeyInputs & { orgId: number };

interface KeyBody {
    id: number;
    name: string;
    key: string;
}

interface ServiceAccountBody {
    id: number;
    name: string;
}

const label = labeller("ApiKey");

export const apiKeyProvider: dynamic.ResourceProvider<ApiKeyInputs, ApiKeyOutputs> = defineProvider({
    async check(_olds, given) {
        const failures: Failure[] = [];
        const news = withDefaultOrg(given);
        checkOrgId(failures, news.orgId);
        checkName(failures, "name", news.name);
        checkRole(failures, "role", news.role, ORG_ROLES);
        checkOptionalInteger(failures, "secondsToLive", news.secondsToLive, 0);
        checkOptionalBoolean(failures, "useServiceAccount", news.useServiceAccount);
        checkConnection(failures, news.connection);
        return { inputs: news, failures };
    },

    async diff(_id, olds, news) {
        // A key cannot be changed once made: any change makes a new one. Names are unique per org, so the old goes first.
        return diffFields(
            olds as unknown as Record<string, unknown>,
            news as unknown as Record<string, unknown>,
            [
                { name: "orgId", replace: true, absentMeansKeep: true },
                { name: "name", replace: true },
                { name: "role", replace: true },
                { name: "secondsToLive", replace: true },
                { name: "useServiceAccount", replace: true },
                { name: "connection" },
            ],
            true,
        );
    },

    async create(given) {
        let orgId = given.orgId;
        return forResource(
            label(given),
            async () => {
                const client = clientOf(given.connection);
                orgId = await orgForCreate(client, orgId);
                const inputs: Placed = { ...given, orgId };
                const noLegacy = processState().noLegacyKeys;
                if (!inputs.useServiceAccount && !noLegacy.has(client.url)) {
                    const made = await createLegacyKey(client, inputs);
                    if (made) {
                        const outs: ApiKeyOutputs = { ...inputs, key: made.key, kind: "apikey", keyId: made.id };
                        return { id: ids.apiKeyIds.build({ orgId: inputs.orgId, kind: "apikey", id: made.id }), outs };
                    }
                    noLegacy.add(client.url);
                }
                const { sa, token } = await createServiceAccountToken(client, inputs);
                const outs: ApiKeyOutputs = { ...inputs, key: token.key, kind: "serviceaccount", serviceAccountId: sa.id, tokenId: token.id };
                return { id: ids.apiKeyIds.build({ orgId: inputs.orgId, kind: "serviceaccount", id: sa.id }), outs };
            },
            (e) =>
                isStatus(e, 401, 403)
                    ? `The connection's user must be an Admin member of org ${orgId ?? "(the credential's org)"} (add an OrgMembership and dependsOn it)`
                    : undefined,
        );
    },

    async read(id, props) {
        const p = props as ApiKeyOutputs;
        return forResource(label(p), async () => {
            const client = clientOf(p.connection);
            const scope = { orgId: p.orgId };
            // 404: the key, the service account, or (after an upgrade past 12.1) the legacy key API is gone.
            const exists = await unlessGone(async () => {
                if (p.kind === "apikey") {
                    const keys = await unlessGone(
                        async () => (await client.get<{ id: number }[]>("/api/auth/keys", { ...scope, query: { includeExpired: "true" } })).data,
                    );
                    if (keys) return keys.some((k) => k.id === p.keyId);
                    // No key API (a server upgraded past 12.1): Grafana migrated the key to a service-account token that
                    // keeps working (docs: "Migrate API keys to service account tokens"); the key exists while it signs in.
                    return await keyStillWorks(resolveConnection({ ...(p.connection ?? {}), auth: p.key }), p.orgId);
                }
                await client.get(`/api/serviceaccounts/${p.serviceAccountId}`, scope);
                const tokens = (await client.get<{ id: number }[]>(`/api/serviceaccounts/${p.serviceAccountId}/tokens`, scope)).data;
                return tokens.some((t) => t.id === p.tokenId);
            });
            return exists ? { id, props: p } : {};
        });
    },

    async update(_id, olds, news) {
        // Only the connection can change in place; Grafana is not called.
        return { outs: { ...olds, ...news } };
    },

    async delete(_id, props) {
        await forResource(label(props), async () => {
            const client = clientOf(props.connection);
            const { orgId, kind, id } = ids.apiKeyIds.parse(_id);
            if (kind === "apikey") {
                await deleteIfPresent(client, `/api/auth/keys/${props.keyId ?? id}`, { orgId });
            } else {
                // Deleting the service account revokes its tokens too; Grafana 10 answers a repeated delete with 500.
                const path = `/api/serviceaccounts/${id}`;
                await deleteIfPresent(client, path, { orgId, probe: path });
            }
        });
    },
});

interface ListedKey {
    id: number;
    name: string;
    role?: string;
    lastUsedAt?: string | null;
}

/** A name conflict that is not this resource's own lost attempt: say which object holds the name and what to do. */
function notOurs(what: string, inputs: Placed, id: number, why: string): Error {
    return new Error(
        `${what} named "${inputs.name}" already exists in org ${inputs.orgId} (id ${id}) and ${why}, so it is not this stack's own earlier attempt: delete it in Grafana or choose another name`,
    );
}

/**
 * Legacy key, or undefined when the server no longer makes them (410 from 11.3, 404 from 12.1). A key is shown only
 * once, so when a 409 shows an earlier attempt of ours went through (answer lost, or `up` interrupted), it is
 * replaced: a key of that name and role that was never used.
 */
async function createLegacyKey(client: GrafanaClient, inputs: Placed): Promise<KeyBody | undefined> {
    const body = { name: inputs.name, role: inputs.role, secondsToLive: inputs.secondsToLive ?? 0 };
    const scope = { orgId: inputs.orgId };
    try {
        return (await client.post<KeyBody>("/api/auth/keys", body, scope)).data;
    } catch (e) {
        if (isStatus(e, 404, 410)) return undefined;
        if (!isStatus(e, 409)) throw e;
        const keys = (await client.get<ListedKey[]>("/api/auth/keys", { ...scope, query: { includeExpired: "true" } })).data;
        const lost = keys.find((k) => k.name === inputs.name);
        if (!lost) throw e;
        if (!e.retried) {
            if (lost.role !== undefined && lost.role !== inputs.role) throw notOurs("An API key", inputs, lost.id, `has role ${lost.role}`);
            if (lost.lastUsedAt && !lost.lastUsedAt.startsWith("0001-")) throw notOurs("An API key", inputs, lost.id, "has been used");
        }
        await client.delete(`/api/auth/keys/${lost.id}`, scope);
        return (await client.post<KeyBody>("/api/auth/keys", body, scope)).data;
    }
}

/**
 * A service account with one token. A service account of that name left by an earlier attempt of ours (same role,
 * no tokens but ours: made before an interrupted `up`) is taken over, and any token it holds is made again.
 */
async function createServiceAccountToken(client: GrafanaClient, inputs: Placed): Promise<{ sa: ServiceAccountBody; token: KeyBody }> {
    const scope = { orgId: inputs.orgId };
    let sa: ServiceAccountBody;
    let made = false;
    try {
        sa = (await client.post<ServiceAccountBody>("/api/serviceaccounts", { name: inputs.name, role: inputs.role, isDisabled: false }, scope)).data;
        made = true;
    } catch (e) {
        if (!isStatus(e, 400, 409)) throw e;
        const found = await findServiceAccount(client, inputs);
        if (!found) throw e;
        if (found.role !== undefined && found.role !== inputs.role) throw notOurs("A service account", inputs, found.id, `has role ${found.role}`);
        const tokens = (await client.get<ListedKey[]>(`/api/serviceaccounts/${found.id}/tokens`, scope)).data;
        const foreign = tokens.find((t) => t.name !== inputs.name);
        if (foreign) throw notOurs("A service account", inputs, found.id, `holds a token "${foreign.name}" this stack did not make`);
        for (const t of tokens) await client.delete(`/api/serviceaccounts/${found.id}/tokens/${t.id}`, scope);
        sa = found;
    }
    const tokenBody = { name: inputs.name, secondsToLive: inputs.secondsToLive ?? 0 };
    try {
        const token = (await client.post<KeyBody>(`/api/serviceaccounts/${sa.id}/tokens`, tokenBody, scope)).data;
        return { sa, token };
    } catch (e) {
        // Leave nothing half-made: a service account this call made without its token is removed again.
        if (made) await client.delete(`/api/serviceaccounts/${sa.id}`, scope).catch(() => undefined);
        throw e;
    }
}

/** Whether a key signs in to its org: 200 from GET /api/org naming it; 401 means revoked or deleted. */
async function keyStillWorks(conn: ResolvedConnection, orgId: number): Promise<boolean> {
    try {
        return (await clientFor(conn).get<{ id: number }>("/api/org")).data.id === orgId;
    } catch (e) {
        if (isStatus(e, 401)) return false;
        throw e;
    }
}

async function findServiceAccount(client: GrafanaClient, inputs: Placed): Promise<(ServiceAccountBody & { role?: string }) | undefined> {
    const res = await client.get<{ serviceAccounts: (ServiceAccountBody & { role?: string })[] }>("/api/serviceaccounts/search", {
        orgId: inputs.orgId,
        query: { query: inputs.name, perpage: 100 },
    });
    return res.data.serviceAccounts.find((s) => s.name === inputs.name);
}

/** What the SDK serializes into the state (see providerForState). */
const apiKeyProviderForState = providerForState<ApiKeyInputs, ApiKeyOutputs>("ApiKey", __filename, "apiKeyProvider", () => apiKeyProvider);

/**
 * An org-scoped API key, as Grafana's API tutorial makes it. Where the server still makes legacy API keys (before
 * 11.3) it makes one; on 11.3+ (410) and 12.1+ (404, API keys removed) it makes a service account with that role and a
 * token (for tokens you rotate, use ServiceAccount and ServiceAccountToken). `key` is a secret output. Created with
 * `X-Grafana-Org-Id`, never by switching the user's org. Any change replaces the key (the old one is deleted first: names are unique per org).
 *
 * @example
 * ```ts
 * import { ApiKey, Dashboard } from "pulumi-grafana-dynamic";
 *
 * const key = new ApiKey("apikeycurl", { orgId: org.orgId, name: "apikeycurl", role: "Admin" }, { dependsOn: [admin] });
 * new Dashboard("overview", { dashboard: { title: "Overview" }, connection: { auth: key.key } });
 * ```
 */
export class ApiKey extends dynamic.Resource {
    /** The org the key belongs to. */
    declare public readonly orgId: pulumi.Output<number>;
    /** The key's name. */
    declare public readonly name: pulumi.Output<string>;
    /** The key's role in the org. */
    declare public readonly role: pulumi.Output<OrgRole>;
    /** The key or token (secret): use it as `connection: { auth: key.key }`. */
    declare public readonly key: pulumi.Output<string>;
    /** What the server made: `apikey` (legacy, Grafana < 11.3) or `serviceaccount` (a service account and its token). */
    declare public readonly kind: pulumi.Output<ApiKeyKind>;

    constructor(name: string, args: ApiKeyArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            apiKeyProviderForState(),
            name,
            resourceProps(name, args, ["orgId", "name", "role", "key", "kind"]),
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["key"] }),
            "grafana",
            "ApiKey",
        );
    }
}

export const apiKeyKind = defineKind({ type: "ApiKey", provider: apiKeyProvider, resource: ApiKey, file: "api-key.ts" });
