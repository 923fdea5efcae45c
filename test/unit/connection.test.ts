import { authorizationHeader, processState, resolveConnection } from "../../provider/connection";
import { organizationProvider } from "../../provider/organization";

describe("connection precedence", () => {
    const saved = { ...process.env };
    afterEach(() => {
        process.env = { ...saved };
        processState().stackConfig = {};
    });

    it("resource beats stack config beats env, field by field", async () => {
        process.env.GRAFANA_URL = "http://env:3000";
        process.env.GRAFANA_AUTH = "env:pw";
        expect(resolveConnection(undefined)).toMatchObject({ url: "http://env:3000", auth: "env:pw" });
        await organizationProvider.configure!({ config: { get: (k: string) => ({ "grafana:url": "http://stack:3000/", "grafana:auth": "stack:pw" })[k], require: () => "" } });
        expect(resolveConnection(undefined)).toMatchObject({ url: "http://stack:3000", auth: "stack:pw" });
        expect(resolveConnection({ auth: "token123" })).toMatchObject({ url: "http://stack:3000", auth: "token123" });
        expect(resolveConnection({ url: "http://res:1", auth: "r:p" })).toMatchObject({ url: "http://res:1", auth: "r:p" });
    });

    it("fails clearly, naming all three places, when nothing is set", () => {
        delete process.env.GRAFANA_URL;
        delete process.env.GRAFANA_AUTH;
        expect(() => resolveConnection(undefined)).toThrow(/connection.url, stack config grafana:url, or GRAFANA_URL/);
        process.env.GRAFANA_URL = "http://x";
        expect(() => resolveConnection(undefined)).toThrow(/GRAFANA_AUTH/);
    });

    it("user:pass is basic auth, anything else a bearer token", () => {
        expect(authorizationHeader("admin:admin")).toBe(`Basic ${Buffer.from("admin:admin").toString("base64")}`);
        expect(authorizationHeader("glsa_abc")).toBe("Bearer glsa_abc");
    });
});
