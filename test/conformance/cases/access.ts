// Teams, team members and folder/dashboard permission lists: /api/teams, /api/teams/:id/members,
// /api/folders/:uid/permissions, /api/dashboards/uid/:uid/permissions (the same routes on 10.x-12.x).
import { ALL, Case, each, has, lacks, num, str } from "../types";
import { deleteOrg, deleteUser, newOrg, newUser } from "./common";

const TEAM_DOCS = "Grafana docs, Team HTTP API (https://grafana.com/docs/grafana/latest/developers/http_api/team/)";
const FOLPERM_DOCS = "Grafana docs, Folder Permissions HTTP API (https://grafana.com/docs/grafana/latest/developers/http_api/folder_permissions/)";
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
];
