// Teams, team members and folder/dashboard permission lists: /api/teams, /api/teams/:id/members,
// /api/folders/:uid/permissions, /api/dashboards/uid/:uid/permissions (the same routes on 10.x-12.x).
import { ALL, Case, Profile, Shape, Step, each, has, lacks, num, str } from "../types";
import { deleteOrg, deleteUser, newOrg, newUser } from "./common";

const TEAM_DOCS = "Grafana docs, Team HTTP API (https://grafana.com/docs/grafana/latest/developers/http_api/team/)";
const FOLPERM_DOCS = "Grafana docs, Folder Permissions HTTP API (https://grafana.com/docs/grafana/latest/developers/http_api/folder_permissions/)";
const FOLDER_AC_DOCS =
    "Grafana docs 13.0, Folder access control (https://grafana.com/docs/grafana/v13.0/administration/roles-and-permissions/folder-access-control/): View gives folders:read/dashboards:read, Edit dashboards:create/write/delete";
const DASHPERM_DOCS =
    "Grafana docs, Dashboard Permissions HTTP API (https://grafana.com/docs/grafana/latest/developers/http_api/dashboard_permissions/)";

export const accessCases: Case[] = [
    {
        name: "teams: create, name taken 409, search by name, get, update, members add/list/remove, delete, missing 404",
        versions: ALL,
        source: TEAM_DOCS,
        steps: [
            newOrg(),
            newUser(),
            { method: "POST", path: "/api/orgs/{{org}}/users", body: { loginOrEmail: "cf-user-{{sfx}}", role: "Viewer" }, expect: { status: 200 } },
            {
                method: "POST",
                path: "/api/teams",
                org: "{{org}}",
                body: { name: "CF team {{sfx}}", email: "team@example.com" },
                expect: { status: 200, body: { message: "Team created", teamId: num } },
                save: { team: "teamId" },
            },
            {
                method: "POST",
                path: "/api/teams",
                org: "{{org}}",
                body: { name: "CF team {{sfx}}" },
                expect: { status: 409, body: { message: "Team name taken" } },
            },
            {
                method: "GET",
                path: "/api/teams/search?name=CF%20team%20{{sfx}}",
                org: "{{org}}",
                expect: {
                    status: 200,
                    body: {
                        totalCount: 1,
                        teams: each({ id: num, name: "CF team {{sfx}}", email: "team@example.com", memberCount: 0 }, { length: 1 }),
                    },
                },
            },
            {
                method: "PUT",
                path: "/api/teams/{{team}}",
                org: "{{org}}",
                body: { name: "CF team2 {{sfx}}", email: "" },
                expect: { status: 200, body: { message: "Team updated" } },
            },
            {
                method: "GET",
                path: "/api/teams/{{team}}",
                org: "{{org}}",
                expect: { status: 200, body: { id: num, name: "CF team2 {{sfx}}", email: "" } },
            },
            {
                method: "POST",
                path: "/api/teams/{{team}}/members",
                org: "{{org}}",
                body: { userId: "{{user}}" as unknown as number },
                expect: { status: 200, body: { message: "Member added to Team" } },
            },
            {
                method: "GET",
                path: "/api/teams/{{team}}/members",
                org: "{{org}}",
                expect: { status: 200, body: each({ userId: num, login: "cf-user-{{sfx}}", email: str }, { length: 1 }) },
            },
            { method: "DELETE", path: "/api/teams/{{team}}/members/{{user}}", org: "{{org}}", expect: { status: 200, body: { message: str } } },
            { method: "GET", path: "/api/teams/{{team}}/members", org: "{{org}}", expect: { status: 200, body: [] } },
            { method: "DELETE", path: "/api/teams/{{team}}", org: "{{org}}", expect: { status: 200, body: { message: "Team deleted" } } },
            { method: "GET", path: "/api/teams/{{team}}", org: "{{org}}", expect: { status: 404, body: { message: str } } },
            { method: "DELETE", path: "/api/teams/{{team}}", org: "{{org}}", expect: { status: 404, body: { message: str } } },
        ],
        cleanup: [deleteOrg(), deleteUser()],
    },
    {
        name: "folder permissions: the Editor/Viewer defaults of a new folder, a whole list replaces them, a dashboard inherits them",
        versions: ALL,
        source: `${FOLPERM_DOCS}; ${DASHPERM_DOCS}`,
        steps: [
            newOrg(),
            {
                method: "POST",
                path: "/api/teams",
                org: "{{org}}",
                body: { name: "CF perm team {{sfx}}" },
                expect: { status: 200, body: { teamId: num } },
                save: { team: "teamId" },
            },
            { method: "POST", path: "/api/folders", org: "{{org}}", body: { uid: "cf-p-{{sfx}}", title: "CF p {{sfx}}" }, expect: { status: 200 } },
            {
                method: "GET",
                path: "/api/folders/cf-p-{{sfx}}/permissions",
                org: "{{org}}",
                expect: { status: 200, body: has({ role: "Editor", permission: 2, permissionName: "Edit" }) },
            },
            {
                method: "GET",
                path: "/api/folders/cf-p-{{sfx}}/permissions",
                org: "{{org}}",
                expect: { status: 200, body: has({ role: "Viewer", permission: 1, permissionName: "View" }) },
            },
            {
                method: "POST",
                path: "/api/folders/cf-p-{{sfx}}/permissions",
                org: "{{org}}",
                body: { items: [{ teamId: "{{team}}" as unknown as number, permission: 2 }] },
                expect: { status: 200, body: { message: "Folder permissions updated" } },
            },
            {
                method: "GET",
                path: "/api/folders/cf-p-{{sfx}}/permissions",
                org: "{{org}}",
                expect: { status: 200, body: lacks({ role: "Viewer" }) },
            },
            {
                method: "GET",
                path: "/api/folders/cf-p-{{sfx}}/permissions",
                org: "{{org}}",
                expect: { status: 200, body: has({ teamId: num, team: "CF perm team {{sfx}}", permission: 2 }) },
            },
            {
                method: "POST",
                path: "/api/dashboards/db",
                org: "{{org}}",
                body: { dashboard: { uid: "cf-pd-{{sfx}}", title: "CF pd {{sfx}}" }, folderUid: "cf-p-{{sfx}}" },
                expect: { status: 200 },
            },
            {
                method: "GET",
                path: "/api/dashboards/uid/cf-pd-{{sfx}}/permissions",
                org: "{{org}}",
                expect: { status: 200, body: has({ teamId: num, permission: 2, inherited: true }) },
            },
            {
                method: "POST",
                path: "/api/dashboards/uid/cf-pd-{{sfx}}/permissions",
                org: "{{org}}",
                body: { items: [{ role: "Viewer", permission: 1 }] },
                expect: { status: 200, body: { message: "Dashboard permissions updated" } },
            },
            {
                method: "GET",
                path: "/api/dashboards/uid/cf-pd-{{sfx}}/permissions",
                org: "{{org}}",
                expect: { status: 200, body: has({ role: "Viewer", permission: 1, inherited: false }) },
            },
            { method: "GET", path: "/api/folders/cf-missing-{{sfx}}/permissions", org: "{{org}}", expect: { status: 404 } },
        ],
        cleanup: [deleteOrg()],
    },
    ...apisAccessCase("12.x", "v1beta1", "v1beta1"),
    ...apisAccessCase("13.x", "v1", "v1"),
];

