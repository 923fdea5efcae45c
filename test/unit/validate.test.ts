import { checkConnection, checkName, checkOrgId, checkRole, checkUid, containsUnknown, Failure, ORG_ROLES, UNKNOWN } from "../../provider/validate";

function run(fn: (f: Failure[]) => void): Failure[] {
    const f: Failure[] = [];
    fn(f);
    return f;
}

describe("field checks", () => {
    it("rejects empty and blank names, naming the field", () => {
        expect(run((f) => checkName(f, "name", ""))).toEqual([{ property: "name", reason: "name must be a non-empty string" }]);
        expect(run((f) => checkName(f, "name", "   "))[0].property).toBe("name");
        expect(run((f) => checkName(f, "name", 42))[0].reason).toMatch(/non-empty string/);
        expect(run((f) => checkName(f, "name", "apiorg"))).toEqual([]);
        expect(run((f) => checkName(f, "name", "x".repeat(191)))[0].reason).toMatch(/at most 190/);
    });

    it("accepts only Admin, Editor, Viewer as org roles", () => {
        for (const r of ORG_ROLES) expect(run((f) => checkRole(f, "role", r, ORG_ROLES))).toEqual([]);
        const bad = run((f) => checkRole(f, "role", "admin", ORG_ROLES));
        expect(bad).toEqual([{ property: "role", reason: 'role must be one of Admin, Editor, Viewer (got "admin")' }]);
        expect(run((f) => checkRole(f, "role", "Owner", ORG_ROLES))).toHaveLength(1);
    });

    it("requires a positive integer orgId, but lets unknown values through in preview", () => {
        expect(run((f) => checkOrgId(f, "orgId", 0, true))).toHaveLength(1);
        expect(run((f) => checkOrgId(f, "orgId", 1.5, true))).toHaveLength(1);
        expect(run((f) => checkOrgId(f, "orgId", "3", true))).toHaveLength(1);
        expect(run((f) => checkOrgId(f, "orgId", undefined, true))).toEqual([{ property: "orgId", reason: "orgId is required (or set a default org with basic auth: connection.orgId, grafana:orgId or GRAFANA_ORG_ID)" }]);
        expect(run((f) => checkOrgId(f, "orgId", undefined, false))).toEqual([]);
        expect(run((f) => checkOrgId(f, "orgId", UNKNOWN, true))).toEqual([]);
        expect(run((f) => checkOrgId(f, "orgId", 7, true))).toEqual([]);
    });

    it("applies Grafana's uid rules: at most 40 characters of [a-zA-Z0-9-_]", () => {
        expect(run((f) => checkUid(f, "dashboard.uid", "a".repeat(40)))).toEqual([]);
        expect(run((f) => checkUid(f, "dashboard.uid", "a".repeat(41)))[0].reason).toMatch(/at most 40/);
        expect(run((f) => checkUid(f, "dashboard.uid", "has space"))[0].reason).toMatch(/only letters, digits/);
        expect(run((f) => checkUid(f, "dashboard.uid", "ok-uid_1"))).toEqual([]);
        expect(run((f) => checkUid(f, "dashboard.uid", undefined))).toEqual([]);
    });

    it("checks connection fields without echoing the credential", () => {
        const f = run((x) => checkConnection(x, { url: "localhost:3000", auth: "" , extra: 1}));
        expect(f.map((x) => x.property).sort()).toEqual(["connection.auth", "connection.extra", "connection.url"]);
        const secret = run((x) => checkConnection(x, { url: "ftp://h", auth: "admin:s3cret-pw" }));
        expect(JSON.stringify(secret)).not.toContain("s3cret-pw");
        expect(run((x) => checkConnection(x, { url: "http://127.0.0.1:3000", auth: "admin:pw" }))).toEqual([]);
    });

    it("finds unknown values nested anywhere", () => {
        expect(containsUnknown({ a: [1, { b: UNKNOWN }] })).toBe(true);
        expect(containsUnknown({ a: [1, { b: "x" }] })).toBe(false);
    });
});
