// The app-platform routes of 12.x/13.x (/apis/dashboard.grafana.app, /apis/folder.grafana.app), sharing a store with
// the legacy /api routes. One set of cases per profile: 12.x serves v1beta1/v2beta1, 13.x v1/v2.
import { ALL, Case, Json, Profile, Shape, Step, absent, each, has, num, object, str } from "../types";
import { DOCS, NOTES, deleteOrg, newOrg } from "./common";

const SRC = {
    structure: "Grafana docs, New API Structure (https://grafana.com/docs/grafana/v12.4/developer-resources/api-reference/http-api/apis/)",
    dash12: "Grafana docs 12.4, Dashboard APIs (/apis/dashboard.grafana.app/v1beta1)",
    dash13: "Grafana docs 13.0, Dashboard APIs (/apis/dashboard.grafana.app/v1)",
    folder: "Grafana docs 12.4/13.2, Folder APIs (/apis/folder.grafana.app)",
    k8s: "Kubernetes API concepts (Status bodies, 409 AlreadyExists/Conflict, limit/continue)",
};
const NS = "org-{{org}}";

/** A Kubernetes Status body: kind, reason, code and a message of any text. */
function statusShape(code: number, reason: string): Shape {
    return { kind: "Status", apiVersion: "v1", status: "Failure", reason, code, message: str };
}

