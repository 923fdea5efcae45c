// Prints what a test run did, from jest's --json results in a directory (test-results/jest*.json: the main run and
// the SDK matrix) and checks-failed.txt (format, lint, type-check, ...: each line counts as one failure):
//   skipped: <file>: <test>          one line per skipped test (the name says why, e.g. "... needs: not installed: ...")
//   N skipped
//   N passed, N failed               always the last line
// A suite that failed outside its tests (a hook such as afterAll threw, a runtime error, a crash before any test ran)
// counts as one failure even when all its tests passed. Results older than this run are not read: only files written
// at or after --since <epoch ms> (default: the time in <dir>/.run-start, written by scripts/test) count, and a main
// jest.json from an earlier run counts as missing.
//   node scripts/summarize-results.js <dir> [--since <epoch ms>]
const fs = require("fs");
const path = require("path");

const args = process.argv.slice(2);
const dir = args[0] ?? "test-results";
let since = 0;
const sinceAt = args.indexOf("--since");
if (sinceAt >= 0) {
    since = Number(args[sinceAt + 1]);
} else {
    try {
        since = Number(fs.readFileSync(path.join(dir, ".run-start"), "utf8").trim());
    } catch {
        /* no start recorded: every file counts */
    }
}
if (!Number.isFinite(since)) since = 0;

let passed = 0;
let failed = 0;
const skipped = [];
const problems = [];

try {
    failed += fs.readFileSync(path.join(dir, "checks-failed.txt"), "utf8").split("\n").filter(Boolean).length;
} catch {
    /* no failed check */
}

const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^jest.*\.json$/.test(f)) : [];
let mainSeen = false;
for (const f of files) {
    const file = path.join(dir, f);
    // mtime has a coarse resolution on some file systems: a second of slack.
    if (fs.statSync(file).mtimeMs < since - 1000) {
        problems.push(`ignored ${file}: written before this run`);
        continue;
    }
    let r;
    try {
        r = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        failed += 1;
        problems.push(`unreadable jest results ${file}: ${e.message}`);
        continue;
    }
    if (typeof r.startTime === "number" && r.startTime < since - 1000) {
        problems.push(`ignored ${file}: a run that started before this one`);
        continue;
    }
    if (f === "jest.json") mainSeen = true;
    const label = f === "jest.json" ? "" : `[${f.replace(/^jest-?|\.json$/g, "")}] `;
    for (const suite of r.testResults ?? []) {
        const tests = suite.assertionResults ?? [];
        const rel = path.relative(process.cwd(), suite.name ?? "?");
        passed += tests.filter((t) => t.status === "passed").length;
        const failedTests = tests.filter((t) => t.status === "failed").length;
        failed += failedTests;
        for (const t of tests.filter((t) => t.status === "pending" || t.status === "skipped" || t.status === "todo")) {
            skipped.push(`${label}${rel}: ${t.fullName || t.title}`);
        }
        // Failed outside its tests: a hook, a runtime error, or no test ran at all.
        if (suite.status === "failed" && failedTests === 0) {
            failed += 1;
            const why = String(suite.message || suite.failureMessage || suite.testExecError?.message || "failed outside its tests");
            problems.push(
                `${label}${rel} failed outside its tests: ${why
                    .split("\n")
                    .map((l) => l.trim())
                    .filter((l) => l && !l.startsWith("●"))
                    .slice(0, 2)
                    .join(" / ")
                    .slice(0, 300)}`,
            );
        }
    }
}
if (!mainSeen) {
    failed += 1;
    problems.push(`no jest results of this run in ${path.join(dir, "jest.json")}`);
}

for (const p of problems) console.error(p);
for (const s of skipped) console.log(`skipped: ${s}`);
console.log(`${skipped.length} skipped`);
console.log(`${passed} passed, ${failed} failed`);
