import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import { createHash } from "crypto";
import { clientOf, deleteIfPresent, forResource, GrafanaClient, isStatus, unlessGone } from "./client";
import { ConnectionArgs, ConnectionValues } from "./connection";
import { deepEqual } from "./diff";
import * as ids from "./ids";
import { orgForCreate, withDefaultOrg } from "./org";
import { CommonInputs, defineKind, defineProvider, derivedUid, labeller, resourceProps } from "./kit";
import { providerForState } from "./thin";
import { checkConnection, checkId, checkName, checkOptionalInteger, checkOrgId, containsUnknown, Failure, isUnknown } from "./validate";

export interface ServiceAccountTokenArgs {
    /** The service account that owns the token (`serviceAccount.serviceAccountId`). A change replaces the token. */
    serviceAccountId: pulumi.Input<number>;
    /** The service account's org; a change replaces it. Absent: the connection's default org (connection.orgId, grafana:orgId, GRAFANA_ORG_ID; basic auth only), else the credential's org. */
    orgId?: pulumi.Input<number>;
    /**
     * Base name of the token. Grafana's name gets a suffix (`<name>-<generation>-<6 hex>`, output `tokenName`) that
     * changes with every replacement, so a new token never collides with the one it replaces. A change replaces the token.
     */
    name: pulumi.Input<string>;
    /** Lifetime in seconds; absent or 0: no expiry (where the server allows it). A change replaces the token. */
    secondsToLive?: pulumi.Input<number>;
    /**
     * Rotation: once a `preview`/`up` runs less than this many seconds before the token expires (or after it expired),
     * the token is replaced: the new one is created first, dependents (a Dashboard's `connection.auth`, a secret store)
     * get the new `key` in the same `up`, then the old token is deleted. Needs `secondsToLive`, and must be smaller.
     */
    rotateBeforeExpirySeconds?: pulumi.Input<number>;
    /** Per-resource Grafana URL and credential; stored as a secret. */
    connection?: pulumi.Input<ConnectionArgs>;
}

export interface ServiceAccountTokenInputs extends CommonInputs {
    serviceAccountId: number;
    orgId?: number;
    name: string;
    secondsToLive?: number;
    rotateBeforeExpirySeconds?: number;
    /** Seed of the name suffix, derived in the program from project, stack and resource name. */
    __nameSeed?: string;
    connection?: ConnectionValues;
}

export interface ServiceAccountTokenOutputs extends ServiceAccountTokenInputs {
    /** The token, returned once by Grafana; secret in the state. */
    key: string;
    /** Grafana's id of the token. */
    tokenId: number;
    /** The token's name in Grafana. */
    tokenName: string;
    /** The org of the service account. */
    orgId: number;
    /** When the token expires (ISO 8601), absent when it never does. */
    expiration?: string;
    /** Whether the token had expired when last read. */
    hasExpired: boolean;
}

interface TokenBody {
    id: number;
    name: string;
    key: string;
}

interface ListedToken {
    id: number;
    name: string;
    expiration?: string | null;
    hasExpired?: boolean;
}

const label = labeller("ServiceAccountToken");

/** The fields whose change makes a new token (everything but the connection). */
const REPLACING = ["serviceAccountId", "orgId", "name", "secondsToLive", "rotateBeforeExpirySeconds"] as const;

/** Now, in ms. PGD_TEST_NOW (ISO time or epoch ms) is for tests only: it fakes the clock of the rotation window. */
export function now(): number {
    const fake = process.env.PGD_TEST_NOW;
    if (fake) {
        const t = /^\d+$/.test(fake) ? Number(fake) : Date.parse(fake);
        if (Number.isFinite(t)) return t;
    }
    return Date.now();
}

/**
 * `<name>-<generation>-<6 hex>`: the hex is derived from the resource (its seed) and the generation, so the tokens this
 * resource made are recognised among the service account's tokens (and nobody else's are).
 */
