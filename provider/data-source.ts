import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import { clientOf, deleteIfPresent, forResource, GrafanaClient, isStatus, unlessGone } from "./client";
import { ConnectionArgs, ConnectionValues } from "./connection";
import { isJsonObject, JsonObject } from "./dashboard-json";
import { adoptionOutputs, AdoptArgs, AdoptInputs, AdoptOutputs, checkAdopt, differingFields, findForAdoption, Found, wantsAdopt } from "./adopt";
import { diffFields } from "./diff";
import * as ids from "./ids";
import { orgForCreate, withDefaultOrg } from "./org";
import { CommonInputs, defineKind, defineProvider, derivedUid, labeller, resourceProps, withDerivedUid } from "./kit";
import { providerForState } from "./thin";
import { checkConnection, checkName, checkOptionalBoolean, checkOptionalString, checkOrgId, checkUid, Failure, isUnknown } from "./validate";

export const DATA_SOURCE_ACCESS = ["proxy", "direct"] as const;
export type DataSourceAccess = (typeof DATA_SOURCE_ACCESS)[number];

export interface DataSourceArgs extends AdoptArgs {
    /** Name, unique in the org. Changed in place. */
    name: pulumi.Input<string>;
    /** Plugin id, e.g. `prometheus`, `loki`, `testdata`. Grafana stores any type without checking the plugin. Changed in place. */
    type: pulumi.Input<string>;
    /** The data source's uid; absent: derived from the project, stack and resource name. A change replaces it. */
    uid?: pulumi.Input<string>;
    /** The org of the data source; a change replaces it. Absent: the connection's default org (connection.orgId, grafana:orgId, GRAFANA_ORG_ID; basic auth only), else the credential's org. */
    orgId?: pulumi.Input<number>;
    /** URL of the backend. Grafana stores it without calling it, so the backend need not be reachable. */
    url?: pulumi.Input<string>;
    /** `proxy` (server, the default) or `direct` (browser). */
    access?: pulumi.Input<DataSourceAccess>;
    /** Make it the org's default data source. */
    isDefault?: pulumi.Input<boolean>;
    /** Use basic auth towards the backend (user `basicAuthUser`, password in `secureJsonData.basicAuthPassword`). */
    basicAuth?: pulumi.Input<boolean>;
    /** Basic-auth user towards the backend. */
    basicAuthUser?: pulumi.Input<string>;
    /** Plugin settings (non-secret), e.g. `{ httpMethod: "POST" }`. */
    jsonData?: pulumi.Input<Record<string, unknown>>;
    /**
     * Secret plugin settings, e.g. `{ basicAuthPassword: "...", httpHeaderValue1: "Bearer ..." }`: a Pulumi secret.
     * Grafana never gives them back, so diff compares the declared values with the last declared ones; a key removed
     * in Grafana (seen in its `secureJsonFields`) shows as drift on refresh and is written again by the next `up`.
     */
    secureJsonData?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Per-resource Grafana URL and credential; stored as a secret. */
    connection?: pulumi.Input<ConnectionArgs>;
}

export interface DataSourceInputs extends CommonInputs, AdoptInputs {
    name: string;
    type: string;
    uid?: string;
    __autoUid?: string;
    /** Set by check when `uid` was filled in from __autoUid (so previews of updates know the uid; see Folder). */
    __uidDerived?: boolean;
    orgId?: number;
    url?: string;
    access?: DataSourceAccess;
    isDefault?: boolean;
    basicAuth?: boolean;
    basicAuthUser?: string;
    jsonData?: JsonObject;
    secureJsonData?: Record<string, string>;
    connection?: ConnectionValues;
}

export interface DataSourceOutputs extends DataSourceInputs, AdoptOutputs {
    /** The data source's uid (what dashboards reference, e.g. Dashboard `inputs: { DS_PROM: ds.uid }`). */
    uid: string;
    /** The org it is in. */
    orgId: number;
    /** Grafana's numeric id. */
    dataSourceId: number;
    /** Names of the secure fields Grafana holds (values are never readable). */
    secureJsonFields: string[];
    uidDeclared: boolean;
    orgIdDeclared: boolean;
}

