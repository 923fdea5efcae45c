import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import { randomBytes } from "crypto";
import { clientFor, forResource, GrafanaClient, isStatus } from "./client";
import { configureFromStack, ConnectionArgs, ConnectionValues, defaultOrgId, resolveConnection } from "./connection";
import { canonicalJson, dashboardHash, JsonObject, parseDashboard } from "./dashboard-json";
import { diffFields } from "./diff";
import { withPlainResults } from "./results";
import { providerForState } from "./thin";
import { checkConnection, checkOptionalBoolean, checkOptionalString, checkOrgId, checkUid, Failure, isUnknown } from "./validate";

export interface DashboardArgs {
    /** The dashboard model: an object, or JSON text (e.g. `fs.readFileSync("dash.json", "utf8")`). */
    dashboard: pulumi.Input<JsonObject | string>;
    folderUid?: pulumi.Input<string>;
    /** Version-history message for each save. */
    message?: pulumi.Input<string>;
    /** Save over changes made outside this stack instead of failing with 412. */
    overwrite?: pulumi.Input<boolean>;
    /** Org to save in when the connection is a user (basic auth); an org API key already names its org. Absent: the connection's default org, else the user's current org. */
    orgId?: pulumi.Input<number>;
    connection?: pulumi.Input<ConnectionArgs>;
}

export interface DashboardInputs {
    /** Canonical JSON text of the model: the only copy of it in the state. */
    dashboard: string;
    /** The uid asked for in the model, if any (derived by check). */
    uid?: string;
    folderUid?: string;
    message?: string;
    overwrite?: boolean;
    orgId?: number;
    connection?: ConnectionValues;
    resourceName: string;
}

export interface DashboardOutputs extends Omit<DashboardInputs, "dashboard"> {
    uid: string;
    url: string;
    version: number;
    dashboardId: number;
    orgId: number;
    title: string;
    /** sha256 of the desired model without server-assigned fields; what diff compares. */
    dashboardHash: string;
    /** sha256 of the model as Grafana stored it after our last save; refresh compares against it. */
    serverHash: string;
}

interface SaveResult {
    id: number;
    uid: string;
    url: string;
    version: number;
}

interface GetResult {
    dashboard: JsonObject;
    meta: { url: string; version: number; folderUid?: string };
}

type SavedFields = Pick<DashboardOutputs, "uid" | "url" | "version" | "dashboardId" | "title" | "dashboardHash" | "serverHash">;

const label = (p: { resourceName?: string }) => `Dashboard "${p.resourceName ?? "?"}"`;

function model(inputs: DashboardInputs): JsonObject {
    return JSON.parse(inputs.dashboard) as JsonObject;
}

/** Grafana-style uid for a dashboard without one: made here so a retried create finds its own first attempt. */
function newUid(): string {
    return randomBytes(10).toString("base64url").replace(/[^a-zA-Z0-9]/g, "").slice(0, 14) || "d" + Date.now();
}

async function fetchDashboard(client: GrafanaClient, uid: string, orgId: number | undefined): Promise<GetResult> {
    return (await client.get<GetResult>(`/api/dashboards/uid/${encodeURIComponent(uid)}`, { orgId })).data;
}

/**
 * Saves the model under `uid`. If the call was retried after a lost answer (a reset, or a 500 while SQLite was
 * locked) and Grafana now says 412, the first attempt may have gone through: when Grafana holds exactly our
 * model, that save is ours.
 */
