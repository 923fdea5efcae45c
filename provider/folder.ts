import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import { adoptionOutputs, AdoptArgs, AdoptInputs, AdoptOutputs, checkAdopt, differingFields, findForAdoption, Found, wantsAdopt } from "./adopt";
import * as appPlatform from "./app-platform";
import { clientOf, deleteIfPresent, forResource, GrafanaClient, isStatus, unlessGone } from "./client";
import { ConnectionArgs, ConnectionValues } from "./connection";
import { diffFields } from "./diff";
import * as ids from "./ids";
import { orgForCreate, withDefaultOrg } from "./org";
import { CommonInputs, defineKind, defineProvider, derivedUid, labeller, resourceProps, withDerivedUid } from "./kit";
import { ServerApis, serverApis } from "./server-version";
import { providerForState } from "./thin";
import { checkConnection, checkName, checkOptionalBoolean, checkOrgId, checkUid, Failure } from "./validate";

export interface FolderArgs extends AdoptArgs {
    /** The folder's title. Changing it is an in-place update. */
    title: pulumi.Input<string>;
    /** The folder's uid; absent: derived from the project, stack and resource name (so a retried create finds its own first attempt). A change replaces the folder. */
    uid?: pulumi.Input<string>;
    /**
     * uid of the parent folder (nested folders). Needs a Grafana with nested folders: on by default from 11.0; Grafana
     * 10.x only with the `nestedFolders` feature toggle (without it, create fails with a clear error). A change moves
     * the folder in place.
     */
    parentUid?: pulumi.Input<string>;
    /** The org of the folder; a change replaces it. Absent: the connection's default org (connection.orgId, grafana:orgId, GRAFANA_ORG_ID; basic auth only), else the credential's org. */
    orgId?: pulumi.Input<number>;
    /**
     * Grafana deletes every dashboard in a folder it deletes. By default delete refuses while the folder holds
     * dashboards (or subfolders) this stack does not manage (the stack's own dashboards are deleted first, since they
     * depend on the folder); `true` deletes the folder and whatever is in it.
     */
    forceDestroy?: pulumi.Input<boolean>;
    /** Per-resource Grafana URL and credential; stored as a secret. */
    connection?: pulumi.Input<ConnectionArgs>;
}

export interface FolderInputs extends CommonInputs, AdoptInputs {
    title: string;
    uid?: string;
    /** The uid used when none is declared (derived in the program; see derivedUid). */
    __autoUid?: string;
    /** Set by check when `uid` was filled in from __autoUid: an input, so a preview of an update still knows the uid. */
    __uidDerived?: boolean;
    parentUid?: string;
    orgId?: number;
    forceDestroy?: boolean;
    connection?: ConnectionValues;
}

export interface FolderOutputs extends FolderInputs, AdoptOutputs {
    /** The folder's uid in Grafana. */
    uid: string;
    /** The org the folder is in. */
    orgId: number;
    /** Grafana's numeric id of the folder; absent where the server has none (13.0+). */
    folderId?: number;
    /** Full URL of the folder (Grafana's base URL + its path). */
    url: string;
    /** Grafana's version of the folder, raised by every change. */
    version: number;
    /** Whether uid / orgId were given as inputs. */
    uidDeclared: boolean;
    orgIdDeclared: boolean;
}

interface FolderBody {
    id?: number;
    uid: string;
    title: string;
    url: string;
    version: number;
    parentUid?: string;
}

interface SearchHit {
    uid: string;
    title: string;
    type: string;
    folderUid?: string;
}

const label = labeller("Folder");

function fullUrl(base: string, path: string): string {
    const u = new URL(base);
    const prefix = u.pathname.replace(/\/+$/, "");
    return `${u.origin}${prefix && path.startsWith(prefix + "/") ? "" : prefix}${path}`;
}

async function getFolder(client: GrafanaClient, uid: string, orgId: number | undefined): Promise<FolderBody | undefined> {
    // 13.x: the app-platform API (server-version.ts, app-platform.ts)
    const apis = await serverApis(client);
    if (apis.folders) return appPlatform.getFolder(client, apis, uid, orgId);
    return (await unlessGone(() => client.get<FolderBody>(`/api/folders/${encodeURIComponent(uid)}`, { orgId })))?.data;
}

