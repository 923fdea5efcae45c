// bench/results keeps the latest run (latest.md, latest.json) and one line per run in HISTORY.md.
import * as fs from "fs";
import * as path from "path";

interface Phase {
    ms: number;
}
interface RunJson {
    stamp: string;
    env: Record<string, string>;
    results: {
        n: number;
        reps: {
            ours: Record<string, Phase>;
            floor: Record<string, Phase>;
            state: { ours: { providerBytes: number; exportBytesPerDashboard: number } };
        }[];
    }[];
}

const HEADER = [
    "# Benchmark history",
    "",
    "One line per `npm run bench` run, with the commit it was recorded in (the raw runs of replaced designs are in git",
    "history; the full tables of the latest run are in latest.md / latest.json). Ratios: our median wall time over the",
    "no-op dynamic provider's (the engine's floor) per phase. provider B: the serialized `__provider`; state B/dashboard:",
    "`pulumi stack export` bytes per dashboard.",
    "",
    "| run | committed in | library | node | N | up (create) | up (edit) | refresh | destroy | provider B | state B/dashboard |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function historyRows(run: RunJson, commit: string): string[] {
    return run.results.map((r) => {
        const ratio = (phase: string) => {
            const ours = median(r.reps.map((x) => x.ours[phase]?.ms ?? NaN));
            const floor = median(r.reps.map((x) => x.floor[phase]?.ms ?? NaN));
            return `${(ours / floor).toFixed(2)}x`;
        };
        const state = r.reps[0].state.ours;
        const library = (run.env.library ?? "TypeScript sources (checkout)").replace(/\|/g, "/");
        return `| ${run.stamp} | ${commit} | ${library} | ${run.env.node ?? "?"} | ${r.n} | ${ratio("up (create)")} | ${ratio("up (edit titles)")} | ${ratio("refresh")} | ${ratio("destroy")} | ${state.providerBytes} | ${state.exportBytesPerDashboard} |`;
    });
}

export function appendHistory(dir: string, run: RunJson, commit: string): void {
    const file = path.join(dir, "HISTORY.md");
    const existing = fs.existsSync(file) ? fs.readFileSync(file, "utf8").trimEnd().split("\n") : HEADER;
    fs.writeFileSync(file, [...existing, ...historyRows(run, commit)].join("\n") + "\n");
}

const RUNS_HEADER = [
    "",
    "## Sectioned runs (base, latency, HA, real-size)",
    "",
    "From the bench with sections on: the tables of the latest run are in latest.md / latest.json, earlier ones in git history.",
    "",
    "| run | committed in | node | sections | took | warnings |",
    "| --- | --- | --- | --- | --- | --- |",
];

/** One line per run of the sectioned bench, under its own heading in HISTORY.md. */
export function appendRunLine(dir: string, cells: string[]): void {
    const file = path.join(dir, "HISTORY.md");
    let lines = fs.existsSync(file) ? fs.readFileSync(file, "utf8").trimEnd().split("\n") : [...HEADER];
    if (!lines.includes(RUNS_HEADER[1])) lines = [...lines, ...RUNS_HEADER];
    fs.writeFileSync(file, [...lines, `| ${cells.map((c) => c.replace(/\|/g, "/")).join(" | ")} |`].join("\n") + "\n");
}