async function save(
    client: GrafanaClient,
    inputs: DashboardInputs,
    uid: string,
    version: number | undefined,
    overwrite: boolean,
): Promise<SavedFields> {
    const desired = model(inputs);
    const body = {
        dashboard: { ...desired, id: null, uid, version },
        // Always sent: a save without folderUid moves the dashboard to the root.
        folderUid: inputs.folderUid ?? "",
        message: inputs.message,
        overwrite,
    };
    let saved: SaveResult;
    try {
        saved = (await client.post<SaveResult>("/api/dashboards/db", body, { orgId: inputs.orgId })).data;
    } catch (e) {
        if (!(isStatus(e, 412) && e.retried)) throw e;
        const existing = await fetchDashboard(client, uid, inputs.orgId);
        if (dashboardHash(existing.dashboard) !== dashboardHash(desired)) throw e;
        saved = { id: Number(existing.dashboard.id), uid, url: existing.meta.url, version: existing.meta.version };
    }
    const stored = await fetchDashboard(client, saved.uid, inputs.orgId);
    return {
        uid: saved.uid,
        url: saved.url,
        version: saved.version,
        dashboardId: saved.id,
        title: String(desired.title),
        dashboardHash: dashboardHash(desired),
        serverHash: dashboardHash(stored.dashboard),
    };
}

/**
 * For read and delete: the resource's own credential first. If Grafana rejects it (401: the org key was deleted or
 * replaced before this dashboard was updated), the stack's connection with orgId, so the dashboard is not stuck.
 */
async function withStoredConnection<T>(p: DashboardOutputs, fn: (client: GrafanaClient) => Promise<T>): Promise<T> {
    const own = resolveConnection(p.connection);
    try {
        return await fn(clientFor(own));
    } catch (e) {
        if (!isStatus(e, 401) || !p.connection?.auth) throw e;
        let fallback;
        try {
            fallback = resolveConnection({ url: p.connection.url });
        } catch {
            throw e;
        }
        if (fallback.auth === own.auth) throw e;
        return fn(clientFor(fallback));
    }
}

function saveHint(e: unknown): string | undefined {
    if (isStatus(e, 412)) {
        return "The dashboard was changed outside this stack: run `pulumi refresh`, or set overwrite: true to replace those changes";
    }
    if (isStatus(e, 401, 403)) {
        return "Use an org API key of this dashboard's org, or admin credentials with orgId";
    }
    return undefined;
}

