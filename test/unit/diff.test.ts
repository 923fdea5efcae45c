import { deepEqual, diffFields } from "../../provider/diff";
import { dashboardProvider } from "../../provider/dashboard";
import { organizationProvider } from "../../provider/organization";
import { orgMembershipProvider } from "../../provider/org-membership";
import { apiKeyProvider } from "../../provider/api-key";
import { canonicalJson, dashboardHash } from "../../provider/dashboard-json";
import { UNKNOWN } from "../../provider/validate";

// Providers' diff is pure: no connection is configured here, so any HTTP call would throw.
beforeAll(() => {
    delete process.env.GRAFANA_URL;
    delete process.env.GRAFANA_AUTH;
});

describe("diffFields", () => {
    it("always sets changes, and lists replace fields", () => {
        expect(diffFields({ a: 1 }, { a: 1 }, [{ name: "a", replace: true }])).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
        expect(diffFields({ a: 1 }, { a: 2 }, [{ name: "a", replace: true }])).toEqual({ changes: true, replaces: ["a"], deleteBeforeReplace: false });
        expect(diffFields({ a: 1 }, { a: 2 }, [{ name: "a" }])).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
        expect(diffFields({ a: 1 }, { a: 2 }, [{ name: "a", replace: true }], true).deleteBeforeReplace).toBe(true);
    });
    it("treats unknown as a change and absent-means-keep as no change", () => {
        expect(diffFields({ a: 1 }, { a: UNKNOWN }, [{ name: "a", replace: true }]).replaces).toEqual(["a"]);
        expect(diffFields({ uid: "abc" }, {}, [{ name: "uid", replace: true, absentMeansKeep: true }]).changes).toBe(false);
    });
    it("deepEqual ignores undefined members and null vs undefined", () => {
        expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
        expect(deepEqual(null, undefined)).toBe(true);
        expect(deepEqual([1, 2], [2, 1])).toBe(false);
    });
});

const conn = { url: "http://g:3000", auth: "admin:pw" };

describe("Organization diff", () => {
    const olds = { name: "apiorg", orgId: 5, adopted: false, __resourceName: "o", connection: conn };
    it("rename is an update, not a replace", async () => {
        expect(await organizationProvider.diff!("5", olds, { name: "apiorg2", __resourceName: "o", connection: conn })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    });
    it("same name: no change, whatever adoptExisting says", async () => {
        expect((await organizationProvider.diff!("5", olds, { name: "apiorg", adoptExisting: true, __resourceName: "o", connection: conn })).changes).toBe(false);
    });
    it("a rotated password is an update, never a replace", async () => {
        const d = await organizationProvider.diff!("5", olds, { name: "apiorg", __resourceName: "o", connection: { ...conn, auth: "admin:new" } });
        expect(d).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    });
});

describe("OrgMembership diff", () => {
    const olds = { orgId: 2, loginOrEmail: "bob", role: "Viewer" as const, userId: 9, adopted: false, __resourceName: "m" };
    it("role change updates; org or login change replaces", async () => {
        expect(await orgMembershipProvider.diff!("2:9", olds, { ...olds, role: "Editor" })).toMatchObject({ changes: true, replaces: [] });
        expect((await orgMembershipProvider.diff!("2:9", olds, { ...olds, orgId: 3 })).replaces).toEqual(["orgId"]);
        expect((await orgMembershipProvider.diff!("2:9", olds, { ...olds, loginOrEmail: "alice" })).replaces).toEqual(["loginOrEmail"]);
    });
});

describe("ApiKey diff", () => {
    const olds = { orgId: 2, name: "k", role: "Admin" as const, key: "glsa_x", kind: "serviceaccount" as const, __resourceName: "k" };
    it("any arg change replaces, deleting the old key first (names are unique per org)", async () => {
        for (const change of [{ role: "Viewer" as const }, { name: "k2" }, { orgId: 3 }, { secondsToLive: 60 }]) {
            const d = await apiKeyProvider.diff!("x", olds, { orgId: 2, name: "k", role: "Admin", __resourceName: "k", ...change });
            expect(d.changes).toBe(true);
            expect(d.replaces).toEqual(Object.keys(change));
            expect(d.deleteBeforeReplace).toBe(true);
        }
    });
    it("no change when only outputs differ from inputs", async () => {
        expect((await apiKeyProvider.diff!("x", olds, { orgId: 2, name: "k", role: "Admin", __resourceName: "k" })).changes).toBe(false);
    });
});

describe("Dashboard diff", () => {
    const model = { title: "Production Overview", tags: ["templated"], timezone: "browser", rows: [{}], schemaVersion: 6 };
    const olds = {
        uid: "abc123",
        url: "/d/abc123/production-overview",
        version: 3,
        dashboardId: 11,
        orgId: 2,
        title: model.title,
        dashboardHash: dashboardHash(model),
        serverHash: "whatever-grafana-stored",
        __resourceName: "d",
    };
    const news = (m: object, extra: object = {}) => ({ dashboard: canonicalJson(m), __resourceName: "d", ...extra });

    it("an unchanged model without uid is no change once Grafana assigned one", async () => {
        expect(await dashboardProvider.diff!("abc123", olds, news(model))).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    });
    it("id, version and the uid Grafana assigned do not count", async () => {
        expect((await dashboardProvider.diff!("abc123", olds, news({ ...model, id: 11, version: 3 }))).changes).toBe(false);
        expect((await dashboardProvider.diff!("abc123", olds, news({ ...model, uid: "abc123" }, { uid: "abc123" }))).changes).toBe(false);
    });
    it("title or panel changes update in place", async () => {
        expect(await dashboardProvider.diff!("abc123", olds, news({ ...model, title: "Prod" }))).toMatchObject({ changes: true, replaces: [] });
        expect((await dashboardProvider.diff!("abc123", olds, news({ ...model, panels: [{ id: 1, type: "graph" }] }))).replaces).toEqual([]);
    });
    it("folder change updates; uid or org change replaces", async () => {
        expect(await dashboardProvider.diff!("abc123", olds, news(model, { folderUid: "f1" }))).toMatchObject({ changes: true, replaces: [] });
        expect((await dashboardProvider.diff!("abc123", olds, news({ ...model, uid: "other" }, { uid: "other" }))).replaces).toEqual(["uid"]);
        expect((await dashboardProvider.diff!("abc123", olds, news(model, { orgId: 3 }))).replaces).toEqual(["orgId"]);
    });
    it("a model unknown in preview is a change", async () => {
        expect((await dashboardProvider.diff!("abc123", olds, { dashboard: UNKNOWN, __resourceName: "d" })).changes).toBe(true);
    });
    it("a dashboard changed in Grafana (seen by refresh) shows as a change", async () => {
        const refreshed = { ...olds, dashboardHash: "changed-in-grafana:123" };
        expect((await dashboardProvider.diff!("abc123", refreshed, news(model))).changes).toBe(true);
    });
});
