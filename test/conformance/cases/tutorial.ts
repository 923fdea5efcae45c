// Grafana's tutorial "Create API tokens and dashboards for an organization", run as written (unique names aside).
import { ALL, Case, Request, Step, num, re, str } from "../types";
import { DOCS, deleteOrg } from "./common";

const BODY = {
    dashboard: { id: null, title: "Production Overview", tags: ["templated"], timezone: "browser", rows: [{}], schemaVersion: 6, version: 0 },
    overwrite: false,
};

const before: Step[] = [
    { method: "GET", path: "/api/user", expect: { status: 200, body: { orgId: num } }, save: { home: "orgId" } },
    {
        method: "POST",
        path: "/api/orgs",
        body: { name: "apiorg-{{sfx}}" },
        expect: { status: 200, body: { message: "Organization created", orgId: num } },
        save: { org: "orgId" },
    },
    {
        // Optional step 2: the creator is already an Admin of the org.
        method: "POST",
        path: "/api/orgs/{{org}}/users",
        body: { loginOrEmail: "{{adminLogin}}", role: "Admin" },
        expect: { status: 409, body: { message: "User is already member of this organization" } },
    },
    { method: "POST", path: "/api/user/using/{{org}}", expect: { status: 200, body: { message: "Active organization changed" } } },
];

const dashboardWith = (cred: string): Step[] => [
    {
        method: "POST",
        path: "/api/dashboards/db",
        auth: { bearer: cred },
        body: BODY,
        expect: {
            status: 200,
            body: { id: num, slug: "production-overview", status: "success", uid: str, url: re(/^\/d\/.+\/production-overview$/), version: 1 },
        },
        save: { uid: "uid" },
    },
    { method: "GET", path: "/api/org", auth: { bearer: cred }, expect: { status: 200, body: { id: "{{org}}", name: "apiorg-{{sfx}}" } } },
    {
        method: "GET",
        path: "/api/dashboards/uid/{{uid}}",
        org: "{{org}}",
        expect: { status: 200, body: { dashboard: { title: "Production Overview", schemaVersion: num } } },
    },
    { method: "POST", path: "/api/user/using/{{home}}", expect: { status: 200, body: { message: "Active organization changed" } } },
];

const cleanup: Request[] = [{ method: "POST", path: "/api/user/using/{{home}}" }, deleteOrg()];

export const tutorialCases: Case[] = [
    {
        name: "tutorial: org, admin, switch org, API key, dashboard with the key",
        versions: ["10.0"],
        versionNote: "from 11.3 the tutorial uses a service account and token (next case)",
        source: DOCS.tutorialKeys,
        steps: [
            ...before,
            {
                method: "POST",
                path: "/api/auth/keys",
                body: { name: "apikeycurl-{{sfx}}", role: "Admin" },
                expect: { status: 200, body: { name: "apikeycurl-{{sfx}}", key: re(/^eyJ/) } },
                save: { key: "key" },
            },
            ...dashboardWith("{{key}}"),
        ],
        cleanup,
    },
    {
        name: "tutorial: org, admin, switch org, service account, token, dashboard with the token",
        versions: ALL,
        source: DOCS.tutorialSa,
        steps: [
            ...before,
            {
                method: "POST",
                path: "/api/serviceaccounts",
                body: { name: "test-{{sfx}}", role: "Admin" },
                expect: { status: 201, body: { id: num, name: "test-{{sfx}}", orgId: "{{org}}", role: "Admin" } },
                save: { sa: "id" },
            },
            {
                method: "POST",
                path: "/api/serviceaccounts/{{sa}}/tokens",
                body: { name: "test-token" },
                expect: { status: 200, body: { id: num, name: "test-token", key: re(/^glsa_/) } },
                save: { token: "key" },
            },
            ...dashboardWith("{{token}}"),
        ],
        cleanup,
    },
];
