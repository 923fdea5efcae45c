import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import { createHash, randomBytes } from "crypto";
import * as appPlatform from "./app-platform";
import { clientFor, clientOf, deleteIfPresent, forResource, GrafanaClient, isStatus, reportOverload, unlessGone } from "./client";
import { ConnectionArgs, ConnectionValues, resolveConnection } from "./connection";
import * as ids from "./ids";
import { orgForCreate, withDefaultOrg } from "./org";
import {
    applyInputs,
    canonicalJson,
    checkNoPlaceholders,
    dashboardHash,
    diffPaths,
    isJsonObject,
    JsonObject,
    modelText,
    parseModelText,
    Rewrite,
    storedModel,
    undoRewrites,
} from "./dashboard-json";
import { adoptionOutputs, AdoptArgs, AdoptInputs, AdoptOutputs, checkAdopt, findForAdoption, Found, wantsAdopt } from "./adopt";
import { isV2Stored, parseAnyDashboard, titleOf, v2Unsupported } from "./dashboard-v2";
import { diffFields } from "./diff";
import { CommonInputs, defineKind, defineProvider, derivedUid, labeller, resourceProps } from "./kit";
import { serverApis } from "./server-version";
import { providerForState } from "./thin";
import {
    checkConnection,
    checkOptionalBoolean,
    checkOptionalString,
    checkOrgId,
    checkUid,
    containsUnknown,
    Failure,
    isUnknown,
    UNKNOWN,
} from "./validate";

export interface DashboardArgs extends AdoptArgs {
    /**
     * The dashboard model: an object (e.g. from `@grafana/grafana-foundation-sdk`'s `DashboardBuilder.build()`), or
     * JSON text (`fs.readFileSync("dash.json", "utf8")`). Without a `uid`, one is derived from the project, stack and
     * resource name. `id` and `version` are ignored (Grafana assigns them). A typed model from the foundation SDK is an
     * interface without an index signature, hence `object`.
     */
    dashboard: pulumi.Input<JsonObject | object | string>;
    /**
     * Values for the `__inputs` of a dashboard exported with "Export for sharing externally", by input name, e.g.
     * `{ DS_PROMETHEUS: dataSource.uid }`: every `${DS_PROMETHEUS}` placeholder is replaced, as Grafana's import does.
     * Constant inputs fall back to their exported value.
     */
    inputs?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** uid of the folder to save in (e.g. `folder.uid` of a Folder); absent means the General (root) folder. Changing it moves the dashboard. */
    folderUid?: pulumi.Input<string>;
    /** Version-history message recorded with each save. */
    message?: pulumi.Input<string>;
    /**
     * Save over changes made in Grafana since the last `up` instead of failing with 412. At create it also takes over
     * an existing uid: deprecated there in favour of `adopt` (which records an equal dashboard without a save).
     */
    overwrite?: pulumi.Input<boolean>;
    /**
     * Org to save in when the connection is a user (basic auth); an org API key or token already names its org.
     * Absent: the connection's default org (connection.orgId, grafana:orgId, GRAFANA_ORG_ID; basic auth only), else the credential's org.
     */
    orgId?: pulumi.Input<number>;
    /** Per-resource Grafana URL and credential (e.g. `{ auth: apiKey.key }`); stored as a secret. */
    connection?: pulumi.Input<ConnectionArgs>;
}

export interface DashboardInputs extends CommonInputs, AdoptInputs {
    /** The model, inputs applied, without id/version, as modelText writes it: the only copy of it in the state. */
    dashboard: string;
    inputs?: Record<string, string>;
    /** The uid declared in the model, if any (set by check). */
    uid?: string;
    /** The uid used when the model declares none (derived in the program; see derivedUid). */
    __autoUid?: string;
    folderUid?: string;
    message?: string;
    overwrite?: boolean;
    orgId?: number;
    connection?: ConnectionValues;
    /** Hash of what the program gave (model and inputs), set by check: an unchanged model is not normalised again. */
    __sourceHash?: string;
    /** dashboardHash of `dashboard`, set by check, so diff, create and update need not parse the model. */
    __modelHash?: string;
}

