// Building blocks shared by the cases: each case makes its own org, user, keys, with the case's random suffix {{sfx}}.
import { Request, Step, num } from "../types";

export const OBS = "observed on a real Grafana 10.0.0-preview, 2026-11-23 (test/support/grafana-observed.md";
/** Source text for a transcript heading. */
export const observed = (section: string): string => `${OBS} § ${section})`;
export const OBS_SESSION2 =
    "observed on the real 10.0 server, session 2, 2026-11-23 (test/support/grafana-observed.md § Checked on the real 10.0 server)";
export const NOTES = "/work/shared/reference/grafana-api-notes.md";
export const DOCS = {
    org: "Grafana docs, Organization HTTP API (https://grafana.com/docs/grafana/latest/developers/http_api/org/)",
    user: "Grafana docs, User HTTP API (https://grafana.com/docs/grafana/latest/developers/http_api/user/)",
    admin: "Grafana docs, Admin HTTP API (https://grafana.com/docs/grafana/latest/developers/http_api/admin/)",
    auth: "Grafana docs, Authentication HTTP API / API keys (https://grafana.com/docs/grafana/v10.0/developers/http_api/auth/)",
    sa: "Grafana docs, Service account HTTP API (https://grafana.com/docs/grafana/latest/developers/http_api/serviceaccount/)",
    dashboard: "Grafana docs, Dashboard HTTP API (https://grafana.com/docs/grafana/latest/developers/http_api/dashboard/)",
    folder: "Grafana docs, Folder HTTP API (https://grafana.com/docs/grafana/latest/developers/http_api/folder/)",
    datasource: "Grafana docs, Data source HTTP API (https://grafana.com/docs/grafana/latest/developers/http_api/data_source/)",
    health: "Grafana docs, Other HTTP API / Health API (https://grafana.com/docs/grafana/latest/developers/http_api/other/)",
    tutorialKeys:
        "Grafana docs, API Tutorial: Create API tokens and dashboards for an organization (10.0; /work/shared/reference/grafana-api-org-token-tutorial.md)",
    tutorialSa:
        "Grafana docs, API Tutorial: Create Service Account tokens and dashboards for an organization (https://grafana.com/docs/grafana/latest/developers/http_api/examples/create-api-tokens-for-org/)",
};

/** POST /api/orgs named cf-<tag>-{{sfx}}; saves the id as `v`. */
export function newOrg(v = "org", tag = v): Step {
    return {
        method: "POST",
        path: "/api/orgs",
        body: { name: `cf-${tag}-{{sfx}}` },
        expect: { status: 200, body: { message: "Organization created", orgId: num } },
        save: { [v]: "orgId" },
    };
}

export function deleteOrg(v = "org"): Request {
    return { method: "DELETE", path: `/api/orgs/{{${v}}}` };
}

/** POST /api/admin/users: a plain user cf-<v>-{{sfx}} with password "cf-pass-{{sfx}}"; saves its id as `v`. */
export function newUser(v = "user"): Step {
    return {
        method: "POST",
        path: "/api/admin/users",
        body: { name: `CF ${v}`, login: `cf-${v}-{{sfx}}`, email: `cf-${v}-{{sfx}}@example.com`, password: "cf-pass-{{sfx}}" },
        expect: { status: 200, body: { id: num, message: "User created" } },
        save: { [v]: "id" },
    };
}

export function deleteUser(v = "user"): Request {
    return { method: "DELETE", path: `/api/admin/users/{{${v}}}` };
}