interface DsBody {
    id: number;
    uid: string;
    name: string;
    type: string;
    url?: string;
    access?: string;
    isDefault?: boolean;
    basicAuth?: boolean;
    basicAuthUser?: string;
    jsonData?: JsonObject;
    secureJsonFields?: Record<string, boolean>;
    version?: number;
}

const label = labeller("DataSource");

/** What Grafana answers for a field the program left out (its default): kept absent, so it is no drift. */
function asDeclared<T>(declared: T | undefined, server: T | undefined, serverDefault: T): T | undefined {
    if (declared === undefined && (server === undefined || server === null || server === serverDefault)) return undefined;
    return server;
}

function body(inputs: DataSourceInputs, uid: string, removedSecrets: string[] = []): Record<string, unknown> {
    const secure: Record<string, string> = { ...(inputs.secureJsonData ?? {}) };
    // An empty value deletes a secure field in Grafana (observed on 10.0).
    for (const k of removedSecrets) if (!(k in secure)) secure[k] = "";
    return {
        uid,
        name: inputs.name,
        type: inputs.type,
        url: inputs.url ?? "",
        // Grafana 10.0 refuses a data source without access (400 "bad request data").
        access: inputs.access ?? "proxy",
        isDefault: inputs.isDefault ?? false,
        basicAuth: inputs.basicAuth ?? false,
        basicAuthUser: inputs.basicAuthUser ?? "",
        jsonData: inputs.jsonData ?? {},
        secureJsonData: Object.keys(secure).length > 0 ? secure : undefined,
    };
}

async function getByUid(client: GrafanaClient, uid: string, orgId: number | undefined): Promise<DsBody | undefined> {
    return (await unlessGone(() => client.get<DsBody>(`/api/datasources/uid/${encodeURIComponent(uid)}`, { orgId })))?.data;
}

function fieldsOf(ds: DsBody, declared: DataSourceInputs): Partial<DataSourceOutputs> {
    return {
        name: ds.name,
        type: ds.type,
        url: asDeclared(declared.url, ds.url, ""),
        access: asDeclared(declared.access, ds.access as DataSourceAccess, "proxy"),
        isDefault: asDeclared(declared.isDefault, ds.isDefault, false),
        basicAuth: asDeclared(declared.basicAuth, ds.basicAuth, false),
        basicAuthUser: asDeclared(declared.basicAuthUser, ds.basicAuthUser, ""),
        jsonData: declared.jsonData === undefined && Object.keys(ds.jsonData ?? {}).length === 0 ? undefined : ds.jsonData,
        dataSourceId: ds.id,
        secureJsonFields: Object.keys(ds.secureJsonFields ?? {})
            .filter((k) => ds.secureJsonFields?.[k])
            .sort(),
    };
}

function hint(inputs: DataSourceInputs) {
    return (e: unknown): string | undefined => {
        if (isStatus(e, 400) && /invalid url/i.test(e.grafanaMessage)) {
            return `Grafana refused url${inputs.url ? "" : " (none set)"} for type "${inputs.type}": set url to an http(s) URL (Grafana 10.0 requires one to update a prometheus data source)`;
        }
        if (isStatus(e, 409) && /same name/i.test(e.grafanaMessage)) {
            return `Another data source in this org is already named "${inputs.name}": choose another name, or declare its uid to take it over (same name and type)`;
        }
        if (isStatus(e, 401, 403)) return "Use an org API key or token with Admin role in the data source's org, or admin credentials with orgId";
        return undefined;
    };
}

