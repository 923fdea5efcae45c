// Throw-away certificates made with the openssl CLI (scripts/setup installs it when missing): a server CA, server
// certificates (valid for 127.0.0.1/localhost, for another name only, expired), a client CA with a client
// certificate, and a client certificate from a CA nobody trusts. EC P-256 keys: fast to make.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface CertPair {
    /** file paths */
    certFile: string;
    keyFile: string;
    /** PEM text */
    cert: string;
    key: string;
}

export interface TestPki {
    dir: string;
    ca: CertPair;
    /** signed by `ca`, SAN IP:127.0.0.1, DNS:localhost */
    server: CertPair;
    /** signed by `ca`, SAN DNS:grafana.invalid only */
    wrongName: CertPair;
    /** signed by `ca`, valid for 127.0.0.1 but notAfter is in the past */
    expired: CertPair;
    /** self-signed, SAN IP:127.0.0.1 */
    selfSigned: CertPair;
    clientCa: CertPair;
    /** signed by `clientCa` */
    client: CertPair;
    /** signed by a CA the servers do not trust */
    rogueClient: CertPair;
    remove(): void;
}

function openssl(dir: string, args: string[]): void {
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function pair(dir: string, name: string): CertPair {
    const certFile = path.join(dir, `${name}.crt`);
    const keyFile = path.join(dir, `${name}.key`);
    return { certFile, keyFile, cert: fs.readFileSync(certFile, "utf8"), key: fs.readFileSync(keyFile, "utf8") };
}

function selfSignedCa(dir: string, name: string, cn: string, san?: string): CertPair {
    const ext = san ? ["-addext", `subjectAltName=${san}`] : ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"];
    openssl(dir, ["req", "-x509", ...EC, "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "2", "-subj", `/CN=${cn}`, ...ext]);
    return pair(dir, name);
}

let serial = 100;
function signed(dir: string, name: string, ca: string, cn: string, ext: string, days = 2): CertPair {
    openssl(dir, ["req", ...EC, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`]);
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    // -days -1 gives a certificate whose notAfter is yesterday: expired.
    openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.crt`, "-CAkey", `${ca}.key`, "-set_serial", String(serial++), "-days", String(days), "-extfile", `${name}.ext`, "-out", `${name}.crt`]);
    return pair(dir, name);
}

export function makeTestPki(): TestPki {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgd-pki-"));
    fs.chmodSync(dir, 0o700);
    const serverExt = (san: string) => `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`;
    const clientExt = "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n";
    const ca = selfSignedCa(dir, "ca", "pgd test server CA");
    const server = signed(dir, "server", "ca", "127.0.0.1", serverExt("IP:127.0.0.1,DNS:localhost"));
    const wrongName = signed(dir, "wrong-name", "ca", "grafana.invalid", serverExt("DNS:grafana.invalid"));
    const expired = signed(dir, "expired", "ca", "127.0.0.1", serverExt("IP:127.0.0.1,DNS:localhost"), -1);
    const selfSigned = selfSignedCa(dir, "self-signed", "127.0.0.1", "IP:127.0.0.1,DNS:localhost");
    const clientCa = selfSignedCa(dir, "client-ca", "pgd test client CA");
    const client = signed(dir, "client", "client-ca", "pulumi-grafana-dynamic", clientExt);
    selfSignedCa(dir, "rogue-ca", "pgd rogue CA");
    const rogueClient = signed(dir, "rogue-client", "rogue-ca", "rogue", clientExt);
    return {
        dir,
        ca,
        server,
        wrongName,
        expired,
        selfSigned,
        clientCa,
        client,
        rogueClient,
        remove: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
}
