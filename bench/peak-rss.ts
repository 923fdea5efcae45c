// Peak RSS (VmHWM) of the processes under one `pulumi` command, polled from /proc.
// VmHWM is the kernel's own high-water mark, so polling only has to see each process once before it exits;
// a process that lives < ~100 ms, or grows in its last 100 ms, can be missed or under-read.
import * as fs from "fs";

export type Role = "cli" | "providerHost" | "languageHost" | "program" | "other";

export interface PeakRss {
    /** max VmHWM over the dynamic-provider host processes (node .../cmd/dynamic-provider), MB */
    providerHostMb: number;
    providerHosts: number;
    /** VmHWM of pulumi-language-nodejs + the Node program it starts (node .../@pulumi/pulumi/cmd/run), MB */
    languageHostPlusProgramMb: number;
    /** the pulumi CLI (engine) itself, MB */
    cliMb: number;
}

function roleOf(cmdline: string, isRoot: boolean): Role {
    if (isRoot) return "cli";
    // Launchers run `node -e "require.resolve('@pulumi/pulumi/cmd/...')"` first: not the host itself.
    if (cmdline.includes("require.resolve")) return "other";
    if (cmdline.includes("dynamic-provider")) return "providerHost";
    if (cmdline.includes("pulumi-language-nodejs")) return "languageHost";
    if (cmdline.includes("@pulumi/pulumi/cmd/run")) return "program";
    return "other";
}

function read(file: string): string | undefined {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return undefined; // the process exited meanwhile
    }
}

/** Parent pid -> child pids, for every process visible in /proc. */
function childrenMap(): Map<number, number[]> {
    const map = new Map<number, number[]>();
    for (const name of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(name)) continue;
        const stat = read(`/proc/${name}/stat`);
        if (!stat) continue;
        // Fields after the last ")" (the command name may contain spaces): state ppid ...
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        const list = map.get(ppid) ?? [];
        list.push(Number(name));
        map.set(ppid, list);
    }
    return map;
}

export class RssMonitor {
    /** pid -> [role, peak kB] */
    private readonly peaks = new Map<number, { role: Role; kb: number }>();
    private readonly timer: NodeJS.Timeout;

    constructor(
        private readonly rootPid: number,
        intervalMs = 100,
    ) {
        this.sample();
        this.timer = setInterval(() => this.sample(), intervalMs);
    }

    stop(): PeakRss {
        clearInterval(this.timer);
        const max = (role: Role) => Math.max(0, ...[...this.peaks.values()].filter((p) => p.role === role).map((p) => p.kb));
        const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;
        return {
            providerHostMb: mb(max("providerHost")),
            providerHosts: [...this.peaks.values()].filter((p) => p.role === "providerHost").length,
            languageHostPlusProgramMb: mb(max("languageHost") + max("program")),
            cliMb: mb(max("cli")),
        };
    }

    private sample(): void {
        const children = childrenMap();
        const todo = [this.rootPid];
        while (todo.length > 0) {
            const pid = todo.pop()!;
            todo.push(...(children.get(pid) ?? []));
            const status = read(`/proc/${pid}/status`);
            const hwm = status && /VmHWM:\s+(\d+) kB/.exec(status);
            if (!hwm) continue;
            const known = this.peaks.get(pid);
            const role = known?.role ?? roleOf((read(`/proc/${pid}/cmdline`) ?? "").replace(/\0/g, " "), pid === this.rootPid);
            this.peaks.set(pid, { role, kb: Math.max(known?.kb ?? 0, Number(hwm[1])) });
        }
    }
}