export const dataSourceProvider: dynamic.ResourceProvider<DataSourceInputs, DataSourceOutputs> = defineProvider({
    async check(olds, news) {
        const failures: Failure[] = [];
        checkName(failures, "name", news.name);
        checkName(failures, "type", news.type);
        checkAdopt(failures, "DataSource", olds, news);
        checkUid(failures, "uid", news.uid);
        checkOrgId(failures, news.orgId);
        checkOptionalString(failures, "url", news.url);
        if (typeof news.url === "string" && news.url !== "" && !/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(news.url)) {
            failures.push({
                property: "url",
                reason: `url must be an absolute URL such as http://prometheus:9090 (got ${JSON.stringify(news.url)})`,
            });
        }
        if (news.access !== undefined && !isUnknown(news.access) && !DATA_SOURCE_ACCESS.includes(news.access)) {
            failures.push({
                property: "access",
                reason: `access must be one of ${DATA_SOURCE_ACCESS.join(", ")} (got ${JSON.stringify(news.access)})`,
            });
        }
        checkOptionalBoolean(failures, "isDefault", news.isDefault);
        checkOptionalBoolean(failures, "basicAuth", news.basicAuth);
        checkOptionalString(failures, "basicAuthUser", news.basicAuthUser);
        if (news.jsonData !== undefined && news.jsonData !== null && !isUnknown(news.jsonData) && !isJsonObject(news.jsonData)) {
            failures.push({ property: "jsonData", reason: "jsonData must be an object of plugin settings" });
        }
        const secure: unknown = news.secureJsonData;
        if (secure !== undefined && secure !== null && !isUnknown(secure)) {
            if (!isJsonObject(secure))
                failures.push({
                    property: "secureJsonData",
                    reason: "secureJsonData must be an object of secret settings, e.g. { basicAuthPassword: ... }",
                });
            else {
                // Names only: the values are secrets.
                for (const [k, v] of Object.entries(secure)) {
                    if (typeof v !== "string" && !isUnknown(v))
                        failures.push({
                            property: `secureJsonData.${k}`,
                            reason: `secureJsonData.${k} must be a string (value not shown: it is secret)`,
                        });
                }
            }
        }
        checkConnection(failures, news.connection);
        return { inputs: withDerivedUid(withDefaultOrg(news)), failures };
    },

    async diff(_id, olds, news) {
        return diffFields(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>, [
            { name: "uid", replace: true, absentMeansKeep: true },
            { name: "orgId", replace: true, absentMeansKeep: true },
            { name: "name" },
            { name: "type" },
            { name: "url" },
            { name: "access" },
            { name: "isDefault" },
            { name: "basicAuth" },
            { name: "basicAuthUser" },
            { name: "jsonData" },
            { name: "secureJsonData" },
            { name: "connection" },
        ]);
    },

    async create(inputs) {
        return forResource(
            label(inputs),
            async () => {
                const client = clientOf(inputs.connection);
                const uid = inputs.uid ?? inputs.__autoUid;
                const derived = inputs.__uidDerived || inputs.uid === undefined;
                if (!uid) throw new Error("no uid: declare uid, or create the DataSource through its class (which derives one)");
                const orgId = await orgForCreate(client, inputs.orgId);
                const scope = { orgId };
                const found = await findForAdoption(
                    label(inputs),
                    wantsAdopt(inputs),
                    () => getByUid(client, uid, orgId),
                    (d) => adoptDiff(inputs, uid, d),
                );
                let ds: DsBody;
                try {
                    ds = found
                        ? await adoptDataSource(client, found, inputs, uid, scope)
                        : (await client.post<{ datasource: DsBody }>("/api/datasources", body(inputs, uid), scope)).data.datasource;
                } catch (e) {
                    if (!isStatus(e, 409)) throw e;
                    // The uid (or the name) is taken: by this resource's own earlier attempt (derived uid, or the same
                    // name and type), which is brought to the declared state; otherwise it is someone else's.
                    const existing = await getByUid(client, uid, orgId);
                    const ours = existing && (derived || (existing.name === inputs.name && existing.type === inputs.type));
                    if (!existing || !ours) {
                        const what = existing
                            ? `uid "${uid}" is taken by data source "${existing.name}" (type ${existing.type})`
                            : `the name "${inputs.name}" is taken by a data source with another uid`;
                        throw new Error(
                            `${e.message}. In org ${orgId}, ${what}, not made by this resource: choose another ${existing ? "uid" : "name"}, or delete that data source in Grafana`,
                        );
                    }
                    ds = (await client.put<{ datasource: DsBody }>(`/api/datasources/uid/${encodeURIComponent(uid)}`, body(inputs, uid), scope)).data
                        .datasource;
                }
                const outs: DataSourceOutputs = {
                    ...inputs,
                    ...fieldsOf(ds, inputs),
                    ...(found && adoptionOutputs(found)),
                    uid,
                    orgId,
                    dataSourceId: ds.id,
                    secureJsonFields: Object.keys(ds.secureJsonFields ?? {}).sort(),
                    uidDeclared: !derived,
                    orgIdDeclared: inputs.orgId !== undefined,
                };
                return { id: ids.dataSourceIds.build({ orgId, uid }), outs };
            },
            hint(inputs),
        );
    },

    async read(id, props) {
        const p = props as DataSourceOutputs;
        return forResource(label(p), async () => {
            const ds = await getByUid(clientOf(p.connection), p.uid, p.orgId);
            if (!ds) return {};
            const outs: DataSourceOutputs = { ...p, ...fieldsOf(ds, p) } as DataSourceOutputs;
            const declared = Object.keys(p.secureJsonData ?? {});
            const missing = declared.filter((k) => !outs.secureJsonFields.includes(k));
            if (missing.length === 0) return { id, props: outs };
            // A secure field removed in Grafana: the stored declaration loses it, so the next diff puts it back.
            const kept = Object.fromEntries(Object.entries(p.secureJsonData ?? {}).filter(([k]) => !missing.includes(k)));
            const drifted = { ...outs, secureJsonData: Object.keys(kept).length > 0 ? kept : undefined };
            return { id, props: drifted, inputs: inputsOf(drifted) as DataSourceOutputs };
        });
    },

    async update(_id, olds, news) {
        return forResource(
            label(news),
            async () => {
                const client = clientOf(news.connection);
                // Secure fields declared before and not any more are deleted in Grafana.
                const declaredBefore = Object.keys(olds.secureJsonData ?? {}).filter((k) => !(k in (news.secureJsonData ?? {})));
                const ds = (
                    await client.put<{ datasource: DsBody }>(
                        `/api/datasources/uid/${encodeURIComponent(olds.uid)}`,
                        body(news, olds.uid, declaredBefore),
                        { orgId: olds.orgId },
                    )
                ).data.datasource;
                const outs: DataSourceOutputs = {
                    ...news,
                    ...fieldsOf(ds, news),
                    uid: olds.uid,
                    orgId: olds.orgId,
                    dataSourceId: ds.id,
                    secureJsonFields: Object.keys(ds.secureJsonFields ?? {}).sort(),
                    uidDeclared: olds.uidDeclared,
                    orgIdDeclared: olds.orgIdDeclared,
                };
                return { outs };
            },
            hint(news),
        );
    },

    async delete(_id, props) {
        await forResource(label(props), async () => {
            const { orgId, uid } = ids.dataSourceIds.parse(_id);
            await deleteIfPresent(clientOf(props.connection), `/api/datasources/uid/${encodeURIComponent(uid)}`, { orgId });
        });
    },
});

