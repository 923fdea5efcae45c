import { apiKeyIds, dashboardIds, folderIds, organizationIds, orgMembershipIds, serviceAccountTokenIds } from "../../provider/ids";

describe("ids: one format per kind, built and parsed in provider/ids.ts", () => {
    it("parses what it builds, including the ids states of 0.1.0 hold", () => {
        expect(organizationIds.parse(organizationIds.build({ orgId: 2 }))).toEqual({ orgId: 2 });
        expect(orgMembershipIds.parse("2:1")).toEqual({ orgId: 2, userId: 1 }); // 0.1.0's OrgMembership id
        expect(apiKeyIds.parse("2:apikey:1")).toEqual({ orgId: 2, kind: "apikey", id: 1 }); // 0.1.0's ApiKey id
        expect(apiKeyIds.build({ orgId: 3, kind: "serviceaccount", id: 9 })).toBe("3:serviceaccount:9");
        expect(dashboardIds.parse("Ptq04gZ8Clkjeg")).toEqual({ uid: "Ptq04gZ8Clkjeg" }); // 0.1.0's Dashboard id
        expect(folderIds.build({ orgId: 4, uid: "team-a" })).toBe("4:team-a");
        expect(serviceAccountTokenIds.parse("4:5:6")).toEqual({ orgId: 4, serviceAccountId: 5, tokenId: 6 });
    });

    it("rejects an id of another shape, naming the kind and the shape", () => {
        expect(() => folderIds.parse("team-a")).toThrow('Folder id "team-a" is not of the form <orgId>:<uid>');
        expect(() => apiKeyIds.parse("2:key:1")).toThrow('ApiKey id "2:key:1" is not of the form <orgId>:apikey|serviceaccount:<id>');
        expect(() => orgMembershipIds.parse("0:1")).toThrow("OrgMembership id");
        expect(() => serviceAccountTokenIds.parse("1:2:x")).toThrow("ServiceAccountToken id");
    });
});
