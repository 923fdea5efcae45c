// Conformance: the cases in ./cases against a real Grafana (GRAFANA_URL + GRAFANA_AUTH) or, without one, against the
// emulator in each of its profiles. See README-section.md.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { EMULATOR_PROFILES, emulatorAvailable, realGrafanaTarget, startGrafana } from "../support/grafana-server";
import { Emulator } from "../../emulator/src";
import { CASES } from "./cases";
import { Target, runCase } from "./runner";
import { Case, PROFILES, Profile } from "./types";

jest.setTimeout(120_000);

/** Grafana version (GET /api/health) -> profile: 10.0.x -> 10.0, 11.6.x -> 11.6, 12.x -> 12.x, 13.x -> 13.x; undefined for others. */
export function profileOfVersion(version: string): Profile | undefined {
    const [major, minor] = version.split(/[.-]/).map(Number);
    if (major === 10 && minor === 0) return "10.0";
    if (major === 11 && minor === 6) return "11.6";
    if (major === 12) return "12.x";
    if (major === 13) return "13.x";
    return undefined;
}

const title = (c: Case) => `${c.name} [${c.versions.join(", ")}]`;

/** Server version, read synchronously: jest needs the test list before any test runs. */
function healthVersion(url: string): string {
    const script = `fetch(process.argv[1] + "/api/health", { signal: AbortSignal.timeout(15000) }).then((r) => r.json()).then((h) => process.stdout.write(String(h.version)))`;
    return execFileSync(process.execPath, ["-e", script, url], { encoding: "utf8", timeout: 20_000 }).trim();
}

interface Started {
    target: Target;
    stop(): Promise<void>;
}

/** One emulator of `profile`: the emulator process (as e2e suites use it), or in-process when it is not built. */
async function startEmulator(profile: Profile): Promise<Started> {
    if (emulatorAvailable() && process.env.CONFORMANCE_IN_PROCESS !== "1") {
        const g = await startGrafana(profile);
        return {
            target: httpFaults({ label: `emulator profile ${profile}`, url: g.url, user: g.adminUser, password: g.adminPassword }),
            stop: () => g.stop(),
        };
    }
    const adminPassword = "cf-admin-password";
    const emu = await Emulator.start({ profile, adminPassword });
    return {
        target: httpFaults({ label: `emulator profile ${profile} (in-process)`, url: emu.url, user: "admin", password: adminPassword }),
        stop: () => emu.stop(),
    };
}

/** Faults through the emulator's admin endpoint POST /__emulator/faults. */
function httpFaults(t: Target): Target {
    return {
        ...t,
        injectFault: async (spec) => {
            const res = await fetch(`${t.url}/__emulator/faults`, {
                method: "POST",
                headers: { Authorization: `Basic ${Buffer.from(`${t.user}:${t.password}`).toString("base64")}`, "Content-Type": "application/json" },
                body: JSON.stringify(spec),
            });
            if (!res.ok) throw new Error(`POST /__emulator/faults: ${res.status} ${await res.text()}`);
        },
    };
}

const real = realGrafanaTarget();
if (real) {
    const version = healthVersion(real.url);
    const forced = process.env.GRAFANA_PROFILE;
    if (forced && !(PROFILES as readonly string[]).includes(forced))
        throw new Error(`GRAFANA_PROFILE: unknown profile '${forced}' (${PROFILES.join(", ")})`);
    const profile = (forced as Profile | undefined) ?? profileOfVersion(version);
    describe(`conformance on real Grafana ${version} at ${real.url} (profile ${profile ?? "none"})`, () => {
        const target: Target = { label: `real Grafana ${version}`, url: real.url, user: real.user, password: real.password };
        if (!profile) {
            test.skip(`no profile for Grafana ${version}: set GRAFANA_PROFILE to one of ${PROFILES.join(", ")}`, () => undefined);
            return;
        }
        for (const c of CASES.filter((x) => x.versions.includes(profile))) {
            if (c.needs?.includes("fault"))
                test.skip(`${title(c)} — skipped: needs the emulator's fault hook, a real server cannot be faulted`, () => undefined);
            else test(title(c), () => runCase(target, c));
        }
    });
} else {
    const only = process.env.CONFORMANCE_PROFILES?.split(/[ ,]+/).filter(Boolean);
    for (const profile of EMULATOR_PROFILES.filter((p) => !only || only.includes(p))) {
        describe(`conformance on emulator profile ${profile}`, () => {
            let started: Started | undefined;
            beforeAll(async () => {
                started = await startEmulator(profile);
            });
            afterAll(async () => {
                await started?.stop();
            });
            for (const c of CASES.filter((x) => x.versions.includes(profile))) {
                test(title(c), () => runCase(started!.target, c));
            }
        });
    }
}