function casesFor(profile: Profile, d1: string, d2: string, f: string): Case[] {
    const dash = `/apis/dashboard.grafana.app/${d1}/namespaces/${NS}/dashboards`;
    const dashV2 = `/apis/dashboard.grafana.app/${d2}/namespaces/${NS}/dashboards`;
    const folders = `/apis/folder.grafana.app/${f}/namespaces/${NS}/folders`;
    const src = `${SRC.structure}; ${profile === "13.x" ? SRC.dash13 : SRC.dash12}; ${SRC.k8s}`;
    const mkDash = (name: string, title: string, folder?: string): Step => ({
        method: "POST",
        path: dash,
        org: "{{org}}",
        body: {
            metadata: { name, ...(folder ? { annotations: { "grafana.app/folder": folder } } : {}) },
            spec: { title, panels: [], schemaVersion: 41 },
        },
        expect: {
            status: 201,
            body: {
                kind: "Dashboard",
                apiVersion: `dashboard.grafana.app/${d1}`,
                metadata: { name, namespace: NS, resourceVersion: str, uid: str, creationTimestamp: str },
                spec: { title },
            },
        },
        save: { [`rv_${name.replace(/\W/g, "")}`]: "metadata.resourceVersion" },
    });
    const v2Spec = (title: string): Json => ({
        title,
        elements: {
            "panel-1": {
                kind: "Panel",
                spec: {
                    id: 1,
                    title: "CPU",
                    description: "",
                    links: [],
                    data: { kind: "QueryGroup", spec: { queries: [], transformations: [], queryOptions: {} } },
                    vizConfig: {
                        kind: "VizConfig",
                        group: "timeseries",
                        version: "",
                        spec: { options: {}, fieldConfig: { defaults: {}, overrides: [] } },
                    },
                },
            },
        },
        layout: {
            kind: "GridLayout",
            spec: {
                items: [
                    { kind: "GridLayoutItem", spec: { x: 0, y: 0, width: 12, height: 8, element: { kind: "ElementReference", name: "panel-1" } } },
                ],
            },
        },
    });
    return [
        {
            name: `apis ${profile}: dashboard create 201, get, legacy read of the same store, update, 409 on a stale resourceVersion, 409 on a taken name, delete`,
            versions: [profile],
            source: `${src}; ${NOTES} §10`,
            steps: [
                newOrg(),
                mkDash("cf-a-{{sfx}}", "CF A {{sfx}}"),
                {
                    method: "GET",
                    path: `${dash}/cf-a-{{sfx}}`,
                    org: "{{org}}",
                    expect: {
                        status: 200,
                        body: {
                            kind: "Dashboard",
                            metadata: { name: "cf-a-{{sfx}}", resourceVersion: "{{rv_cfasfx}}", generation: 1 },
                            spec: { title: "CF A {{sfx}}", id: absent },
                        },
                    },
                },
                {
                    method: "GET",
                    path: "/api/dashboards/uid/cf-a-{{sfx}}",
                    org: "{{org}}",
                    expect: { status: 200, body: { dashboard: { uid: "cf-a-{{sfx}}", title: "CF A {{sfx}}", version: 1 }, meta: { version: 1 } } },
                },
                {
                    method: "PUT",
                    path: `${dash}/cf-a-{{sfx}}`,
                    org: "{{org}}",
                    body: { metadata: { name: "cf-a-{{sfx}}", resourceVersion: "{{rv_cfasfx}}" }, spec: { title: "CF A2 {{sfx}}", panels: [] } },
                    expect: { status: 200, body: { metadata: { name: "cf-a-{{sfx}}", generation: 2 }, spec: { title: "CF A2 {{sfx}}" } } },
                },
                {
                    method: "PUT",
                    path: `${dash}/cf-a-{{sfx}}`,
                    org: "{{org}}",
                    body: { metadata: { name: "cf-a-{{sfx}}", resourceVersion: "{{rv_cfasfx}}" }, spec: { title: "CF A3 {{sfx}}", panels: [] } },
                    expect: { status: 409, body: statusShape(409, "Conflict") },
                },
                {
                    method: "POST",
                    path: dash,
                    org: "{{org}}",
                    body: { metadata: { name: "cf-a-{{sfx}}" }, spec: { title: "again" } },
                    expect: { status: 409, body: statusShape(409, "AlreadyExists") },
                },
                {
                    method: "POST",
                    path: dash,
                    org: "{{org}}",
                    body: { metadata: { name: "bad name!" }, spec: { title: "bad" } },
                    expect: { status: 400, body: statusShape(400, "BadRequest") },
                },
                // Grafana's names may start with any allowed character (legacy uids stay valid)
                { ...mkDash("-cf-dash-{{sfx}}", "Dash {{sfx}}"), save: {} },
                {
                    method: "GET",
                    path: "/api/dashboards/uid/cf-a-{{sfx}}",
                    org: "{{org}}",
                    expect: { status: 200, body: { dashboard: { title: "CF A2 {{sfx}}", version: 2 } } },
                },
                {
                    method: "DELETE",
                    path: `${dash}/cf-a-{{sfx}}`,
                    org: "{{org}}",
                    expect: { status: 200, body: { kind: "Status", status: "Success" } },
                },
                { method: "GET", path: `${dash}/cf-a-{{sfx}}`, org: "{{org}}", expect: { status: 404, body: statusShape(404, "NotFound") } },
                { method: "GET", path: "/api/dashboards/uid/cf-a-{{sfx}}", org: "{{org}}", expect: { status: 404 } },
            ],
            cleanup: [deleteOrg()],
        },
        {
            name: `apis ${profile}: a legacy save is read through /apis (the same store), generation follows the version`,
            versions: [profile],
            source: `${src}; ${DOCS.dashboard}`,
            steps: [
                newOrg(),
                {
                    method: "POST",
                    path: "/api/dashboards/db",
                    org: "{{org}}",
                    body: { dashboard: { uid: "cf-l-{{sfx}}", title: "CF L {{sfx}}" }, overwrite: false },
                    expect: { status: 200, body: { uid: "cf-l-{{sfx}}", version: 1 } },
                },
                {
                    method: "GET",
                    path: `${dash}/cf-l-{{sfx}}`,
                    org: "{{org}}",
                    expect: { status: 200, body: { metadata: { name: "cf-l-{{sfx}}", generation: 1 }, spec: { title: "CF L {{sfx}}" } } },
                },
            ],
            cleanup: [deleteOrg()],
        },
        {
            name: `apis ${profile}: list pages by limit and continue`,
            versions: [profile],
            source: src,
            steps: [
                newOrg(),
                mkDash("cf-p1-{{sfx}}", "P1"),
                mkDash("cf-p2-{{sfx}}", "P2"),
                mkDash("cf-p3-{{sfx}}", "P3"),
                {
                    method: "GET",
                    path: `${dash}?limit=2`,
                    org: "{{org}}",
                    expect: {
                        status: 200,
                        body: { kind: "DashboardList", metadata: { continue: str }, items: each({ kind: "Dashboard" }, { length: 2 }) },
                    },
                    save: { cont: "metadata.continue" },
                },
                {
                    method: "GET",
                    path: `${dash}?limit=2&continue={{cont}}`,
                    org: "{{org}}",
                    expect: { status: 200, body: { metadata: { continue: absent }, items: each({ kind: "Dashboard" }, { length: 1 }) } },
                },
                { method: "GET", path: dash, org: "{{org}}", expect: { status: 200, body: { items: each({ kind: "Dashboard" }, { length: 3 }) } } },
            ],
            cleanup: [deleteOrg()],
        },
        {
            name: `apis ${profile}: a schema v2 dashboard: create 201, legacy GET 406, v1 read names the stored version`,
            versions: [profile],
            source: `${src}; ${NOTES} §10 (406 from 12.1, esnet/gdg#467); grafana/mcp-grafana#937 (status.conversion.storedVersion); foundation SDK dashboardv2beta1 types`,
            steps: [
                newOrg(),
                {
                    method: "POST",
                    path: dashV2,
                    org: "{{org}}",
                    body: { metadata: { name: "cf-v2-{{sfx}}" }, spec: v2Spec("CF V2 {{sfx}}") },
                    expect: {
                        status: 201,
                        body: {
                            kind: "Dashboard",
                            apiVersion: `dashboard.grafana.app/${d2}`,
                            metadata: { name: "cf-v2-{{sfx}}" },
                            spec: { title: "CF V2 {{sfx}}", elements: object, layout: { kind: "GridLayout" } },
                        },
                    },
                },
                {
                    method: "GET",
                    path: `${dashV2}/cf-v2-{{sfx}}`,
                    org: "{{org}}",
                    expect: { status: 200, body: { spec: { elements: { "panel-1": { kind: "Panel" } } } } },
                },
                { method: "GET", path: "/api/dashboards/uid/cf-v2-{{sfx}}", org: "{{org}}", expect: { status: 406, body: { message: str } } },
                {
                    method: "GET",
                    path: `${dash}/cf-v2-{{sfx}}`,
                    org: "{{org}}",
                    expect: { status: 200, body: { status: { conversion: { storedVersion: `dashboard.grafana.app/${d2}` } } } },
                },
                {
                    method: "POST",
                    path: dashV2,
                    org: "{{org}}",
                    body: { metadata: { name: "cf-bad-{{sfx}}" }, spec: { title: "no layout" } },
                    expect: { status: 400, body: statusShape(400, "BadRequest") },
                },
                {
                    method: "GET",
                    path: "/api/search?query=CF%20V2",
                    org: "{{org}}",
                    expect: { status: 200, body: has({ uid: "cf-v2-{{sfx}}", type: "dash-db" }) },
                },
            ],
            cleanup: [deleteOrg()],
        },
        {
            name: `apis ${profile}: folders: create 201, legacy read, a dashboard in it by annotation, stale 409, delete takes the dashboard`,
            versions: [profile],
            source: `${SRC.structure}; ${SRC.folder}; ${SRC.k8s}`,
            steps: [
                newOrg(),
                {
                    method: "POST",
                    path: folders,
                    org: "{{org}}",
                    body: { metadata: { name: "cf-f-{{sfx}}" }, spec: { title: "CF F {{sfx}}" } },
                    expect: {
                        status: 201,
                        body: {
                            kind: "Folder",
                            apiVersion: `folder.grafana.app/${f}`,
                            metadata: { name: "cf-f-{{sfx}}", resourceVersion: str },
                            spec: { title: "CF F {{sfx}}" },
                        },
                    },
                    save: { frv: "metadata.resourceVersion" },
                },
                {
                    method: "GET",
                    path: "/api/folders/cf-f-{{sfx}}",
                    org: "{{org}}",
                    expect: { status: 200, body: { uid: "cf-f-{{sfx}}", title: "CF F {{sfx}}" } },
                },
                mkDash("cf-in-{{sfx}}", "In {{sfx}}", "cf-f-{{sfx}}"),
                {
                    method: "GET",
                    path: "/api/dashboards/uid/cf-in-{{sfx}}",
                    org: "{{org}}",
                    expect: { status: 200, body: { meta: { folderUid: "cf-f-{{sfx}}" } } },
                },
                {
                    method: "POST",
                    path: folders,
                    org: "{{org}}",
                    body: { metadata: { name: "cf-f-{{sfx}}" }, spec: { title: "again" } },
                    expect: { status: 409, body: statusShape(409, "AlreadyExists") },
                },
                {
                    method: "PUT",
                    path: `${folders}/cf-f-{{sfx}}`,
                    org: "{{org}}",
                    body: { metadata: { name: "cf-f-{{sfx}}", resourceVersion: "{{frv}}" }, spec: { title: "CF F2 {{sfx}}" } },
                    expect: { status: 200, body: { spec: { title: "CF F2 {{sfx}}" }, metadata: { generation: 2 } } },
                },
                {
                    method: "PUT",
                    path: `${folders}/cf-f-{{sfx}}`,
                    org: "{{org}}",
                    body: { metadata: { name: "cf-f-{{sfx}}", resourceVersion: "{{frv}}" }, spec: { title: "CF F3 {{sfx}}" } },
                    expect: { status: 409, body: statusShape(409, "Conflict") },
                },
                {
                    method: "DELETE",
                    path: `${folders}/cf-f-{{sfx}}`,
                    org: "{{org}}",
                    expect: { status: 200, body: { kind: "Status", status: "Success" } },
                },
                { method: "GET", path: `${folders}/cf-f-{{sfx}}`, org: "{{org}}", expect: { status: 404, body: statusShape(404, "NotFound") } },
                { method: "GET", path: "/api/dashboards/uid/cf-in-{{sfx}}", org: "{{org}}", expect: { status: 404 } },
            ],
            cleanup: [deleteOrg()],
        },
        {
            name: `apis ${profile}: API discovery of each served group version`,
            versions: [profile],
            source: `${SRC.k8s} (GET /apis/<group>/<version>: APIResourceList); grafana/mcp-grafana#937 (probes dashboard.grafana.app v1beta1)`,
            steps: [
                {
                    method: "GET",
                    path: `/apis/dashboard.grafana.app/${d1}`,
                    expect: {
                        status: 200,
                        body: {
                            kind: "APIResourceList",
                            groupVersion: `dashboard.grafana.app/${d1}`,
                            resources: has({ name: "dashboards", namespaced: true }),
                        },
                    },
                },
                {
                    method: "GET",
                    path: `/apis/dashboard.grafana.app/${d2}`,
                    expect: { status: 200, body: { groupVersion: `dashboard.grafana.app/${d2}` } },
                },
                { method: "GET", path: `/apis/folder.grafana.app/${f}`, expect: { status: 200, body: { resources: has({ name: "folders" }) } } },
            ],
        },
        {
            name: `apis ${profile}: another org's namespace is 403, an unknown /apis path is a 404 Status`,
            versions: [profile],
            source: `${SRC.structure} (namespaces per org); ${SRC.k8s}`,
            steps: [
                newOrg(),
                {
                    method: "GET",
                    path: `/apis/dashboard.grafana.app/${d1}/namespaces/default/dashboards`,
                    org: "{{org}}",
                    expect: { status: 403, body: statusShape(403, "Forbidden") },
                },
                {
                    method: "GET",
                    path: `/apis/dashboard.grafana.app/v0nope/namespaces/${NS}/dashboards`,
                    org: "{{org}}",
                    expect: { status: 404, body: statusShape(404, "NotFound") },
                },
            ],
            cleanup: [deleteOrg()],
        },
    ];
}

