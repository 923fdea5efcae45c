import {
    checkConnection,
    checkId,
    checkName,
    checkOrgId,
    checkRole,
    checkUid,
    containsUnknown,
    Failure,
    ORG_ROLES,
    UNKNOWN,
} from "../../provider/validate";

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

    it("takes a positive integer id, names a required one when absent, and lets unknown values through in preview", () => {
        expect(run((f) => checkOrgId(f, 0))).toHaveLength(1);
        expect(run((f) => checkOrgId(f, 1.5))).toHaveLength(1);
        expect(run((f) => checkOrgId(f, "3"))).toEqual([{ property: "orgId", reason: 'orgId must be a positive integer (got "3")' }]);
        expect(run((f) => checkOrgId(f, undefined))).toEqual([]); // the org rule decides (org.ts)
        expect(run((f) => checkOrgId(f, UNKNOWN))).toEqual([]);
        expect(run((f) => checkOrgId(f, 7))).toEqual([]);
        expect(run((f) => checkId(f, "serviceAccountId", undefined, true))).toEqual([
            { property: "serviceAccountId", reason: "serviceAccountId is required" },
        ]);
        expect(run((f) => checkId(f, "serviceAccountId", 0, true))).toHaveLength(1);
    });

    it("applies Grafana's uid rules: at most 40 characters of [a-zA-Z0-9-_]", () => {
        expect(run((f) => checkUid(f, "dashboard.uid", "a".repeat(40)))).toEqual([]);
        expect(run((f) => checkUid(f, "dashboard.uid", "a".repeat(41)))[0].reason).toMatch(/at most 40/);
        expect(run((f) => checkUid(f, "dashboard.uid", "has space"))[0].reason).toMatch(/only letters, digits/);
        expect(run((f) => checkUid(f, "dashboard.uid", "ok-uid_1"))).toEqual([]);
        expect(run((f) => checkUid(f, "dashboard.uid", undefined))).toEqual([]);
    });

    it("checks connection fields without echoing the credential", () => {
        const f = run((x) => checkConnection(x, { url: "localhost:3000", auth: "", extra: 1 }));
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