/** The permission rules on the app-platform routes 12.x/13.x clients read and save through: a Viewer outside a private
 *  folder's team gets a 403 Forbidden Status and an empty list; a team member (org Viewer) with Edit creates and
 *  updates dashboards in the folder. */
function apisAccessCase(profile: Profile, dv: string, fv: string): Case[] {
    const ns = "org-{{org}}";
    const dashes = `/apis/dashboard.grafana.app/${dv}/namespaces/${ns}/dashboards`;
    const folders = `/apis/folder.grafana.app/${fv}/namespaces/${ns}/folders`;
    const forbidden: Shape = { kind: "Status", apiVersion: "v1", status: "Failure", reason: "Forbidden", code: 403, message: str };
    const viewer = { basic: "cf-viewer-{{sfx}}:cf-pass-{{sfx}}" };
    const member = { basic: "cf-member-{{sfx}}:cf-pass-{{sfx}}" };
    const inPrivate = (name: string, title: string) => ({
        metadata: { name, annotations: { "grafana.app/folder": "cf-priv-{{sfx}}" } },
        spec: { title, panels: [], schemaVersion: 41 },
    });
    const join = (v: "member" | "viewer"): Step => ({
        method: "POST",
        path: "/api/orgs/{{org}}/users",
        body: { loginOrEmail: `cf-${v}-{{sfx}}`, role: "Viewer" },
        expect: { status: 200 },
    });
    return [
        {
            name: `apis ${profile} permissions: a Viewer outside a private folder's team gets 403 and empty lists; a member with Edit creates and updates there, the Viewer's create is 403`,
            versions: [profile],
            source: `${FOLDER_AC_DOCS}; ${FOLPERM_DOCS}; Kubernetes API conventions (403 Status, reason Forbidden)`,
            steps: [
                newOrg(),
                newUser("member"),
                newUser("viewer"),
                join("member"),
                join("viewer"),
                {
                    method: "POST",
                    path: "/api/teams",
                    org: "{{org}}",
                    body: { name: "CF apis team {{sfx}}" },
                    expect: { status: 200 },
                    save: { team: "teamId" },
                },
                {
                    method: "POST",
                    path: "/api/teams/{{team}}/members",
                    org: "{{org}}",
                    body: { userId: "{{member}}" as unknown as number },
                    expect: { status: 200 },
                },
                {
                    method: "POST",
                    path: folders,
                    org: "{{org}}",
                    body: { metadata: { name: "cf-priv-{{sfx}}" }, spec: { title: "CF private {{sfx}}" } },
                    expect: { status: 201 },
                },
                { method: "POST", path: dashes, org: "{{org}}", body: inPrivate("cf-secret-{{sfx}}", "CF secret {{sfx}}"), expect: { status: 201 } },
                {
                    method: "POST",
                    path: "/api/folders/cf-priv-{{sfx}}/permissions",
                    org: "{{org}}",
                    body: { items: [{ teamId: "{{team}}" as unknown as number, permission: 2 }] },
                    expect: { status: 200 },
                },
                { method: "GET", path: `${dashes}/cf-secret-{{sfx}}`, org: "{{org}}", auth: viewer, expect: { status: 403, body: forbidden } },
                { method: "GET", path: `${folders}/cf-priv-{{sfx}}`, org: "{{org}}", auth: viewer, expect: { status: 403, body: forbidden } },
                { method: "GET", path: dashes, org: "{{org}}", auth: viewer, expect: { status: 200, body: { items: [] } } },
                { method: "GET", path: folders, org: "{{org}}", auth: viewer, expect: { status: 200, body: { items: [] } } },
                {
                    method: "GET",
                    path: dashes,
                    org: "{{org}}",
                    auth: member,
                    expect: { status: 200, body: { items: has({ metadata: { name: "cf-secret-{{sfx}}" } }) } },
                },
                {
                    method: "POST",
                    path: dashes,
                    org: "{{org}}",
                    auth: member,
                    body: inPrivate("cf-bymember-{{sfx}}", "CF by member {{sfx}}"),
                    expect: { status: 201, body: { metadata: { name: "cf-bymember-{{sfx}}" } } },
                },
                {
                    method: "PUT",
                    path: `${dashes}/cf-bymember-{{sfx}}`,
                    org: "{{org}}",
                    auth: member,
                    body: inPrivate("cf-bymember-{{sfx}}", "CF by member 2 {{sfx}}"),
                    expect: { status: 200, body: { spec: { title: "CF by member 2 {{sfx}}" } } },
                },
                {
                    method: "POST",
                    path: dashes,
                    org: "{{org}}",
                    auth: viewer,
                    body: inPrivate("cf-byviewer-{{sfx}}", "CF by viewer {{sfx}}"),
                    expect: { status: 403, body: forbidden },
                },
                { method: "GET", path: `${dashes}/cf-byviewer-{{sfx}}`, org: "{{org}}", expect: { status: 404 } },
            ],
            cleanup: [deleteOrg(), deleteUser("member"), deleteUser("viewer")],
        },
    ];
}
