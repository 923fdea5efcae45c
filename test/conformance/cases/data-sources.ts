// Data sources: POST /api/datasources, GET/PUT/DELETE /api/datasources/uid/:uid.
import { ALL, Case, Step, absent, num, str } from "../types";
import { DOCS, deleteOrg, newOrg, observed } from "./common";

const S = "Folders, data sources, service accounts (Grafana 10.0.0-preview, observed with curl, 2026-11-23)";
const create = (extra: Record<string, string> = {}): Step => ({
    method: "POST",
    path: "/api/datasources",
    org: "{{org}}",
    body: {
        name: "cf-ds-{{sfx}}",
        uid: "cf-ds-{{sfx}}",
        type: "prometheus",
        access: "proxy",
        url: "http://127.0.0.1:1",
        jsonData: { httpMethod: "POST" },
        secureJsonData: { httpHeaderValue1: "secret" },
        ...extra,
    },
    expect: {
        status: 200,
        body: {
            id: num,
            message: "Datasource added",
            name: "cf-ds-{{sfx}}",
            datasource: {
                uid: "cf-ds-{{sfx}}",
                name: "cf-ds-{{sfx}}",
                type: "prometheus",
                url: "http://127.0.0.1:1",
                secureJsonFields: { httpHeaderValue1: true },
                version: 1,
            },
        },
    },
    save: { dsId: "id" },
});

