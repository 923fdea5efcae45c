// A loopback HTTP proxy in front of Grafana that counts what Grafana receives, per phase. With `delayMs` > 0 it
// imitates a remote Grafana: every request is held that long before it is forwarded (the response is not delayed),
// so each round trip takes delayMs more, and concurrent requests are delayed side by side, not queued.
import * as http from "http";
import { AddressInfo } from "net";

export interface RequestCounts {
    total: number;
    /** POST, PUT, PATCH, DELETE */
    writes: number;
    gets: number;
    non2xx: number;
    /** 5xx and 429: what the provider would retry */
    retriable: number;
    /** "METHOD /api/path/:id" -> count */
    byRoute: Record<string, number>;
    /** status code -> count */
    byStatus: Record<string, number>;
}

export function emptyCounts(): RequestCounts {
    return { total: 0, writes: 0, gets: 0, non2xx: 0, retriable: 0, byRoute: {}, byStatus: {} };
}

/** "/api/dashboards/uid/bench-3?x=1" -> "/api/dashboards/uid/:uid"; numeric segments -> ":id". */
export function routeOf(url: string): string {
    const parts = url.split("?")[0].split("/");
    return parts.map((p, i) => (parts[i - 1] === "uid" ? ":uid" : /^\d+$/.test(p) ? ":id" : p)).join("/");
}

export class CountingProxy {
    private counts = emptyCounts();
    /** Fixed delay added to every request before it is forwarded, ms. */
    delayMs = 0;
    private server?: http.Server;
    // Keep-alive upstream, so the proxy adds no connection setup per request.
    private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

    constructor(private readonly target: string) {}

    /** Starts on 127.0.0.1 and returns the proxy URL (no trailing slash). */
    async start(): Promise<string> {
        const target = new URL(this.target);
        this.server = http.createServer((req, res) => {
            if (this.delayMs > 0) setTimeout(() => forward(req, res), this.delayMs);
            else forward(req, res);
        });
        const forward = (req: http.IncomingMessage, res: http.ServerResponse) => {
            const upstream = http.request(
                { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent: this.agent },
                (up) => {
                    this.record(req.method ?? "?", req.url ?? "/", up.statusCode ?? 0);
                    res.writeHead(up.statusCode ?? 502, up.headers);
                    up.pipe(res);
                },
            );
            upstream.on("error", (e) => {
                this.record(req.method ?? "?", req.url ?? "/", 502);
                if (!res.headersSent) res.writeHead(502, { "Content-Type": "text/plain" });
                res.end(`bench proxy: ${e.message}`);
            });
            req.pipe(upstream);
        };
        this.server.keepAliveTimeout = 30_000;
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    /** Returns the counts since the last reset and starts counting afresh. */
    reset(): RequestCounts {
        const c = this.counts;
        this.counts = emptyCounts();
        return c;
    }

    async stop(): Promise<void> {
        this.agent.destroy();
        const s = this.server;
        if (!s) return;
        this.server = undefined;
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
    }

    private record(method: string, url: string, status: number): void {
        const c = this.counts;
        c.total++;
        if (method === "GET") c.gets++;
        else if (["POST", "PUT", "PATCH", "DELETE"].includes(method)) c.writes++;
        if (status < 200 || status > 299) c.non2xx++;
        if (status === 429 || status >= 500) c.retriable++;
        const route = `${method} ${routeOf(url)}`;
        c.byRoute[route] = (c.byRoute[route] ?? 0) + 1;
        c.byStatus[status] = (c.byStatus[status] ?? 0) + 1;
    }
}