export const dashboardProvider: dynamic.ResourceProvider<DashboardInputs, DashboardOutputs> = withPlainResults({
    configure: configureFromStack,

    async check(_olds, given) {
        const failures: Failure[] = [];
        const news = { ...given, orgId: given.orgId ?? defaultOrgId(given.connection) } as DashboardInputs;
        const raw = news as unknown as Record<string, unknown>;
        checkOptionalString(failures, "folderUid", raw.folderUid);
        if (typeof raw.folderUid === "string") checkUid(failures, "folderUid", raw.folderUid);
        checkOptionalString(failures, "message", raw.message);
        checkOptionalBoolean(failures, "overwrite", raw.overwrite);
        checkOrgId(failures, "orgId", raw.orgId, false);
        checkConnection(failures, raw.connection);
        if (isUnknown(raw.dashboard)) return { inputs: news, failures };
        const parsed = parseDashboard(raw.dashboard);
        failures.push(...parsed.failures);
        if (!parsed.dashboard || failures.length > 0) return { inputs: news, failures };
        const uid = typeof parsed.dashboard.uid === "string" ? parsed.dashboard.uid : undefined;
        return { inputs: { ...news, dashboard: canonicalJson(parsed.dashboard), uid }, failures };
    },

    async diff(_id, olds, news) {
        const o = olds as unknown as Record<string, unknown>;
        const n = news as unknown as Record<string, unknown>;
        return diffFields(
            o,
            { ...n, dashboardHash: isUnknown(news.dashboard) ? news.dashboard : dashboardHash(model(news)) },
            [
                { name: "uid", replace: true, absentMeansKeep: true },
                { name: "orgId", replace: true, absentMeansKeep: true },
                { name: "dashboardHash" },
                { name: "folderUid" },
                { name: "connection" },
            ],
            true,
        );
    },

    async create(inputs) {
        return forResource(
            label(inputs),
            async () => {
                const client = clientFor(resolveConnection(inputs.connection));
                const uid = inputs.uid ?? newUid();
                const saved = await save(client, inputs, uid, undefined, inputs.overwrite ?? false);
                const orgId = inputs.orgId ?? (await client.get<{ id: number }>("/api/org")).data.id;
                const outs: DashboardOutputs = { ...withoutModel(inputs), ...saved, orgId };
                return { id: saved.uid, outs };
            },
            (e) =>
                isStatus(e, 412) && /changed by someone else/.test(e.grafanaMessage) && !inputs.overwrite
                    ? `A dashboard with uid "${inputs.uid}" already exists in this org; set overwrite: true to take it over`
                    : isStatus(e, 412)
                      ? undefined
                      : saveHint(e),
        );
    },

    async read(id, props) {
        const p = props as DashboardOutputs;
        return forResource(label(p), async () => {
            let got: GetResult;
            try {
                got = await withStoredConnection(p, (client) => fetchDashboard(client, id, p.orgId));
            } catch (e) {
                if (isStatus(e, 404)) return {};
                throw e;
            }
            const serverHash = dashboardHash(got.dashboard);
            // Changed outside the stack: make the next diff see a change so `up` puts the declared model back.
            const drifted = serverHash !== p.serverHash;
            const outs: DashboardOutputs = {
                ...p,
                url: got.meta.url,
                version: got.meta.version,
                folderUid: got.meta.folderUid || p.folderUid,
                title: String(got.dashboard.title),
                dashboardHash: drifted ? `changed-in-grafana:${serverHash}` : p.dashboardHash,
            };
            return { id, props: outs };
        });
    },

    async update(id, olds, news) {
        return forResource(
            label(news),
            async () => {
                const client = clientFor(resolveConnection(news.connection));
                const newHash = dashboardHash(model(news));
                const unchanged = newHash === olds.dashboardHash && (news.folderUid ?? "") === (olds.folderUid ?? "");
                const saved = unchanged
                    ? {}
                    : await save(client, { ...news, orgId: olds.orgId }, olds.uid, olds.version, news.overwrite ?? false);
                const outs: DashboardOutputs = { ...olds, ...withoutModel(news), uid: olds.uid, orgId: olds.orgId, ...saved };
                return { outs };
            },
            saveHint,
        );
    },

    async delete(id, props) {
        await forResource(label(props), async () => {
            try {
                await withStoredConnection(props, (client) => client.delete(`/api/dashboards/uid/${encodeURIComponent(id)}`, { orgId: props.orgId }));
            } catch (e) {
                if (isStatus(e, 404)) return;
                throw e;
            }
        });
    },
});

function withoutModel(inputs: DashboardInputs): Omit<DashboardInputs, "dashboard"> {
    const { dashboard: _omit, ...rest } = inputs;
    return rest;
}

/** What the SDK serializes into the state (see providerForState). */
const dashboardProviderForState = providerForState<DashboardInputs, DashboardOutputs>(__filename, "dashboardProvider", () => require("./host/dashboard"));

/**
 * A dashboard, saved with an org API key (`connection: { auth: apiKey.key }`) or admin credentials plus orgId.
 * A uid change or another org replaces; title, panels and folder are updated in place.
 */
export class Dashboard extends dynamic.Resource {
    declare public readonly uid: pulumi.Output<string>;
    declare public readonly url: pulumi.Output<string>;
    declare public readonly version: pulumi.Output<number>;
    declare public readonly dashboardId: pulumi.Output<number>;
    declare public readonly orgId: pulumi.Output<number>;
    declare public readonly title: pulumi.Output<string>;

    constructor(name: string, args: DashboardArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            dashboardProviderForState(),
            name,
            {
                uid: undefined,
                url: undefined,
                version: undefined,
                dashboardId: undefined,
                title: undefined,
                dashboardHash: undefined,
                serverHash: undefined,
                ...args,
                orgId: args.orgId,
                connection: args.connection ? pulumi.secret(args.connection) : undefined,
                resourceName: name,
            },
            opts,
            "grafana",
            "Dashboard",
        );
    }
}