function noNesting(url: string, parentUid: string): string {
    return (
        `Grafana at ${url} ignored parentUid "${parentUid}": it has no nested folders. Grafana 10.x needs the feature ` +
        "toggle nestedFolders ([feature_toggles] enable = nestedFolders); from 11.0 they are on by default. Remove parentUid or enable it"
    );
}

/**
 * Dashboards and folders inside `uid`. Grafana 10.0 ignores `folderUIDs` in /api/search and answers every hit of the
 * org, so the hits are filtered here by their own folderUid.
 */
async function contents(client: GrafanaClient, uid: string, orgId: number): Promise<SearchHit[]> {
    const hits = (await client.get<SearchHit[]>("/api/search", { orgId, query: { folderUIDs: uid, limit: 5000 } })).data;
    return hits.filter((h) => h.folderUid === uid && h.uid !== uid);
}

export const folderProvider: dynamic.ResourceProvider<FolderInputs, FolderOutputs> = defineProvider({
    async check(olds, news) {
        const failures: Failure[] = [];
        checkName(failures, "title", news.title);
        checkAdopt(failures, "Folder", olds, news);
        checkUid(failures, "uid", news.uid);
        checkUid(failures, "parentUid", news.parentUid);
        checkOrgId(failures, news.orgId);
        checkOptionalBoolean(failures, "forceDestroy", news.forceDestroy);
        checkConnection(failures, news.connection);
        if (news.parentUid !== undefined && news.parentUid === (news.uid ?? news.__autoUid)) {
            failures.push({ property: "parentUid", reason: "parentUid must not be the folder's own uid" });
        }
        return { inputs: withDerivedUid(withDefaultOrg(news)), failures };
    },

    async diff(_id, olds, news) {
        // A new uid on a server that keeps folder titles unique per parent (Grafana < 11) needs a new title too, or
        // the resource option deleteBeforeReplace: the new folder is made first so dashboards can move over.
        return diffFields(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>, [
            { name: "uid", replace: true, absentMeansKeep: true },
            { name: "orgId", replace: true, absentMeansKeep: true },
            { name: "title" },
            { name: "parentUid" },
            { name: "forceDestroy" },
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
                if (!uid) throw new Error("no uid: declare uid, or create the Folder through its class (which derives one)");
                const orgId = await orgForCreate(client, inputs.orgId);
                const scope = { orgId };
                const body = { uid, title: inputs.title, parentUid: inputs.parentUid };
                const found = await findForAdoption(
                    label(inputs),
                    wantsAdopt(inputs),
                    () => getFolder(client, uid, orgId),
                    (f) =>
                        differingFields({ ...inputs, parentUid: inputs.parentUid ?? "" }, { ...f, parentUid: f.parentUid ?? "" }, [
                            "title",
                            "parentUid",
                        ]),
                );
                let folder: FolderBody;
                let made = false;
                const apis = await serverApis(client);
                try {
                    folder = found
                        ? await adoptFolder(client, apis, found, inputs, scope)
                        : apis.folders
                          ? await appPlatform.createFolder(client, apis, orgId, body)
                          : (await client.post<FolderBody>("/api/folders", body, scope)).data;
                    made = !found;
                } catch (e) {
                    // 10.x answers an existing uid with 412 version-mismatch, 11+/12.x with 409; a taken title is 409 (until 11).
                    if (!isStatus(e, 409, 412)) throw e;
                    const existing = await getFolder(client, uid, orgId);
                    if (!existing) throw titleTaken(inputs, orgId, e);
                    const ours = derived || (existing.title === inputs.title && (existing.parentUid ?? undefined) === inputs.parentUid);
                    if (!ours) {
                        throw new Error(
                            `${e.message}. A folder with uid "${uid}" already exists in org ${orgId} (title "${existing.title}"), not made by this resource: choose another uid, or declare its title to take it over`,
                        );
                    }
                    // This resource's own earlier attempt (an interrupted `up`): take it over and bring it to the declared state.
                    folder =
                        existing.title === inputs.title
                            ? existing
                            : apis.folders
                              ? await appPlatform.updateFolder(client, apis, orgId, uid, { title: inputs.title })
                              : (
                                    await client.put<FolderBody>(
                                        `/api/folders/${encodeURIComponent(uid)}`,
                                        { title: inputs.title, overwrite: true },
                                        scope,
                                    )
                                ).data;
                }
                if (inputs.parentUid !== undefined && (folder.parentUid ?? "") !== inputs.parentUid) {
                    // Grafana without nested folders makes the folder at the root: undo that, then say why.
                    if (made && !apis.folders) await client.delete(`/api/folders/${encodeURIComponent(uid)}`, scope).catch(() => undefined);
                    throw new Error(noNesting(client.url, inputs.parentUid));
                }
                const outs: FolderOutputs = {
                    ...inputs,
                    ...(found && adoptionOutputs(found)),
                    uid,
                    orgId,
                    folderId: folder.id,
                    url: fullUrl(client.url, folder.url),
                    version: folder.version,
                    uidDeclared: !derived,
                    orgIdDeclared: inputs.orgId !== undefined,
                };
                return { id: ids.folderIds.build({ orgId, uid }), outs };
            },
            (e) => (isStatus(e, 401, 403) ? "Use an org API key or token of this folder's org, or admin credentials with orgId" : undefined),
        );
    },

    async read(id, props) {
        const p = props as FolderOutputs;
        return forResource(label(p), async () => {
            const client = clientOf(p.connection);
            const { orgId, uid } = ids.folderIds.parse(id);
            const folder = await getFolder(client, uid, orgId);
            if (!folder) return {};
            const outs: FolderOutputs = {
                ...p,
                title: folder.title,
                parentUid: folder.parentUid || undefined,
                folderId: folder.id,
                url: fullUrl(client.url, folder.url),
                version: folder.version,
            };
            return { id, props: outs };
        });
    },

    async update(_id, olds, news) {
        return forResource(
            label(news),
            async () => {
                const client = clientOf(news.connection);
                const scope = { orgId: olds.orgId };
                const path = `/api/folders/${encodeURIComponent(olds.uid)}`;
                let version = olds.version;
                let url = olds.url;
                const apis = await serverApis(client);
                if (apis.folders && ((news.parentUid ?? "") !== (olds.parentUid ?? "") || news.title !== olds.title)) {
                    const saved = await appPlatform.updateFolder(client, apis, olds.orgId, olds.uid, {
                        title: news.title,
                        parentUid: news.parentUid ?? "",
                    });
                    version = saved.version;
                    url = fullUrl(client.url, saved.url);
                } else if ((news.parentUid ?? "") !== (olds.parentUid ?? "")) {
                    try {
                        const moved = (await client.post<FolderBody>(`${path}/move`, { parentUid: news.parentUid ?? "" }, scope)).data;
                        if (typeof moved.version === "number") version = moved.version;
                    } catch (e) {
                        if (isStatus(e, 404) && /nested folder/i.test(e.grafanaMessage)) throw new Error(noNesting(client.url, news.parentUid ?? ""));
                        throw e;
                    }
                }
                if (news.title !== olds.title && !apis.folders) {
                    // The title is all a folder holds, and it is declared here: the declared one wins.
                    const saved = (await client.put<FolderBody>(path, { title: news.title, version, overwrite: true }, scope)).data;
                    version = saved.version;
                    url = fullUrl(client.url, saved.url);
                }
                // From the new inputs (an argument removed is gone), plus what Grafana assigned.
                const outs: FolderOutputs = {
                    ...news,
                    uid: olds.uid,
                    orgId: olds.orgId,
                    folderId: olds.folderId,
                    version,
                    url,
                    uidDeclared: olds.uidDeclared,
                    orgIdDeclared: olds.orgIdDeclared,
                };
                return { outs };
            },
            (e) => (isStatus(e, 409) ? `Another folder in the same place may already be titled "${news.title}"` : undefined),
        );
    },

    async delete(_id, props) {
        await forResource(label(props), async () => {
            const client = clientOf(props.connection);
            const { orgId, uid } = ids.folderIds.parse(_id);
            if (!props.forceDestroy) {
                const inside = await unlessGone(() => contents(client, uid, orgId));
                if (inside && inside.length > 0) {
                    const list = inside
                        .slice(0, 5)
                        .map((h) => `${h.type === "dash-folder" ? "folder" : "dashboard"} "${h.title}" (uid ${h.uid})`)
                        .join(", ");
                    throw new Error(
                        `refusing to delete folder "${uid}": Grafana would delete what it still holds, which this stack does not manage: ${list}${inside.length > 5 ? ` and ${inside.length - 5} more` : ""}. Move or delete them, or set forceDestroy: true on this Folder (run \`pulumi up\` to record it, then destroy)`,
                    );
                }
            }
            const apis = await serverApis(client);
            if (apis.folders) await unlessGone(() => appPlatform.deleteFolder(client, apis, uid, orgId));
            else await deleteIfPresent(client, `/api/folders/${encodeURIComponent(uid)}`, { orgId });
        });
    },
});