export const apisCases: Case[] = [
    ...casesFor("12.x", "v1beta1", "v2beta1", "v1beta1"),
    ...casesFor("13.x", "v1", "v2", "v1"),
    {
        name: "apis 13.x: the legacy save refuses a v2 body (400), v1 refuses a v2-looking spec",
        versions: ["13.x"],
        source: `${NOTES} §10 (grafana-operator#2582); grafana/grafana#118665 (Reject saving dashboards that look like V2 in v0 or v1 apis)`,
        steps: [
            newOrg(),
            {
                method: "POST",
                path: "/api/dashboards/db",
                org: "{{org}}",
                body: { dashboard: { title: "CF v2 {{sfx}}", elements: {}, layout: { kind: "GridLayout", spec: { items: [] } } }, overwrite: false },
                expect: { status: 400, body: { message: str } },
            },
            {
                method: "POST",
                path: `/apis/dashboard.grafana.app/v1/namespaces/${NS}/dashboards`,
                org: "{{org}}",
                body: {
                    metadata: { name: "cf-x-{{sfx}}" },
                    spec: { title: "CF v2 {{sfx}}", elements: {}, layout: { kind: "GridLayout", spec: { items: [] } } },
                },
                expect: { status: 400, body: statusShape(400, "BadRequest") },
            },
        ],
        cleanup: [deleteOrg()],
    },
    {
        name: "frontend settings: buildInfo.version (where clients learn the version when /api/health hides it)",
        versions: ALL,
        source: `${NOTES} §8 (GET /api/frontend/settings buildInfo.version, signed in)`,
        steps: [{ method: "GET", path: "/api/frontend/settings", expect: { status: 200, body: { buildInfo: { version: str } } } }],
    },
    {
        name: "apis: the 10.0-11.6 profiles have no /apis routes",
        versions: ["10.0", "11.6"],
        source: `${SRC.dash12} ("Available in Grafana 12 and later")`,
        steps: [
            newOrg(),
            { method: "GET", path: `/apis/dashboard.grafana.app/v1beta1/namespaces/${NS}/dashboards`, org: "{{org}}", expect: { status: 404 } },
        ],
        cleanup: [deleteOrg()],
    },
    {
        name: "data sources by numeric id: served before 13.0 (GET 200)",
        versions: ["10.0", "11.6", "12.x"],
        source: `${DOCS.datasource} (GET /api/datasources/:id, deprecated)`,
        steps: [
            newOrg(),
            {
                method: "POST",
                path: "/api/datasources",
                org: "{{org}}",
                body: { name: "cf-ds-{{sfx}}", type: "prometheus", access: "proxy", url: "http://prom:9090" },
                expect: { status: 200, body: { id: num } },
                save: { dsId: "id" },
            },
            { method: "GET", path: "/api/datasources/{{dsId}}", org: "{{org}}", expect: { status: 200, body: { id: num, name: "cf-ds-{{sfx}}" } } },
        ],
        cleanup: [deleteOrg()],
    },
    {
        name: "data sources by numeric id: disabled by default from 13.0 (404), by uid still served",
        versions: ["13.x"],
        source: "Grafana what's new 2026-04-14, Deprecated data source APIs disabled by default (toggle datasourceLegacyIdApi)",
        steps: [
            newOrg(),
            {
                method: "POST",
                path: "/api/datasources",
                org: "{{org}}",
                body: { name: "cf-ds-{{sfx}}", uid: "cf-ds-{{sfx}}", type: "prometheus", access: "proxy", url: "http://prom:9090" },
                expect: { status: 200, body: { id: num } },
                save: { dsId: "id" },
            },
            { method: "GET", path: "/api/datasources/{{dsId}}", org: "{{org}}", expect: { status: 404 } },
            { method: "GET", path: "/api/datasources/uid/cf-ds-{{sfx}}", org: "{{org}}", expect: { status: 200, body: { name: "cf-ds-{{sfx}}" } } },
        ],
        cleanup: [deleteOrg()],
    },
];