const ADOPT_FIELDS = ["name", "type", "url", "access", "isDefault", "basicAuth", "basicAuthUser", "jsonData"];

/**
 * What an adopted data source must change: its settings as create would send them, and the secure fields Grafana
 * does not hold at all. A secure field Grafana holds is not compared (its value cannot be read) nor rewritten.
 */
function adoptDiff(inputs: DataSourceInputs, uid: string, d: DsBody): string[] {
    const want = body(inputs, uid);
    const have = { ...d, url: d.url ?? "", access: d.access ?? "proxy", basicAuthUser: d.basicAuthUser ?? "", jsonData: d.jsonData ?? {} };
    const held = d.secureJsonFields ?? {};
    const missing = Object.keys(inputs.secureJsonData ?? {}).filter((k) => !held[k]);
    return [...differingFields(want, have, ADOPT_FIELDS, ADOPT_FIELDS), ...missing.map((k) => `secureJsonData.${k}`)];
}

/** Brings an adopted data source to the declared settings, writing only the secure fields it lacks. */
async function adoptDataSource(
    client: GrafanaClient,
    found: Found<DsBody>,
    inputs: DataSourceInputs,
    uid: string,
    scope: { orgId: number },
): Promise<DsBody> {
    if (found.changed.length === 0) return found.existing;
    const missing = found.changed.filter((f) => f.startsWith("secureJsonData.")).map((f) => f.slice("secureJsonData.".length));
    const secure = Object.fromEntries(Object.entries(inputs.secureJsonData ?? {}).filter(([k]) => missing.includes(k)));
    const sent = { ...body(inputs, uid), secureJsonData: missing.length > 0 ? secure : undefined };
    return (await client.put<{ datasource: DsBody }>(`/api/datasources/uid/${encodeURIComponent(uid)}`, sent, scope)).data.datasource;
}