export interface DashboardOutputs extends Omit<DashboardInputs, "dashboard">, AdoptOutputs {
    /** The dashboard's uid in Grafana. */
    uid: string;
    /** Full URL of the dashboard (Grafana's base URL + `path`). */
    url: string;
    /** URL path Grafana gives the dashboard, e.g. `/d/<uid>/<slug>` (absent in states written by 0.1.0 until refreshed). */
    path?: string;
    /** Grafana's version number of the dashboard, raised by every save. */
    version: number;
    /** Grafana's numeric id of the dashboard; absent where the server has none (app-platform API without the legacy id). */
    dashboardId?: number;
    /** The org the dashboard is saved in. */
    orgId: number;
    /** The dashboard's title. */
    title: string;
    /** sha256 of the model (normalised): what diff compares. */
    dashboardHash: string;
    /** sha256 of the model as Grafana stored it after our last save (kept for states written by 0.1.0). */
    serverHash: string;
    /** Where Grafana's stored copy differs from what was saved (its own migrations): not drift. */
    serverRewrites?: Rewrite[];
    /** Whether uid / orgId were given as inputs (their outputs hold the effective values either way). */
    uidDeclared?: boolean;
    orgIdDeclared?: boolean;
}

interface SaveResult {
    id?: number;
    uid: string;
    url: string;
    version: number;
}

interface GetResult {
    dashboard: JsonObject;
    meta: { url: string; version: number; folderUid?: string };
}

type SavedFields = Pick<
    DashboardOutputs,
    "uid" | "url" | "path" | "version" | "dashboardId" | "title" | "dashboardHash" | "serverHash" | "serverRewrites"
>;

const label = labeller("Dashboard");

/** Tries of one save whose 412 turned out to be SQLite's lock rather than a conflict. */
const MAX_SAVE_ATTEMPTS = 5;

/** At most this many rewrites are kept; beyond that, refresh falls back to comparing hashes. */
const MAX_REWRITES = 50;

function model(inputs: Pick<DashboardInputs, "dashboard">): JsonObject {
    return parseModelText(inputs.dashboard);
}

/** dashboardHash of the inputs' model: check's, or computed for inputs checked before it kept one. */
function modelHash(inputs: Pick<DashboardInputs, "dashboard" | "__modelHash">, parsed?: JsonObject): string {
    return inputs.__modelHash ?? dashboardHash(parsed ?? model(inputs));
}

/** Bump when check's normalisation changes, so a stored __sourceHash no longer matches. */
const CHECK_VERSION = "1";

/** Hash of the program's model and inputs as given: equal means check's earlier result still holds. */
function sourceHash(dashboard: unknown, inputs: unknown): string {
    const text = typeof dashboard === "string" ? dashboard : canonicalJson(dashboard);
    return createHash("sha256")
        .update(`${CHECK_VERSION}\u0000${canonicalJson(inputs ?? null)}\u0000`)
        .update(text)
        .digest("base64url");
}

async function fetchDashboard(client: GrafanaClient, uid: string, orgId: number | undefined): Promise<GetResult> {
    // 12.x/13.x: the app-platform API (server-version.ts, app-platform.ts)
    const apis = await serverApis(client);
    if (apis.dashboards) return appPlatform.getDashboard(client, apis, uid, orgId);
    return (await client.get<GetResult>(`/api/dashboards/uid/${encodeURIComponent(uid)}`, { orgId })).data;
}

/** Grafana's path under the client's base URL; a base URL with a sub-path is not repeated. */
function fullUrl(base: string, path: string): string {
    const u = new URL(base);
    const prefix = u.pathname.replace(/\/+$/, "");
    return `${u.origin}${prefix && path.startsWith(prefix + "/") ? "" : prefix}${path}`;
}

