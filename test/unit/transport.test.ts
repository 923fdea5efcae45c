import { defaultOrgId, processState } from "../../provider/connection";
import { describeTransportFailure, parseBool, parseHeaders, parseInteger, parseTimeout, transportKey, TransportSettings } from "../../provider/transport";
import { UNKNOWN } from "../../provider/validate";

const URL_ = "https://grafana.internal:8443";

describe("TLS failures in plain words", () => {
    it("maps Node's and OpenSSL's codes, with the host", () => {
        const d = (code: string, message = "") => describeTransportFailure(URL_, { code, message });
        expect(d("SELF_SIGNED_CERT_IN_CHAIN")).toBe(
            "TLS: the certificate of grafana.internal:8443 is not signed by a CA this provider trusts (SELF_SIGNED_CERT_IN_CHAIN): set caCert (grafana:caCert, GRAFANA_CA_CERT) to the PEM or file of the CA that issued it",
        );
        expect(d("UNABLE_TO_GET_ISSUER_CERT_LOCALLY")).toContain("is not signed by a CA this provider trusts");
        expect(d("ERR_TLS_CERT_ALTNAME_INVALID", "Hostname/IP does not match certificate's altnames: Host: grafana.internal. is not in the cert's altnames: DNS:other")).toBe(
            "TLS: the certificate of grafana.internal:8443 is not issued for this host name (ERR_TLS_CERT_ALTNAME_INVALID: Host: grafana.internal. is not in the cert's altnames: DNS:other): use a URL with a name the certificate lists",
        );
        expect(d("CERT_NOT_YET_VALID")).toBe("TLS: the certificate of grafana.internal:8443 is not valid yet (CERT_NOT_YET_VALID): check the server's certificate and both clocks");
        expect(d("ERR_SSL_TLSV1_ALERT_UNKNOWN_CA")).toBe(
            "TLS: grafana.internal:8443 rejected the client certificate (ERR_SSL_TLSV1_ALERT_UNKNOWN_CA): tlsCert must be signed by a CA the server trusts and be valid now",
        );
        expect(d("ECONNREFUSED", "connect ECONNREFUSED")).toBeUndefined();
        expect(describeTransportFailure(URL_, { status: 404, body: "No required SSL certificate was sent" })).toBeUndefined();
        expect(describeTransportFailure(URL_, { status: 400, body: { message: "bad request" } })).toBeUndefined();
    });
});

describe("setting values", () => {
    it("booleans like Go's ParseBool, integers and timeouts with the setting named", () => {
        expect(["1", "t", "TRUE", "true", true].map((v) => parseBool(v, "x"))).toEqual([true, true, true, true, true]);
        expect(["0", "f", "False", false].map((v) => parseBool(v, "x"))).toEqual([false, false, false, false]);
        expect(() => parseBool("on", "GRAFANA_INSECURE_SKIP_VERIFY")).toThrow('GRAFANA_INSECURE_SKIP_VERIFY: must be true or false (got "on")');
        expect(parseInteger(" 3 ", "grafana:retries", 0)).toBe(3);
        expect(() => parseInteger("1.5", "grafana:retries", 0)).toThrow('grafana:retries: must be an integer >= 0 (got "1.5")');
        expect(parseTimeout("0.5", "t")).toBe(0.5);
        expect(() => parseTimeout("-1", "GRAFANA_TIMEOUT")).toThrow('GRAFANA_TIMEOUT: must be a number of seconds > 0 (got "-1")');
    });

    it("headers: JSON text or an object; never echoes a value", () => {
        expect(parseHeaders('{"X-A":"1","X-B":"2"}', "h")).toEqual({ "X-A": "1", "X-B": "2" });
        for (const bad of ['{"X-A":"s3cr3t"', '["s3cr3t"]', '{"X-A":"s3cr3t\\r\\nX-B: 1"}', '{"x-grafana-org-id":"s3cr3t"}']) {
            let msg = "";
            try {
                parseHeaders(bad, "GRAFANA_HTTP_HEADERS");
            } catch (e) {
                msg = (e as Error).message;
            }
            expect(msg).toMatch(/^GRAFANA_HTTP_HEADERS: /);
            expect(msg).not.toContain("s3cr3t");
        }
    });

    it("the client cache key changes with every transport setting and holds none of them", () => {
        const base: TransportSettings = { insecureSkipVerify: false, httpHeaders: { "X-A": "secret-value" }, retries: 5, timeoutMs: 30000, tlsKey: "KEYMATERIAL" };
        const k = transportKey(base);
        expect(k).toMatch(/^[0-9a-f]{64}$/);
        expect(transportKey({ ...base })).toBe(k);
        for (const change of [{ insecureSkipVerify: true }, { httpHeaders: { "X-A": "other" } }, { retries: 0 }, { timeoutMs: 1 }, { tlsKey: "K2" }, { caCert: "C" }, { tlsCert: "T" }]) {
            expect(transportKey({ ...base, ...change })).not.toBe(k);
        }
    });
});

describe("defaultOrgId", () => {
    const saved = { ...process.env };
    afterEach(() => {
        process.env = { ...saved };
        processState().stackConfig = {};
    });

    it("connection.orgId > grafana:orgId > GRAFANA_ORG_ID, basic auth only, nothing while the connection is unknown", () => {
        process.env.GRAFANA_AUTH = "admin:pw";
        expect(defaultOrgId(undefined)).toBeUndefined();
        process.env.GRAFANA_ORG_ID = "3";
        expect(defaultOrgId(undefined)).toBe(3);
        processState().stackConfig = { orgId: 4 };
        expect(defaultOrgId(undefined)).toBe(4);
        expect(defaultOrgId({ orgId: 5 })).toBe(5);
        expect(defaultOrgId({ auth: "glsa_token" })).toBeUndefined();
        expect(defaultOrgId({ auth: UNKNOWN })).toBeUndefined();
        expect(defaultOrgId(UNKNOWN)).toBeUndefined();
    });
});