/** The input fields of a stored data source (its outputs minus what Grafana assigned), for ReadResult.inputs. */
function inputsOf(p: DataSourceOutputs): DataSourceInputs {
    const { dataSourceId: _id, secureJsonFields: _fields, uidDeclared: _u, orgIdDeclared: _o, ...inputs } = p;
    return { ...inputs, __uidDerived: p.uidDeclared ? undefined : true, orgId: p.orgIdDeclared ? p.orgId : undefined };
}

/** What the SDK serializes into the state (see providerForState). */
const dataSourceProviderForState = providerForState<DataSourceInputs, DataSourceOutputs>(
    "DataSource",
    __filename,
    "dataSourceProvider",
    () => dataSourceProvider,
);

/**
 * A Grafana data source. Grafana stores it without contacting the backend, so `url` need not be reachable when the
 * stack is deployed. Everything but uid and org changes in place. `secureJsonData` is a secret, write-only in Grafana.
 *
 * @example
 * ```ts
 * import * as fs from "fs";
 * import { Dashboard, DataSource } from "pulumi-grafana-dynamic";
 *
 * const prom = new DataSource("prometheus", {
 *     orgId: org.orgId,
 *     name: "Prometheus",
 *     type: "prometheus",
 *     url: "http://prometheus:9090",
 *     jsonData: { httpMethod: "POST" },
 *     secureJsonData: { httpHeaderValue1: pulumi.secret("Bearer ...") },
 * });
 * new Dashboard("node", { dashboard: fs.readFileSync("node.json", "utf8"), inputs: { DS_PROMETHEUS: prom.uid }, orgId: org.orgId });
 * ```
 */
export class DataSource extends dynamic.Resource {
    /** The data source's uid (declared, or derived from project, stack and resource name). */
    declare public readonly uid: pulumi.Output<string>;
    /** The org it is in. */
    declare public readonly orgId: pulumi.Output<number>;
    /** Grafana's numeric id. */
    declare public readonly dataSourceId: pulumi.Output<number>;
    /** Name. */
    declare public readonly name: pulumi.Output<string>;
    /** Plugin type. */
    declare public readonly type: pulumi.Output<string>;
    /** Names of the secure fields Grafana holds. */
    declare public readonly secureJsonFields: pulumi.Output<string[]>;

    constructor(name: string, args: DataSourceArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            dataSourceProviderForState(),
            name,
            resourceProps(name, args, ["uid", "orgId", "dataSourceId", "name", "type", "secureJsonFields"], {
                uid: args.uid,
                orgId: args.orgId,
                __autoUid: derivedUid("DataSource", name),
                secureJsonData: args.secureJsonData ? pulumi.secret(args.secureJsonData) : undefined,
            }),
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["secureJsonData"] }),
            "grafana",
            "DataSource",
        );
    }
}

export const dataSourceKind = defineKind({ type: "DataSource", provider: dataSourceProvider, resource: DataSource, file: "data-source.ts" });