// The case list itself: every transcript request is covered, and every case names its source.
describe("conformance cases", () => {
    const headings = fs
        .readFileSync(path.join(__dirname, "..", "support", "grafana-observed.md"), "utf8")
        .split("\n")
        .filter((l) => l.startsWith("#### "))
        .map((l) => l.slice(5).trim());
    const covered = new Set(CASES.flatMap((c) => c.steps.map((s) => s.observed).filter((o): o is string => !!o)));

    test("every request of the transcript (#### headings of grafana-observed.md) is a step of a case", () => {
        expect(headings.filter((h) => !covered.has(h))).toEqual([]);
    });

    test("every observed step names a heading that exists", () => {
        expect([...covered].filter((o) => !headings.includes(o))).toEqual([]);
    });

    test("case names are unique; each has versions and a source", () => {
        const names = CASES.map((c) => c.name);
        expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
        for (const c of CASES) {
            expect(c.versions.length).toBeGreaterThan(0);
            expect(c.source.length).toBeGreaterThan(10);
        }
    });

    test("every /api call of the provider (method and path) is requested by a case", () => {
        const dir = path.join(__dirname, "..", "..", "provider");
        const norm = (p: string) =>
            p
                .split("?")[0]
                .replace(/\$\{[^}]+\}/g, ":p")
                .replace(/\{\{\w+\}\}/g, ":p")
                .replace(/\/(cf-|apiorg-|bad uid)[^/]*/g, "/:p")
                .replace(/\/\d+/g, "/:p");
        const used = new Set<string>();
        for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".ts"))) {
            const text = fs.readFileSync(path.join(dir, f), "utf8");
            for (const m of text.matchAll(/[`"](\/api\/[^`"\s]*)[`"]|`\$\{path\}(\/[a-z]+)`/g)) {
                // The method: the last client call just before the path (isGone is a GET); "*" when the path is a variable's.
                const calls = [...text.slice(Math.max(0, (m.index ?? 0) - 120), m.index).matchAll(/\.(get|post|put|patch|delete|isGone)\b/g)];
                const verb = calls.length ? calls[calls.length - 1][1].replace("isGone", "get").toUpperCase() : "*";
                used.add(`${verb} ${m[1] ? norm(m[1]) : `:path${m[2]}`}`);
            }
        }
        const requested = CASES.flatMap((c) => c.steps.map((s) => `${s.method} ${norm(s.path)}`));
        const found = (u: string) => {
            const [verb, p] = u.split(" ");
            return requested.some((r) => {
                const [rv, rp] = r.split(" ");
                return (verb === "*" || verb === rv) && (p.startsWith(":path") ? rp.endsWith(p.slice(5)) : rp === p);
            });
        };
        expect([...used].filter((u) => !found(u))).toEqual([]);
    });

    test("case counts per profile", () => {
        const counts = Object.fromEntries(PROFILES.map((p) => [p, CASES.filter((c) => c.versions.includes(p)).length]));
        console.log(`conformance cases per profile: ${JSON.stringify(counts)} (${CASES.length} cases in all)`);
        expect(Object.values(counts).every((n) => n > 0)).toBe(true);
    });
});