/** True when Grafana holds `desired` (normalised), allowing for its own known rewrites. */
function holds(existing: GetResult, want: string, folderUid: string | undefined, rewrites: Rewrite[] | undefined): boolean {
    if ((existing.meta.folderUid ?? "") !== (folderUid ?? "")) return false;
    return dashboardHash(existing.dashboard) === want || (!!rewrites && dashboardHash(undoRewrites(existing.dashboard, rewrites)) === want);
}

interface SaveOptions {
    uid: string;
    version: number | undefined;
    overwrite: boolean;
    /** The uid was derived for this resource: a dashboard already there is this resource's own earlier attempt. */
    ours: boolean;
    /** Rewrites seen on the last save, to recognise our own save in a 412's read-back. */
    rewrites?: Rewrite[];
}

/**
 * Saves the model. Whenever Grafana answers 412 (or 400 "same name/uid"), it may have applied the save anyway (SQLite's
 * "database is locked" makes Grafana re-run its transaction, whose re-run sees the version the first run wrote; or an
 * earlier attempt's answer was lost): the dashboard is read back, and when Grafana holds exactly this model, the save
 * is done. Only a real foreign change fails.
 */
async function save(client: GrafanaClient, inputs: DashboardInputs, opts: SaveOptions, base: string): Promise<SavedFields> {
    const desired = model(inputs);
    const want = modelHash(inputs, desired);
    const apis = await serverApis(client);
    if (isV2Stored(desired) && !apis.dashboards) throw new Error(v2Unsupported(apis.version, client.url));
    const post = async (version: number | undefined, overwrite: boolean): Promise<{ data: SaveResult }> =>
        apis.dashboards
            ? {
                  data: await appPlatform.saveDashboard(client, apis, inputs.orgId, {
                      uid: opts.uid,
                      model: desired,
                      folderUid: inputs.folderUid,
                      message: inputs.message,
                      version,
                      overwrite,
                  }),
              }
            : client.post<SaveResult>(
                  "/api/dashboards/db",
                  {
                      dashboard: { ...desired, id: null, uid: opts.uid, version },
                      // Always sent: a save without folderUid moves the dashboard to the root.
                      folderUid: inputs.folderUid ?? "",
                      message: inputs.message,
                      overwrite,
                  },
                  { orgId: inputs.orgId },
              );
    let saved: SaveResult | undefined;
    let version = opts.version;
    let ours = opts.ours;
    for (let attempt = 1; !saved; attempt++) {
        try {
            saved = (await post(version, opts.overwrite)).data;
        } catch (e) {
            // 409: the app-platform API's conflict or taken name, handled as the legacy 412
            if (!(isStatus(e, 412, 409) || (isStatus(e, 400) && /same (name|uid)/i.test(e.grafanaMessage)))) throw e;
            const existing = await unlessGone(() => fetchDashboard(client, opts.uid, inputs.orgId));
            if (existing && holds(existing, want, inputs.folderUid, opts.rewrites)) {
                saved = {
                    id: typeof existing.dashboard.id === "number" ? existing.dashboard.id : undefined,
                    uid: opts.uid,
                    url: existing.meta.url,
                    version: existing.meta.version,
                };
            } else if (existing && ours) {
                // Our own earlier attempt, made from an older model: save over it.
                version = existing.meta.version;
                ours = false;
            } else if (existing && version !== undefined && existing.meta.version === version && attempt < MAX_SAVE_ATTEMPTS) {
                // Refused, not applied, and nobody else saved since: concurrent writes on SQLite answer 412 like this
                // while the database is locked. The same save again goes through; fewer writes at a time help.
                reportOverload(client.url);
                await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
            } else if (!existing && /same name/i.test(e.grafanaMessage)) {
                throw await titleTaken(client, inputs, desired, e);
            } else {
                throw e;
            }
        }
    }
    const stored = await fetchDashboard(client, saved.uid, inputs.orgId);
    const rewrites = diffPaths(storedModel({ ...desired, uid: undefined }), storedModel({ ...stored.dashboard, uid: undefined }));
    return {
        uid: saved.uid,
        url: fullUrl(base, saved.url),
        path: saved.url,
        version: saved.version,
        dashboardId: saved.id,
        title: titleOf(desired),
        dashboardHash: want,
        serverHash: dashboardHash(stored.dashboard),
        serverRewrites: rewrites.length <= MAX_REWRITES ? rewrites : undefined,
    };
}

