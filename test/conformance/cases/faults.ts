// Emulator-only: answers a real server gives under load or behind a proxy, forced with POST /__emulator/faults.
import { ALL, Case, Step, num, re, str } from "../types";
import { NOTES, deleteOrg, newOrg, observed } from "./common";

const PG = "On PostgreSQL (HA: two servers, one database) vs SQLite";
const create: Step = {
    method: "POST",
    path: "/api/dashboards/db",
    org: "{{org}}",
    body: { dashboard: { uid: "cf-d-{{sfx}}", title: "Faulted {{sfx}}" }, overwrite: false },
    expect: { status: 200, body: { version: 1 } },
};
const save = (title: string): Step => ({
    method: "POST",
    path: "/api/dashboards/db",
    org: "{{org}}",
    body: { dashboard: { uid: "cf-d-{{sfx}}", title, version: 1 }, overwrite: false },
    expect: { status: 200 },
});
const LOCKED_412 = { message: "The dashboard has been changed by someone else", status: "version-mismatch" };

export const faultCases: Case[] = [
    {
        name: "fault: 412 version-mismatch although the save was applied (SQLite lock re-run)",
        versions: ALL,
        needs: ["fault"],
        source: `${observed(PG)}; ${NOTES} (Checked later on the real 10.0 server: 412 although the first run applied it)`,
        steps: [
            newOrg(),
            create,
            {
                ...save("Applied {{sfx}}"),
                fault: { method: "POST", path: "/api/dashboards/db", faults: [{ status: 412, body: LOCKED_412, applyThenStatus: true }] },
                expect: { status: 412, body: LOCKED_412 },
            },
            {
                method: "GET",
                path: "/api/dashboards/uid/cf-d-{{sfx}}",
                org: "{{org}}",
                expect: { status: 200, body: { dashboard: { title: "Applied {{sfx}}", version: 2 } } },
            },
        ],
        cleanup: [deleteOrg()],
    },
    {
        name: "fault: 412 version-mismatch, not applied (SQLite lock)",
        versions: ALL,
        needs: ["fault"],
        source: observed(PG),
        steps: [
            newOrg(),
            create,
            {
                ...save("Refused {{sfx}}"),
                fault: { method: "POST", path: "/api/dashboards/db", faults: [{ status: 412, body: LOCKED_412 }] },
                expect: { status: 412, body: LOCKED_412 },
            },
            {
                method: "GET",
                path: "/api/dashboards/uid/cf-d-{{sfx}}",
                org: "{{org}}",
                expect: { status: 200, body: { dashboard: { title: "Faulted {{sfx}}", version: 1 } } },
            },
            { ...save("Again {{sfx}}"), expect: { status: 200, body: { version: 2 } } },
        ],
        cleanup: [deleteOrg()],
    },
    {
        name: "fault: 500 database is locked, then the same request succeeds",
        versions: ALL,
        needs: ["fault"],
        source: `${NOTES} §9 (SQLite "database is locked" -> 500 on concurrent writes)`,
        steps: [
            {
                method: "POST",
                path: "/api/orgs",
                body: { name: "cf-org-{{sfx}}" },
                fault: { method: "POST", path: "/api/orgs", faults: [{ status: 500, body: { message: "database is locked" } }] },
                expect: { status: 500, body: { message: "database is locked" } },
            },
            newOrg(),
        ],
        cleanup: [deleteOrg()],
    },
    {
        name: "fault: an HTML page instead of JSON (a proxy's error page)",
        versions: ALL,
        needs: ["fault"],
        source: "emulator hook; provider/client.ts recognises HTML answers",
        steps: [
            {
                method: "GET",
                path: "/api/orgs/name/cf-html-{{sfx}}",
                fault: {
                    method: "GET",
                    path: "^/api/orgs/name/cf-html-",
                    faults: [{ status: 502, html: "<html><body><h1>502 Bad Gateway</h1></body></html>" }],
                },
                expect: { status: 502, contentType: /text\/html/, body: re(/<html>/) },
            },
            { method: "GET", path: "/api/orgs/name/cf-html-{{sfx}}", expect: { status: 404, body: { message: str } } },
            { method: "GET", path: "/api/health", auth: "none", expect: { status: 200, body: { database: "ok", version: str, commit: str } } },
        ],
    },
    {
        name: "fault: a 500 on a create when someone else made it a moment ago (PostgreSQL race)",
        versions: ALL,
        needs: ["fault"],
        source: observed(PG),
        steps: [
            {
                method: "POST",
                path: "/api/orgs",
                body: { name: "cf-org-{{sfx}}" },
                fault: {
                    method: "POST",
                    path: "/api/orgs",
                    faults: [{ status: 500, body: { message: "Failed to create organization" }, applyThenStatus: true }],
                },
                expect: { status: 500, body: { message: "Failed to create organization" } },
            },
            { method: "GET", path: "/api/orgs/name/cf-org-{{sfx}}", expect: { status: 200, body: { id: num } }, save: { org: "id" } },
            {
                method: "POST",
                path: "/api/orgs",
                body: { name: "cf-org-{{sfx}}" },
                expect: { status: 409, body: { message: "Organization name taken" } },
            },
        ],
        cleanup: [deleteOrg()],
    },
];
