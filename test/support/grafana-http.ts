// Small HTTP helpers for end-to-end tests that check a Grafana (the emulator or a real one, see grafana-server.ts) from the outside.
import * as fs from "fs";
import { RealGrafana } from "./grafana-server";

export interface Http {
    status: number;
    body: unknown;
}

/** One call as the server admin (or `auth`: user:password or a token), optionally scoped to an org. */
export async function grafanaHttp(
    g: Pick<RealGrafana, "url" | "adminUser" | "adminPassword">,
    method: string,
    p: string,
    opts: { auth?: string; orgId?: number; body?: unknown; timeoutMs?: number } = {},
): Promise<Http> {
    const auth = opts.auth ?? `${g.adminUser}:${g.adminPassword}`;
    const headers: Record<string, string> = {
        Authorization: auth.includes(":") ? `Basic ${Buffer.from(auth).toString("base64")}` : `Bearer ${auth}`,
        "Content-Type": "application/json",
    };
    if (opts.orgId) headers["X-Grafana-Org-Id"] = String(opts.orgId);
    const res = await fetch(`${g.url}${p}`, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
        body = JSON.parse(text);
    } catch {
        /* not JSON */
    }
    return { status: res.status, body };
}

export interface DashboardHit {
    uid: string;
    title: string;
}

/** Every dashboard of an org, from Grafana's search (fails on any non-200). */
export async function listDashboards(g: Pick<RealGrafana, "url" | "adminUser" | "adminPassword">, orgId: number): Promise<DashboardHit[]> {
    const r = await grafanaHttp(g, "GET", "/api/search?type=dash-db&limit=5000", { orgId });
    if (r.status !== 200 || !Array.isArray(r.body))
        throw new Error(`GET /api/search in org ${orgId}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    return (r.body as DashboardHit[]).map((d) => ({ uid: d.uid, title: d.title }));
}

/** True while the process runs (a zombie counts as dead: nobody may reap it inside a container). */
export function processAlive(pid: number): boolean {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
    } catch {
        return false;
    }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Deterministic PRNG (mulberry32): a logged seed replays the same fault points. */
export function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/**
 * Follows the emulator's request log (<dataDir>/logs/grafana.log, one "Request Completed" line per answered request,
 * in Grafana's router-log format): counts the lines of one method and path, e.g. the dashboard saves answered.
 */
export class RequestLog {
    private offset = 0;
    private partial = "";

    constructor(private readonly file: string) {
        this.offset = fs.existsSync(file) ? fs.statSync(file).size : 0;
    }

    /** Resolves with the count once `count` matching requests (since construction) were answered, or undefined when `stop()`. */
    async waitFor(method: string, path: RegExp, status: RegExp, count: number, stop: () => boolean): Promise<number | undefined> {
        let seen = 0;
        const line = new RegExp(`msg="Request Completed" method=${method} path=(\\S+) status=(\\d+)`);
        for (;;) {
            for (const l of this.readNew()) {
                const m = line.exec(l);
                if (m && path.test(m[1]) && status.test(m[2])) seen++;
            }
            if (seen >= count) return seen;
            if (stop()) return undefined;
            await sleep(5);
        }
    }

    private readNew(): string[] {
        const size = fs.statSync(this.file).size;
        if (size <= this.offset) return [];
        const fd = fs.openSync(this.file, "r");
        try {
            const buf = Buffer.alloc(size - this.offset);
            fs.readSync(fd, buf, 0, buf.length, this.offset);
            this.offset = size;
            const text = this.partial + buf.toString("utf8");
            const lines = text.split("\n");
            this.partial = lines.pop() ?? "";
            return lines;
        } finally {
            fs.closeSync(fd);
        }
    }
}