export function tokenNameFor(name: string, seed: string, generation: number): string {
    return `${name}-${generation}-${createHash("sha256").update(`${seed}\u0000${generation}`).digest("hex").slice(0, 6)}`;
}

/** The generation of a token this resource made, or undefined for any other token. */
export function generationOf(tokenName: string, name: string, seed: string): number | undefined {
    const m = /^(.*)-(\d+)-[0-9a-f]{6}$/.exec(tokenName);
    if (!m || m[1] !== name) return undefined;
    const g = Number(m[2]);
    return tokenNameFor(name, seed, g) === tokenName ? g : undefined;
}

/** This resource's tokens on the service account, by generation. */
function ours(tokens: ListedToken[], name: string, seed: string): { token: ListedToken; generation: number }[] {
    return tokens.flatMap((t) => {
        const g = generationOf(t.name, name, seed);
        return g === undefined ? [] : [{ token: t, generation: g }];
    });
}

/** Why a token is due for rotation now, or undefined. */
export function rotationDue(
    p: Pick<ServiceAccountTokenOutputs, "expiration" | "hasExpired" | "rotateBeforeExpirySeconds">,
    at: number,
): string | undefined {
    if (!p.rotateBeforeExpirySeconds || !p.expiration) return undefined;
    const expires = Date.parse(p.expiration);
    if (!Number.isFinite(expires)) return undefined;
    if (p.hasExpired || expires <= at) return `expired at ${p.expiration}`;
    const left = Math.floor((expires - at) / 1000);
    return left <= p.rotateBeforeExpirySeconds
        ? `expires at ${p.expiration}, in ${left}s (< rotateBeforeExpirySeconds ${p.rotateBeforeExpirySeconds})`
        : undefined;
}

async function listTokens(client: GrafanaClient, serviceAccountId: number, orgId: number | undefined): Promise<ListedToken[]> {
    return (await client.get<ListedToken[]>(`/api/serviceaccounts/${serviceAccountId}/tokens`, { orgId })).data;
}