/** Brings an adopted folder to the declared parent and title (no call when nothing differs). */
async function adoptFolder(
    client: GrafanaClient,
    apis: ServerApis,
    found: Found<FolderBody>,
    inputs: FolderInputs,
    scope: { orgId: number },
): Promise<FolderBody> {
    let folder = found.existing;
    if (found.changed.length === 0) return folder;
    if (apis.folders)
        return appPlatform.updateFolder(client, apis, scope.orgId, folder.uid, { title: inputs.title, parentUid: inputs.parentUid ?? "" });
    const path = `/api/folders/${encodeURIComponent(folder.uid)}`;
    if (found.changed.includes("parentUid"))
        folder = (await client.post<FolderBody>(`${path}/move`, { parentUid: inputs.parentUid ?? "" }, scope)).data;
    if (found.changed.includes("title")) folder = (await client.put<FolderBody>(path, { title: inputs.title, overwrite: true }, scope)).data;
    return folder;
}

/** 409 for a title: name the folder that has it. */
function titleTaken(inputs: FolderInputs, orgId: number, cause: Error): Error {
    const where = inputs.parentUid ? `folder "${inputs.parentUid}"` : "the General folder";
    return new Error(
        `${cause.message}. Grafana before 11 keeps folder titles unique in a parent: a folder or dashboard titled "${inputs.title}" is already in ${where} of org ${orgId}. Choose another title, or declare that folder's uid to take it over`,
    );
}

