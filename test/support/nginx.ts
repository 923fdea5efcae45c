// A private nginx (Debian nginx-light, installed by scripts/setup) in front of a Grafana: its own config, pid, log
// and temp dirs under a fresh temp dir, on a loopback port; never the system service.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

export interface NginxProxy {
    /** https://127.0.0.1:N */
    url: string;
    dir: string;
    stop(): Promise<void>;
}

export interface NginxOptions {
    /** Where to proxy to (e.g. a Grafana's https://127.0.0.1:N). */
    upstream: string;
    /** Server certificate and key files. */
    certFile: string;
    keyFile: string;
    /** Require a client certificate signed by this CA (ssl_verify_client on). */
    clientCaFile: string;
    /** Requests without this exact header get 403 from nginx. */
    requireHeader: { name: string; value: string };
}

export function nginxBinary(): string | undefined {
    for (const p of ["/usr/sbin/nginx", ...(process.env.PATH ?? "").split(":").map((d) => path.join(d, "nginx"))]) {
        try {
            fs.accessSync(p, fs.constants.X_OK);
            return p;
        } catch {
            /* next */
        }
    }
    return undefined;
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

function accepts(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const c = net.connect(port, "127.0.0.1");
        c.once("connect", () => {
            c.destroy();
            resolve(true);
        });
        c.once("error", () => resolve(false));
    });
}

function config(dir: string, port: number, o: NginxOptions): string {
    const headerVar = `$http_${o.requireHeader.name.toLowerCase().replace(/-/g, "_")}`;
    // Values go into the config file of a throw-away instance; the header value has no quotes or backslashes.
    return `
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
worker_processes 1;
events { worker_connections 64; }
http {
    access_log ${dir}/access.log;
    client_body_temp_path ${dir}/tmp/body;
    proxy_temp_path ${dir}/tmp/proxy;
    fastcgi_temp_path ${dir}/tmp/fastcgi;
    uwsgi_temp_path ${dir}/tmp/uwsgi;
    scgi_temp_path ${dir}/tmp/scgi;
    server {
        listen 127.0.0.1:${port} ssl;
        ssl_certificate ${o.certFile};
        ssl_certificate_key ${o.keyFile};
        ssl_client_certificate ${o.clientCaFile};
        ssl_verify_client on;
        location / {
            if (${headerVar} != "${o.requireHeader.value}") {
                return 403 "missing or wrong ${o.requireHeader.name} header\\n";
            }
            proxy_pass ${o.upstream};
            proxy_set_header Host $host;
        }
    }
}
`;
}

/** Starts nginx in the foreground as our child; `stop()` ends exactly that process and removes its dir. */
export async function startNginx(o: NginxOptions): Promise<NginxProxy> {
    const bin = nginxBinary();
    if (!bin) throw new Error("nginx is not installed (scripts/setup installs nginx-light)");
    if (/["\\$;{}\s]/.test(o.requireHeader.value)) throw new Error("header value must be a plain token for the nginx config");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgd-nginx-"));
    // Workers run as nobody when the master is root: they need to reach their temp dir.
    fs.chmodSync(dir, 0o711);
    fs.mkdirSync(path.join(dir, "tmp"), { mode: 0o777 });
    fs.chmodSync(path.join(dir, "tmp"), 0o777);
    for (let attempt = 1; ; attempt++) {
        const port = await freePort();
        fs.writeFileSync(path.join(dir, "nginx.conf"), config(dir, port, o));
        const child: ChildProcess = spawn(bin, ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        let exited = false;
        child.once("exit", () => (exited = true));
        const deadline = Date.now() + 10_000;
        while (!exited && Date.now() < deadline && !(await accepts(port))) await new Promise((r) => setTimeout(r, 50));
        if (!exited && (await accepts(port))) {
            let stopped: Promise<void> | undefined;
            return {
                url: `https://127.0.0.1:${port}`,
                dir,
                stop: () =>
                    (stopped ??= new Promise<void>((resolve) => {
                        if (exited) return resolve();
                        child.once("exit", () => resolve());
                        child.kill("SIGTERM"); // nginx: fast shutdown, workers included
                    }).then(() => fs.rmSync(dir, { recursive: true, force: true }))),
            };
        }
        if (!exited) child.kill("SIGKILL");
        const log = fs.existsSync(path.join(dir, "error.log")) ? fs.readFileSync(path.join(dir, "error.log"), "utf8") : "";
        // The free port is picked before nginx binds it: on the rare lost race, try another.
        if (attempt >= 3 || !/Address already in use/.test(stderr + log)) {
            fs.rmSync(dir, { recursive: true, force: true });
            throw new Error(`nginx did not start: ${stderr}${log}`);
        }
    }
}