export const serviceAccountTokenProvider: dynamic.ResourceProvider<ServiceAccountTokenInputs, ServiceAccountTokenOutputs> = defineProvider({
    async check(_olds, news) {
        const failures: Failure[] = [];
        checkId(failures, "serviceAccountId", news.serviceAccountId, true);
        checkOrgId(failures, news.orgId);
        checkName(failures, "name", news.name, 180);
        checkOptionalInteger(failures, "secondsToLive", news.secondsToLive, 0);
        checkOptionalInteger(failures, "rotateBeforeExpirySeconds", news.rotateBeforeExpirySeconds, 1);
        checkConnection(failures, news.connection);
        const ttl = news.secondsToLive;
        const rotate = news.rotateBeforeExpirySeconds;
        if (typeof rotate === "number" && !isUnknown(ttl)) {
            if (!ttl)
                failures.push({
                    property: "rotateBeforeExpirySeconds",
                    reason: "rotateBeforeExpirySeconds needs secondsToLive (a token that never expires is never rotated)",
                });
            else if (typeof ttl === "number" && rotate >= ttl) {
                failures.push({
                    property: "rotateBeforeExpirySeconds",
                    reason: `rotateBeforeExpirySeconds (${rotate}) must be smaller than secondsToLive (${ttl}), or every run would rotate`,
                });
            }
        }
        return { inputs: withDefaultOrg(news), failures };
    },

    async diff(_id, olds, news) {
        const o = olds as unknown as Record<string, unknown>;
        const n = news as unknown as Record<string, unknown>;
        const replaces: string[] = REPLACING.filter((f) => {
            if (f === "orgId" && (n.orgId === undefined || n.orgId === null)) return false;
            // A preview of an update to the ServiceAccount does not know its id (the engine previews outputs from
            // inputs): the id only changes when the account is replaced, which a change of its org (known here) shows.
            if (f === "serviceAccountId" && (n.serviceAccountId === undefined || n.serviceAccountId === null || isUnknown(n.serviceAccountId)))
                return false;
            return containsUnknown(n[f]) || !deepEqual(o[f], n[f]);
        });
        if (rotationDue(olds, now())) replaces.push("expiration");
        const changes = replaces.length > 0 || containsUnknown(n.connection) || !deepEqual(o.connection, n.connection);
        // The new token has a new name: it is made before the old one goes, so dependents never see a gap.
        return { changes, replaces, deleteBeforeReplace: false };
    },

    async create(inputs) {
        return forResource(
            label(inputs),
            async () => {
                const client = clientOf(inputs.connection);
                const orgId = await orgForCreate(client, inputs.orgId);
                const scope = { orgId };
                const path = `/api/serviceaccounts/${inputs.serviceAccountId}/tokens`;
                // The engine checks a replacement's inputs without the old ones, so the fresh name comes from Grafana:
                // one generation above every token this resource has made (the one being replaced included).
                const seed = inputs.__nameSeed ?? inputs.__resourceName;
                const mine = ours(await listTokens(client, inputs.serviceAccountId, orgId), inputs.name, seed);
                const tokenName = tokenNameFor(inputs.name, seed, Math.max(0, ...mine.map((m) => m.generation)) + 1);
                const body = { name: tokenName, secondsToLive: inputs.secondsToLive ?? 0 };
                let token: TokenBody;
                try {
                    token = (await client.post<TokenBody>(path, body, scope)).data;
                } catch (e) {
                    if (!isStatus(e, 400, 409) || !/already exists/i.test(e.grafanaMessage)) throw e;
                    // This call's own first attempt (the name was free a moment ago): its key was lost with the
                    // answer, so it is made again.
                    const lost = (await listTokens(client, inputs.serviceAccountId, orgId)).find((t) => t.name === tokenName);
                    if (!lost)
                        throw new Error(`${e.message}. The token name "${tokenName}" is taken by another service account's token in org ${orgId}`);
                    await client.delete(`${path}/${lost.id}`, scope);
                    token = (await client.post<TokenBody>(path, body, scope)).data;
                }
                const listed = (await listTokens(client, inputs.serviceAccountId, orgId)).find((t) => t.id === token.id);
                const outs: ServiceAccountTokenOutputs = {
                    ...inputs,
                    orgId,
                    tokenName,
                    key: token.key,
                    tokenId: token.id,
                    expiration: listed?.expiration || undefined,
                    hasExpired: listed?.hasExpired ?? false,
                };
                return { id: ids.serviceAccountTokenIds.build({ orgId, serviceAccountId: inputs.serviceAccountId, tokenId: token.id }), outs };
            },
            (e) =>
                isStatus(e, 404)
                    ? `Service account ${inputs.serviceAccountId} is not in org ${inputs.orgId ?? "(the credential's org)"}: check serviceAccountId and orgId`
                    : isStatus(e, 401, 403)
                      ? "The connection's user must be an Admin of the service account's org"
                      : undefined,
        );
    },

    async read(id, props) {
        const p = props as ServiceAccountTokenOutputs;
        return forResource(label(p), async () => {
            const client = clientOf(p.connection);
            // 404: the service account (and with it the token) is gone.
            const tokens = await unlessGone(() => listTokens(client, p.serviceAccountId, p.orgId));
            const t = tokens?.find((x) => x.id === p.tokenId);
            if (!t) return {};
            return { id, props: { ...p, expiration: t.expiration || undefined, hasExpired: t.hasExpired ?? false } };
        });
    },

    async update(_id, olds, news) {
        // Only the connection changes in place; the token (and its name) stays.
        return { outs: { ...olds, connection: news.connection } };
    },

    async delete(_id, props) {
        await forResource(label(props), async () => {
            const client = clientOf(props.connection);
            const path = `/api/serviceaccounts/${props.serviceAccountId}/tokens`;
            const scope = { orgId: props.orgId };
            await deleteIfPresent(client, `${path}/${ids.serviceAccountTokenIds.parse(_id).tokenId}`, scope);
            // Tokens an interrupted `up` made but never recorded (their keys are lost) go too. The newest one stays
            // when it is not this one: it is the replacement this delete makes way for.
            const left = await unlessGone(() => listTokens(client, props.serviceAccountId, props.orgId));
            if (!left) return;
            const mine = ours(left, props.name, props.__nameSeed ?? props.__resourceName);
            const ownGeneration = generationOf(props.tokenName, props.name, props.__nameSeed ?? props.__resourceName) ?? 0;
            const newest = Math.max(0, ...mine.map((m) => m.generation));
            for (const m of mine) {
                if (newest > ownGeneration && m.generation === newest) continue;
                await unlessGone(() => client.delete(`${path}/${m.token.id}`, scope));
            }
        });
    },
});

