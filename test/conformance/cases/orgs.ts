// Health, authentication, organizations and the org header.
import { ADDRESS, ALL, Case, each, has, lacks, num, re, str } from "../types";
import { DOCS, NOTES, deleteOrg, newOrg, observed } from "./common";

const ORG = (name: string) => ({ id: num, name, address: ADDRESS });

export const orgCases: Case[] = [
    {
        name: "health: GET /api/health without auth",
        versions: ALL,
        source: `${observed("Health")}; ${DOCS.health}`,
        steps: [
            {
                observed: "GET /api/health (no auth)",
                method: "GET",
                path: "/api/health",
                auth: "none",
                expect: { status: 200, body: { commit: str, database: "ok", version: str } },
            },
        ],
    },
    {
        name: "auth: wrong basic password",
        versions: ["10.0"],
        versionNote: "message observed on 10.0; newer versions: 401 (next case)",
        source: observed("Health"),
        steps: [
            {
                observed: "wrong basic password",
                method: "GET",
                path: "/api/org",
                auth: "wrong-password",
                expect: { status: 401, body: { message: "invalid username or password" } },
            },
        ],
    },
    {
        name: "auth: wrong basic password is 401",
        versions: ["11.6", "12.x", "13.x"],
        versionNote: "exact message not documented for 11.6/12.x",
        source: `${DOCS.auth} (401 Unauthorized)`,
        steps: [{ method: "GET", path: "/api/org", auth: "wrong-password", expect: { status: 401, body: { message: str } } }],
    },
    {
        name: "auth: no credentials",
        versions: ["10.0"],
        source: observed("Health"),
        steps: [
            { observed: "no auth at all", method: "GET", path: "/api/org", auth: "none", expect: { status: 401, body: { message: "Unauthorized" } } },
        ],
    },
    {
        name: "auth: no credentials is 401",
        versions: ["11.6", "12.x", "13.x"],
        source: `${DOCS.auth} (401 Unauthorized)`,
        steps: [{ method: "GET", path: "/api/org", auth: "none", expect: { status: 401, body: { message: str } } }],
    },
    {
        name: "auth: admin's current org and user",
        versions: ALL,
        source: `${observed("Health")}; ${DOCS.org}; ${DOCS.user}`,
        steps: [
            {
                observed: "GET /api/user (admin)",
                method: "GET",
                path: "/api/user",
                expect: {
                    status: 200,
                    body: { id: num, email: str, name: str, login: "{{adminLogin}}", orgId: num, isGrafanaAdmin: true, isDisabled: false },
                },
                save: { home: "orgId" },
            },
            {
                observed: "GET /api/org (admin, default org)",
                method: "GET",
                path: "/api/org",
                expect: { status: 200, body: { id: "{{home}}", name: str, address: ADDRESS } },
            },
        ],
    },
    {
        name: "orgs: create, taken name 409, list, get by id and name",
        versions: ALL,
        source: `${observed("Organizations")}; ${DOCS.org}`,
        steps: [
            { ...newOrg(), observed: "POST /api/orgs (new)" },
            {
                observed: "POST /api/orgs (taken name)",
                method: "POST",
                path: "/api/orgs",
                body: { name: "cf-org-{{sfx}}" },
                expect: { status: 409, body: { message: "Organization name taken" } },
            },
            {
                observed: "GET /api/orgs/:id (existing)",
                method: "GET",
                path: "/api/orgs/{{org}}",
                expect: { status: 200, body: ORG("cf-org-{{sfx}}") },
            },
            {
                observed: "GET /api/orgs/name/:name (existing)",
                method: "GET",
                path: "/api/orgs/name/cf-org-{{sfx}}",
                expect: { status: 200, body: { id: "{{org}}", name: "cf-org-{{sfx}}", address: ADDRESS } },
            },
            {
                observed: "GET /api/orgs",
                method: "GET",
                path: "/api/orgs",
                expect: { status: 200, body: has({ id: "{{org}}", name: "cf-org-{{sfx}}" }) },
            },
            {
                method: "GET",
                path: "/api/orgs?perpage=1000",
                expect: { status: 200, body: each({ id: num, name: str }, { min: 1 }) },
            },
            {
                observed: "GET /api/orgs/:id/users (new org: creator admin is Admin)",
                method: "GET",
                path: "/api/orgs/{{org}}/users",
                expect: { status: 200, body: has({ orgId: "{{org}}", login: "{{adminLogin}}", role: "Admin", userId: num, email: str }) },
            },
        ],
        cleanup: [deleteOrg()],
    },
    {
        name: "orgs: name comparison is case-sensitive",
        versions: ["10.0"],
        versionNote: "SQLite store; not documented",
        source: observed("Organizations"),
        steps: [
            newOrg("org", "case"),
            {
                observed: "POST /api/orgs (taken name, different case)",
                method: "POST",
                path: "/api/orgs",
                body: { name: "CF-CASE-{{sfx}}" },
                expect: { status: 200, body: { message: "Organization created", orgId: num } },
                save: { upper: "orgId" },
            },
        ],
        cleanup: [deleteOrg(), deleteOrg("upper")],
    },
    {
        name: "orgs: empty name is 400 bad request data",
        versions: ["10.0"],
        source: observed("Organizations"),
        steps: [
            {
                observed: "POST /api/orgs (empty name)",
                method: "POST",
                path: "/api/orgs",
                body: { name: "" },
                expect: { status: 400, body: { message: "bad request data" } },
            },
        ],
    },
    {
        name: "orgs: rename, old name gone, rename to a taken name is 400",
        versions: ALL,
        versionNote: "400 (not 409) for a taken name: observed on 10.0, stated for current code in the notes",
        source: `${observed("Organizations")}; ${DOCS.org}; ${NOTES} §1`,
        steps: [
            { ...newOrg("a"), observed: "POST /api/orgs (new)" },
            { ...newOrg("b"), observed: "POST /api/orgs (second org)" },
            {
                observed: "PUT /api/orgs/:id (rename)",
                method: "PUT",
                path: "/api/orgs/{{a}}",
                body: { name: "cf-a2-{{sfx}}" },
                expect: { status: 200, body: { message: "Organization updated" } },
            },
            {
                observed: "GET /api/orgs/name/:name (old name after rename)",
                method: "GET",
                path: "/api/orgs/name/cf-a-{{sfx}}",
                expect: { status: 404, body: { message: "Organization not found" } },
            },
            {
                observed: "PUT /api/orgs/:id (rename to a taken name)",
                method: "PUT",
                path: "/api/orgs/{{a}}",
                body: { name: "cf-b-{{sfx}}" },
                expect: { status: 400, body: { message: "Organization name taken" } },
            },
        ],
        cleanup: [deleteOrg("a"), deleteOrg("b")],
    },
    {
        name: "orgs: rename to the same name is 200",
        versions: ["10.0"],
        source: observed("Organizations"),
        steps: [
            newOrg(),
            {
                observed: "PUT /api/orgs/:id (rename to the same name)",
                method: "PUT",
                path: "/api/orgs/{{org}}",
                body: { name: "cf-org-{{sfx}}" },
                expect: { status: 200, body: { message: "Organization updated" } },
            },
        ],
        cleanup: [deleteOrg()],
    },
    {
        name: "orgs: rename of a missing org is 500",
        versions: ALL,
        versionNote: "the notes claim 403 for 10.0-10.3 (grafana-client tests); the real 10.0 answered 500",
        source: `${observed("Organizations")}; 11.x/12.x: grafana-client integration tests against real servers (test_organization.py test_update_organization_unknown)`,
        steps: [
            {
                observed: "PUT /api/orgs/:id (missing org)",
                method: "PUT",
                path: "/api/orgs/99999",
                body: { name: "cf-zz-{{sfx}}" },
                expect: { status: 500, body: { message: "Failed to update organization" } },
            },
        ],
    },
    {
        name: "orgs: missing org by id and by name is 404",
        versions: ALL,
        source: `${observed("Organizations")}; ${DOCS.org}`,
        steps: [
            {
                observed: "GET /api/orgs/:id (missing)",
                method: "GET",
                path: "/api/orgs/99999",
                expect: { status: 404, body: { message: "Organization not found" } },
            },
            {
                observed: "GET /api/orgs/name/:name (missing)",
                method: "GET",
                path: "/api/orgs/name/cf-no-such-org-{{sfx}}",
                expect: { status: 404, body: { message: "Organization not found" } },
            },
        ],
    },
    {
        name: "org header: basic auth with X-Grafana-Org-Id of an org the admin belongs to",
        versions: ALL,
        source: `${observed("Organizations")}; ${DOCS.org} (X-Grafana-Org-Id)`,
        steps: [
            newOrg(),
            {
                observed: "GET /api/org (basic auth, X-Grafana-Org-Id of an org admin is a member of)",
                method: "GET",
                path: "/api/org",
                org: "{{org}}",
                expect: { status: 200, body: { id: "{{org}}", name: "cf-org-{{sfx}}", address: ADDRESS } },
            },
        ],
        cleanup: [deleteOrg()],
    },
    {
        name: "org header: basic auth with X-Grafana-Org-Id of a missing org is 404",
        versions: ["10.0"],
        versionNote: "newer authn: not verified",
        source: observed("Organizations"),
        steps: [
            {
                observed: "GET /api/org (basic auth, X-Grafana-Org-Id of a missing org)",
                method: "GET",
                path: "/api/org",
                org: 99999,
                expect: { status: 404, body: { message: "Organization not found" } },
            },
        ],
    },
    {
        name: "orgs: delete, again 404, gone from get and list",
        versions: ALL,
        source: `${observed("Deleting organizations")}; ${DOCS.org}; ${NOTES} §1`,
        steps: [
            newOrg(),
            {
                observed: "DELETE /api/orgs/:id (existing)",
                method: "DELETE",
                path: "/api/orgs/{{org}}",
                expect: { status: 200, body: { message: "Organization deleted" } },
            },
            {
                observed: "DELETE /api/orgs/:id (again)",
                method: "DELETE",
                path: "/api/orgs/{{org}}",
                expect: { status: 404, body: { message: "Failed to delete organization. ID not found" } },
            },
            {
                observed: "GET /api/orgs/:id (after delete)",
                method: "GET",
                path: "/api/orgs/{{org}}",
                expect: { status: 404, body: { message: "Organization not found" } },
            },
            { method: "GET", path: "/api/orgs", expect: { status: 200, body: lacks({ id: "{{org}}" }) } },
            {
                observed: "DELETE /api/orgs/:id (missing)",
                method: "DELETE",
                path: "/api/orgs/99999",
                expect: { status: 404, body: { message: "Failed to delete organization. ID not found" } },
            },
        ],
    },
    {
        name: "orgs: deleting an org that holds a dashboard (org A)",
        versions: ALL,
        source: `${observed("Deleting organizations")}; ${DOCS.org}`,
        steps: [
            newOrg(),
            {
                method: "POST",
                path: "/api/dashboards/db",
                org: "{{org}}",
                body: { dashboard: { title: "CF in org {{sfx}}" }, overwrite: false },
                expect: { status: 200, body: { status: "success", uid: str } },
                save: { uid: "uid" },
            },
            {
                observed: "DELETE /api/orgs/:id (org A)",
                method: "DELETE",
                path: "/api/orgs/{{org}}",
                expect: { status: 200, body: { message: "Organization deleted" } },
            },
        ],
        cleanup: [deleteOrg()],
    },
    {
        name: "orgs: deleting the admin's active org is 400",
        versions: ["10.0", "11.6"],
        versionNote: "from the notes (code reading; not observed on a server); 12.x words it differently (next case)",
        source: `${NOTES} §1 (DELETE /api/orgs/:id of the requester's current org)`,
        steps: [
            { method: "GET", path: "/api/user", expect: { status: 200, body: { orgId: num } }, save: { home: "orgId" } },
            newOrg(),
            { method: "POST", path: "/api/user/using/{{org}}", expect: { status: 200, body: { message: "Active organization changed" } } },
            { method: "DELETE", path: "/api/orgs/{{org}}", expect: { status: 400, body: { message: "Can not delete org for current user" } } },
            { method: "POST", path: "/api/user/using/{{home}}", expect: { status: 200 } },
        ],
        cleanup: [{ method: "POST", path: "/api/user/using/{{home}}" }, deleteOrg()],
    },
    {
        name: "orgs: deleting the admin's active org is 400 (12.x wording)",
        versions: ["12.x", "13.x"],
        source: `${NOTES} §1 (Grafana >= 12: "Cannot delete your active organization", grafana-client tests)`,
        steps: [
            { method: "GET", path: "/api/user", expect: { status: 200, body: { orgId: num } }, save: { home: "orgId" } },
            newOrg(),
            { method: "POST", path: "/api/user/using/{{org}}", expect: { status: 200, body: { message: "Active organization changed" } } },
            { method: "DELETE", path: "/api/orgs/{{org}}", expect: { status: 400, body: { message: re(/active organization/) } } },
            { method: "POST", path: "/api/user/using/{{home}}", expect: { status: 200 } },
        ],
        cleanup: [{ method: "POST", path: "/api/user/using/{{home}}" }, deleteOrg()],
    },
];