export const dataSourceCases: Case[] = [
    {
        name: "data sources: create, taken name/uid 409, get, delete, missing 404",
        versions: ALL,
        source: `${observed(S)}; ${DOCS.datasource}`,
        steps: [
            newOrg(),
            create(),
            {
                method: "POST",
                path: "/api/datasources",
                org: "{{org}}",
                body: { name: "cf-ds-{{sfx}}", uid: "cf-ds2-{{sfx}}", type: "testdata", access: "proxy" },
                expect: { status: 409, body: { message: "data source with the same name already exists" } },
            },
            {
                method: "POST",
                path: "/api/datasources",
                org: "{{org}}",
                body: { name: "cf-ds2-{{sfx}}", uid: "cf-ds-{{sfx}}", type: "testdata", access: "proxy" },
                expect: { status: 409, body: { message: "data source with the same uid already exists" } },
            },
            {
                method: "GET",
                path: "/api/datasources/uid/cf-ds-{{sfx}}",
                org: "{{org}}",
                expect: {
                    status: 200,
                    body: {
                        id: "{{dsId}}",
                        uid: "cf-ds-{{sfx}}",
                        name: "cf-ds-{{sfx}}",
                        secureJsonFields: { httpHeaderValue1: true },
                        jsonData: { httpMethod: "POST" },
                    },
                },
            },
            {
                method: "DELETE",
                path: "/api/datasources/uid/cf-ds-{{sfx}}",
                org: "{{org}}",
                expect: { status: 200, body: { id: "{{dsId}}", message: "Data source deleted" } },
            },
            {
                method: "GET",
                path: "/api/datasources/uid/cf-ds-{{sfx}}",
                org: "{{org}}",
                expect: { status: 404, body: { message: "Data source not found" } },
            },
            {
                method: "DELETE",
                path: "/api/datasources/uid/cf-ds-{{sfx}}",
                org: "{{org}}",
                expect: { status: 404, body: { message: "Data source not found" } },
            },
        ],
        cleanup: [deleteOrg()],
    },
    {
        name: "data sources: 10.0 validation (access required, bad url 400; odd type/access/uid accepted)",
        versions: ["10.0"],
        source: observed(S),
        steps: [
            newOrg(),
            {
                method: "POST",
                path: "/api/datasources",
                org: "{{org}}",
                body: { name: "cf-noaccess-{{sfx}}", type: "testdata" },
                expect: { status: 400, body: { message: "bad request data" } },
            },
            {
                method: "POST",
                path: "/api/datasources",
                org: "{{org}}",
                body: { name: "cf-badurl-{{sfx}}", type: "prometheus", access: "proxy", url: "not a url" },
                expect: { status: 400, body: { message: "Validation error, invalid URL" } },
            },
            {
                method: "POST",
                path: "/api/datasources",
                org: "{{org}}",
                body: { name: "cf-odd-{{sfx}}", uid: "bad uid!", type: "cf-no-such-plugin", access: "weird" },
                expect: {
                    status: 200,
                    body: { message: "Datasource added", datasource: { uid: "bad uid!", type: "cf-no-such-plugin", access: "weird" } },
                },
            },
        ],
        cleanup: [deleteOrg()],
    },
    {
        name: "data sources: PUT replaces fields, renames the uid, checks version and url",
        versions: ["10.0"],
        source: observed(S),
        steps: [
            newOrg(),
            create(),
            {
                method: "PUT",
                path: "/api/datasources/uid/cf-ds-{{sfx}}",
                org: "{{org}}",
                body: { name: "cf-ds-{{sfx}}", type: "prometheus", access: "proxy" },
                expect: { status: 400, body: { message: "Validation error, invalid URL" } },
            },
            {
                method: "PUT",
                path: "/api/datasources/uid/cf-missing-{{sfx}}",
                org: "{{org}}",
                body: { name: "cf-x-{{sfx}}", type: "prometheus", access: "proxy" },
                expect: { status: 400, body: { message: "Validation error, invalid URL" } },
            },
            {
                method: "PUT",
                path: "/api/datasources/uid/cf-ds-{{sfx}}",
                org: "{{org}}",
                body: {
                    name: "cf-ds-{{sfx}}",
                    type: "prometheus",
                    access: "proxy",
                    url: "http://127.0.0.1:2",
                    version: 1,
                    secureJsonData: { httpHeaderValue1: "" },
                },
                expect: {
                    status: 200,
                    body: { datasource: { url: "http://127.0.0.1:2", version: 2, secureJsonFields: { httpHeaderValue1: absent } } },
                },
            },
            {
                method: "PUT",
                path: "/api/datasources/uid/cf-ds-{{sfx}}",
                org: "{{org}}",
                body: { name: "cf-ds-{{sfx}}", type: "prometheus", access: "proxy", url: "http://127.0.0.1:3", version: 1 },
                expect: { status: 409, body: { message: "Datasource has already been updated by someone else. Please reload and try again" } },
            },
            {
                method: "PUT",
                path: "/api/datasources/uid/cf-ds-{{sfx}}",
                org: "{{org}}",
                body: { name: "cf-ds-{{sfx}}", uid: "cf-renamed-{{sfx}}", type: "prometheus", access: "proxy", url: "http://127.0.0.1:4" },
                expect: { status: 200, body: { datasource: { uid: "cf-renamed-{{sfx}}", version: 1 } } },
            },
            {
                method: "GET",
                path: "/api/datasources/uid/cf-renamed-{{sfx}}",
                org: "{{org}}",
                expect: { status: 200, body: { name: "cf-ds-{{sfx}}" } },
            },
            { method: "GET", path: "/api/datasources/uid/cf-ds-{{sfx}}", org: "{{org}}", expect: { status: 404 } },
        ],
        cleanup: [deleteOrg()],
    },
    {
        name: "data sources: PUT of a testdata source without url",
        versions: ALL,
        source: `${observed(S)}; ${DOCS.datasource}`,
        steps: [
            newOrg(),
            {
                method: "POST",
                path: "/api/datasources",
                org: "{{org}}",
                body: { name: "cf-td-{{sfx}}", uid: "cf-td-{{sfx}}", type: "testdata", access: "proxy" },
                expect: { status: 200, body: { datasource: { uid: "cf-td-{{sfx}}" } } },
            },
            {
                method: "PUT",
                path: "/api/datasources/uid/cf-td-{{sfx}}",
                org: "{{org}}",
                body: { name: "cf-td2-{{sfx}}", type: "testdata", access: "proxy", jsonData: { a: "b" } },
                expect: { status: 200, body: { message: str, datasource: { name: "cf-td2-{{sfx}}", jsonData: { a: "b" } } } },
            },
        ],
        cleanup: [deleteOrg()],
    },
];