/** What the SDK serializes into the state (see providerForState). */
const serviceAccountTokenProviderForState = providerForState<ServiceAccountTokenInputs, ServiceAccountTokenOutputs>(
    "ServiceAccountToken",
    __filename,
    "serviceAccountTokenProvider",
    () => serviceAccountTokenProvider,
);

/**
 * A token of a ServiceAccount; `key` is a secret output. A token cannot be changed: any argument change replaces it.
 * With `rotateBeforeExpirySeconds`, a `preview`/`up` inside that window before expiry plans a replacement that is
 * created before the old token is deleted, so resources using `key` move to the new one in the same `up`.
 *
 * @example
 * ```ts
 * import { Dashboard, ServiceAccount, ServiceAccountToken } from "pulumi-grafana-dynamic";
 *
 * const bot = new ServiceAccount("dash-bot", { orgId: org.orgId, name: "dash-bot", role: "Editor" });
 * const token = new ServiceAccountToken("dash-bot", {
 *     orgId: org.orgId,
 *     serviceAccountId: bot.serviceAccountId,
 *     name: "dash-bot",
 *     secondsToLive: 90 * 24 * 3600,
 *     rotateBeforeExpirySeconds: 14 * 24 * 3600, // any `up` in the last 14 days makes a new token
 * });
 * new Dashboard("overview", { dashboard: { title: "Overview" }, connection: { auth: token.key } });
 * ```
 */
export class ServiceAccountToken extends dynamic.Resource {
    /** The token (secret). */
    declare public readonly key: pulumi.Output<string>;
    /** Grafana's id of the token. */
    declare public readonly tokenId: pulumi.Output<number>;
    /** The token's name in Grafana (`<name>-<generation>-<6 hex>`). */
    declare public readonly tokenName: pulumi.Output<string>;
    /** The service account's id. */
    declare public readonly serviceAccountId: pulumi.Output<number>;
    /** The org of the service account. */
    declare public readonly orgId: pulumi.Output<number>;
    /** Expiry time (ISO 8601); absent when the token never expires. */
    declare public readonly expiration: pulumi.Output<string | undefined>;
    /** Whether the token had expired when last read. */
    declare public readonly hasExpired: pulumi.Output<boolean>;

    constructor(name: string, args: ServiceAccountTokenArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            serviceAccountTokenProviderForState(),
            name,
            resourceProps(name, args, ["key", "tokenId", "tokenName", "serviceAccountId", "orgId", "expiration", "hasExpired"], {
                orgId: args.orgId,
                __nameSeed: derivedUid("ServiceAccountToken", name),
            }),
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["key"] }),
            "grafana",
            "ServiceAccountToken",
        );
    }
}

export const serviceAccountTokenKind = defineKind({
    type: "ServiceAccountToken",
    provider: serviceAccountTokenProvider,
    resource: ServiceAccountToken,
    file: "service-account-token.ts",
});