/** What the SDK serializes into the state (see providerForState). */
const folderProviderForState = providerForState<FolderInputs, FolderOutputs>("Folder", __filename, "folderProvider", () => folderProvider);

/**
 * A Grafana folder. A title change is an in-place update, a parent change moves it (nested folders), a uid or org
 * change replaces it. Pass `folderUid: folder.uid` to a Dashboard to save it there: the dashboard then depends on
 * the folder, so destroy deletes it first. Delete refuses while the folder still holds dashboards this stack does not
 * manage, unless `forceDestroy: true`.
 *
 * @example
 * ```ts
 * import { Dashboard, Folder } from "pulumi-grafana-dynamic";
 *
 * const team = new Folder("team-a", { title: "Team A", orgId: org.orgId });
 * new Dashboard("overview", { dashboard: { title: "Overview" }, folderUid: team.uid, orgId: org.orgId });
 * ```
 */
export class Folder extends dynamic.Resource {
    /** The folder's uid (declared, or derived from project, stack and resource name). */
    declare public readonly uid: pulumi.Output<string>;
    /** The folder's title. */
    declare public readonly title: pulumi.Output<string>;
    /** uid of the parent folder (absent: at the root). */
    declare public readonly parentUid: pulumi.Output<string | undefined>;
    /** The org the folder is in. */
    declare public readonly orgId: pulumi.Output<number>;
    /** Grafana's numeric id of the folder; undefined where the server has none (13.0+, see README). */
    declare public readonly folderId: pulumi.Output<number | undefined>;
    /** Full URL of the folder. */
    declare public readonly url: pulumi.Output<string>;
    /** Grafana's version of the folder. */
    declare public readonly version: pulumi.Output<number>;

    constructor(name: string, args: FolderArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            folderProviderForState(),
            name,
            resourceProps(name, args, ["uid", "title", "parentUid", "orgId", "folderId", "url", "version"], {
                uid: args.uid,
                orgId: args.orgId,
                __autoUid: derivedUid("Folder", name),
            }),
            opts,
            "grafana",
            "Folder",
        );
    }
}

export const folderKind = defineKind({ type: "Folder", provider: folderProvider, resource: Folder, file: "folder.ts" });