/** An adopted dashboard equal to the declared model: its fields as a save would give them, without the save. */
function recorded(found: Found<GetResult>, uid: string, want: string, base: string): SavedFields {
    const d = found.existing;
    return {
        uid,
        url: fullUrl(base, d.meta.url),
        path: d.meta.url,
        version: d.meta.version,
        // absent where the server has no numeric ids (13.x)
        dashboardId: typeof d.dashboard.id === "number" ? d.dashboard.id : undefined,
        title: titleOf(d.dashboard),
        dashboardHash: want,
        serverHash: dashboardHash(d.dashboard),
        serverRewrites: [],
    };
}

/** Grafana 10 refuses a second dashboard with the same title in a folder: name the one that is there. */
async function titleTaken(client: GrafanaClient, inputs: DashboardInputs, desired: JsonObject, cause: Error): Promise<Error> {
    const title = String(desired.title);
    const query: Record<string, string | number> = { type: "dash-db", query: title, limit: 100 };
    if (inputs.folderUid) query.folderUIDs = inputs.folderUid;
    const hits = (
        await client
            .get<{ uid: string; title: string; folderUid?: string }[]>("/api/search", { orgId: inputs.orgId, query })
            .catch(() => ({ data: [] }))
    ).data;
    const other = hits.find((h) => h.title === title && (h.folderUid ?? "") === (inputs.folderUid ?? ""));
    const where = inputs.folderUid ? `folder "${inputs.folderUid}"` : "the General folder";
    return new Error(
        `${cause.message}. A dashboard titled "${title}" already exists in ${where}${other ? ` with uid "${other.uid}"` : ""}, not made by this resource: to take it over, set uid: "${other?.uid ?? "<its uid>"}" in the model and adopt: true (destroy then deletes it); or change the title`,
    );
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

function saveHint(inputs: DashboardInputs, orgId: number | undefined) {
    return (e: unknown): string | undefined => {
        if (
            (isStatus(e, 412) && /changed by someone else/i.test(e.grafanaMessage)) ||
            (isStatus(e, 409) && /changed|modified/i.test(e.grafanaMessage))
        ) {
            return "The dashboard was changed outside this stack: run `pulumi refresh` to see the change, or set overwrite: true to replace it";
        }
        if (isStatus(e, 400) && /folder not found/i.test(e.grafanaMessage)) {
            return `folderUid "${inputs.folderUid}" names no folder in org ${orgId ?? "(the credential's org)"}: create the folder first (a Folder resource, then folderUid: folder.uid) or fix folderUid`;
        }
        if (isStatus(e, 401, 403)) {
            return "Use an org API key of this dashboard's org, or admin credentials with orgId";
        }
        return undefined;
    };
}

/** Grafana-style random uid: only for resources registered without autoUid. */
function randomUid(): string {
    return (
        randomBytes(10)
            .toString("base64url")
            .replace(/[^a-zA-Z0-9]/g, "")
            .slice(0, 14) || "d" + Date.now()
    );
}

export const dashboardProvider: dynamic.ResourceProvider<DashboardInputs, DashboardOutputs> = defineProvider({
    async check(olds, given) {
        const failures: Failure[] = [];
        const news = withDefaultOrg(given);
        const raw = news as unknown as Record<string, unknown>;
        checkOptionalString(failures, "folderUid", raw.folderUid);
        if (typeof raw.folderUid === "string") checkUid(failures, "folderUid", raw.folderUid);
        checkOptionalString(failures, "message", raw.message);
        checkOptionalBoolean(failures, "overwrite", raw.overwrite);
        checkAdopt(failures, "Dashboard", olds, raw);
        checkOrgId(failures, raw.orgId);
        checkConnection(failures, raw.connection);
        if (raw.inputs !== undefined && raw.inputs !== null && !isUnknown(raw.inputs) && !isJsonObject(raw.inputs)) {
            failures.push({ property: "inputs", reason: 'inputs must be a map of input name to value, e.g. { DS_PROMETHEUS: "<data source uid>" }' });
        }
        if (isUnknown(raw.dashboard)) return { inputs: news, failures };
        // The same model and inputs as last time: check's earlier result stands (a no-change preview parses nothing).
        const source = containsUnknown(raw.inputs) ? undefined : sourceHash(raw.dashboard, raw.inputs);
        const o = (olds ?? {}) as Partial<DashboardInputs>;
        if (failures.length === 0 && source && o.__sourceHash === source && typeof o.dashboard === "string" && o.__modelHash) {
            return { inputs: { ...news, dashboard: o.dashboard, uid: o.uid, __sourceHash: source, __modelHash: o.__modelHash }, failures };
        }
        const parsed = parseAnyDashboard(raw.dashboard); // v1, or a schema v2 resource/spec (dashboard-v2.ts)
        failures.push(...parsed.failures);
        if (!parsed.dashboard || failures.length > 0) return { inputs: news, failures };
        if (isUnknown(raw.inputs)) return { inputs: { ...news, dashboard: modelText(storedModel(parsed.dashboard)) }, failures };
        const mapping = isJsonObject(raw.inputs) ? raw.inputs : undefined;
        const applied = applyInputs(parsed.dashboard, mapping);
        failures.push(...applied.failures);
        const resolved = applied.dashboard ?? parsed.dashboard;
        if (failures.length === 0 && !containsUnknown(mapping)) failures.push(...checkNoPlaceholders(resolved));
        const uid = typeof resolved.uid === "string" ? resolved.uid : undefined;
        const stored = storedModel(resolved);
        const checked = { ...news, dashboard: modelText(stored), uid, __sourceHash: source, __modelHash: dashboardHash(stored) };
        return { inputs: checked, failures };
    },

    async diff(_id, olds, news) {
        const o = olds as unknown as Record<string, unknown>;
        const n = news as unknown as Record<string, unknown>;
        const hash = isUnknown(news.dashboard) || containsUnknown(news.inputs) ? UNKNOWN : modelHash(news);
        return diffFields(
            o,
            { ...n, dashboardHash: hash },
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
        const orgHint = { orgId: inputs.orgId };
        return forResource(
            label(inputs),
            async () => {
                const client = clientOf(inputs.connection);
                const uid = inputs.uid ?? inputs.__autoUid ?? randomUid();
                const orgId = await orgForCreate(client, inputs.orgId);
                orgHint.orgId = orgId;
                const found = await findForAdoption(
                    label(inputs),
                    wantsAdopt(inputs, inputs.overwrite),
                    () => unlessGone(() => fetchDashboard(client, uid, orgId)),
                    (d) => [
                        ...(holds(d, modelHash(inputs), d.meta.folderUid, undefined) ? [] : ["dashboard"]),
                        ...((d.meta.folderUid ?? "") === (inputs.folderUid ?? "") ? [] : ["folderUid"]),
                    ],
                );
                const saved =
                    found && found.changed.length === 0
                        ? recorded(found, uid, modelHash(inputs), client.url)
                        : await save(
                              client,
                              { ...inputs, orgId },
                              {
                                  uid,
                                  version: found?.existing.meta.version,
                                  overwrite: inputs.overwrite ?? !!found,
                                  ours: !found && !inputs.uid && !!inputs.__autoUid,
                              },
                              client.url,
                          );
                const outs: DashboardOutputs = {
                    ...withoutModel(inputs),
                    ...saved,
                    ...(found && adoptionOutputs(found)),
                    orgId,
                    uidDeclared: !!inputs.uid,
                    orgIdDeclared: inputs.orgId !== undefined,
                };
                return { id: saved.uid, outs };
            },
            (e) =>
                ((isStatus(e, 412) && /changed by someone else/i.test(e.grafanaMessage)) ||
                    (isStatus(e, 409) && /already exists/i.test(e.grafanaMessage))) &&
                !wantsAdopt(inputs, inputs.overwrite)
                    ? `A dashboard with uid "${inputs.uid}" already exists in this org with other content; set adopt: true to take it over (destroy then deletes it)`
                    : saveHint(inputs, orgHint.orgId)(e),
        );
    },

    async read(id, props) {
        const p = props as DashboardOutputs;
        return forResource(label(p), async () => {
            const got = await unlessGone(() => withStoredConnection(p, (client) => fetchDashboard(client, id, p.orgId)));
            if (!got) return {};
            const live = storedModel({ ...got.dashboard, uid: undefined });
            // What Grafana holds, with its own rewrites put back: anything still different was changed in Grafana.
            const asDeclared = p.serverRewrites?.length ? undoRewrites(live, p.serverRewrites) : live;
            // Grafana raises the version on every save (its own 412 check rests on that): the version of our last
            // save means nobody saved since, and a model of hundreds of KB need not be hashed.
            const savedSince = p.version === undefined || got.meta.version !== p.version;
            const liveHash = savedSince && p.serverRewrites ? dashboardHash(asDeclared) : undefined;
            const drifted = savedSince && (liveHash !== undefined ? liveHash !== p.dashboardHash : dashboardHash(got.dashboard) !== p.serverHash);
            const base = clientOf(p.connection).url;
            const outs: DashboardOutputs = {
                ...p,
                url: fullUrl(base, got.meta.url),
                path: got.meta.url,
                version: got.meta.version,
                folderUid: got.meta.folderUid || undefined,
                title: titleOf(got.dashboard),
                dashboardHash: drifted ? (liveHash ?? dashboardHash(asDeclared)) : p.dashboardHash,
            };
            if (!drifted) return { id, props: outs };
            // The live model becomes the old inputs, so `preview --diff` shows the changed fields, not a hash.
            const inputs = { ...inputsOf(p), dashboard: modelText({ ...asDeclared, uid: declaredUid(p) }), folderUid: outs.folderUid };
            // ReadResult types `inputs` as the outputs type; the engine takes any input map.
            return { id, props: outs, inputs: inputs as unknown as DashboardOutputs };
        });
    },

    async update(_id, olds, news) {
        const client = clientOf(news.connection);
        return forResource(
            label(news),
            async () => {
                const newHash = modelHash(news);
                const unchanged = newHash === olds.dashboardHash && (news.folderUid ?? "") === (olds.folderUid ?? "");
                const saved = unchanged
                    ? {}
                    : await save(
                          client,
                          { ...news, orgId: olds.orgId },
                          { uid: olds.uid, version: olds.version, overwrite: news.overwrite ?? false, ours: false, rewrites: olds.serverRewrites },
                          client.url,
                      );
                const outs: DashboardOutputs = { ...olds, ...withoutModel(news), uid: olds.uid, orgId: olds.orgId, ...saved };
                return { outs };
            },
            saveHint(news, olds.orgId),
        );
    },

    async delete(id, props) {
        await forResource(label(props), async () => {
            const { uid } = ids.dashboardIds.parse(id);
            await withStoredConnection(props, async (client) => {
                const apis = await serverApis(client);
                if (apis.dashboards) await unlessGone(() => appPlatform.deleteDashboard(client, apis, uid, props.orgId));
                else await deleteIfPresent(client, `/api/dashboards/uid/${encodeURIComponent(uid)}`, { orgId: props.orgId });
            });
        });
    },
});

/** The inputs as outputs: without the model (kept once, in the inputs) and check's hashes of it. */
function withoutModel(inputs: DashboardInputs): Omit<DashboardInputs, "dashboard"> {
    const { dashboard: _omit, __sourceHash: _source, __modelHash: _hash, ...rest } = inputs;
    return rest;
}

/** The uid the program declared: states written by 0.1.0 (no flags) declared one only when there was no autoUid. */
function declaredUid(p: DashboardOutputs): string | undefined {
    return (p.uidDeclared ?? !p.__autoUid) ? p.uid : undefined;
}

/** The input fields of a stored resource (its outputs minus what Grafana assigned), for ReadResult.inputs. */
function inputsOf(p: DashboardOutputs): Omit<DashboardInputs, "dashboard"> {
    const { __resourceName, resourceName, inputs, __autoUid, folderUid, message, overwrite, connection } = p;
    const orgId = p.orgIdDeclared === false ? undefined : p.orgId;
    return { __resourceName, resourceName, inputs, __autoUid, folderUid, message, overwrite, connection, orgId, uid: declaredUid(p) };
}

function holdsOutputs(v: unknown): boolean {
    if (pulumi.Output.isInstance(v) || (typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function")) return true;
    if (Array.isArray(v)) return v.some(holdsOutputs);
    if (typeof v === "object" && v !== null) return Object.values(v).some(holdsOutputs);
    return false;
}

/**
 * The model leaves the program as JSON text: the SDK serializes an object property by property (for a 450 KB model,
 * seconds and a GB of memory per dashboard), a string as one value. A model holding Outputs is resolved first.
 */
function modelArg(d: DashboardArgs["dashboard"]): pulumi.Input<string> {
    if (typeof d === "string") return d;
    if (!holdsOutputs(d)) return JSON.stringify(d);
    return pulumi.output(d as pulumi.Input<object>).apply((v) => (typeof v === "string" ? v : JSON.stringify(v)));
}

/** What the SDK serializes into the state (see providerForState). */
const dashboardProviderForState = providerForState<DashboardInputs, DashboardOutputs>(
    "Dashboard",
    __filename,
    "dashboardProvider",
    () => dashboardProvider,
);

/**
 * A Grafana dashboard, saved with an org API key or token (`connection: { auth: apiKey.key }`) or with admin
 * credentials plus `orgId`. A uid or org change replaces it; title, panels and folder are updated in place. A change
 * made in Grafana shows in `pulumi refresh` / `preview --diff` field by field, and the next `up` puts the declared
 * model back.
 *
 * @example
 * ```ts
 * import * as fs from "fs";
 * import { Dashboard } from "pulumi-grafana-dynamic";
 *
 * const overview = new Dashboard("overview", {
 *     dashboard: fs.readFileSync("overview.json", "utf8"), // exported with "Export for sharing externally"
 *     inputs: { DS_PROMETHEUS: "prometheus-uid" },
 *     folderUid: "team-a",
 *     connection: { auth: apiKey.key },
 * });
 * export const url = overview.url;
 * ```
 */
export class Dashboard extends dynamic.Resource {
    /** The dashboard's uid in Grafana (declared in the model, or derived from project, stack and resource name). */
    declare public readonly uid: pulumi.Output<string>;
    /** Full URL of the dashboard: Grafana's base URL + `path`. */
    declare public readonly url: pulumi.Output<string>;
    /** URL path Grafana gives the dashboard, e.g. `/d/<uid>/<slug>`. */
    declare public readonly path: pulumi.Output<string>;
    /** Grafana's version of the dashboard, raised by every save. */
    declare public readonly version: pulumi.Output<number>;
    /** Grafana's numeric id of the dashboard; undefined where the server has none (see README, supported versions). */
    declare public readonly dashboardId: pulumi.Output<number | undefined>;
    /** The org the dashboard is saved in. */
    declare public readonly orgId: pulumi.Output<number>;
    /** The dashboard's title. */
    declare public readonly title: pulumi.Output<string>;
    /** The folder the dashboard is in (absent: General). */
    declare public readonly folderUid: pulumi.Output<string | undefined>;

    constructor(name: string, args: DashboardArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            dashboardProviderForState(),
            name,
            resourceProps(name, args, ["uid", "url", "path", "version", "dashboardId", "orgId", "title", "folderUid"], {
                orgId: args.orgId,
                dashboard: modelArg(args.dashboard),
                __autoUid: derivedUid("Dashboard", name),
            }),
            opts,
            "grafana",
            "Dashboard",
        );
    }
}

export const dashboardKind = defineKind({ type: "Dashboard", provider: dashboardProvider, resource: Dashboard, file: "dashboard.ts" });
