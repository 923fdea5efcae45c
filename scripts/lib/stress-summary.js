// Summary of scripts/stress: per test, runs / failed / passed / skipped and the first line of each failure.
// usage: node scripts/lib/stress-summary.js <dir with run-N.json> <K>
const fs = require("fs");
const path = require("path");

const [dir, kArg] = process.argv.slice(2);
const K = Number(kArg);
const strip = (s) => s.replace(/\u001b\[[0-9;]*m/g, "");
const tests = new Map(); // fullName -> { file, passed, failed, skipped, ms: [], failures: [] }
const entry = (file, name) => {
    const key = `${file} › ${name}`;
    if (!tests.has(key)) tests.set(key, { passed: 0, failed: 0, skipped: 0, ms: [], failures: [] });
    return tests.get(key);
};
const missingRuns = [];
let failedTotal = 0;
for (let i = 1; i <= K; i++) {
    const f = path.join(dir, `run-${i}.json`);
    if (!fs.existsSync(f)) {
        missingRuns.push(i);
        continue;
    }
    const result = JSON.parse(fs.readFileSync(f, "utf8"));
    for (const suite of result.testResults) {
        const file = path.relative(process.cwd(), suite.name);
        if (suite.assertionResults.length === 0 && suite.status === "failed") {
            // The suite itself failed (e.g. beforeAll threw before any test, or it did not compile).
            const e = entry(file, "(suite)");
            e.failed++;
            failedTotal++;
            e.failures.push(`run ${i}: ${strip(suite.message).trim().split("\n").slice(0, 3).join(" | ")}`);
            continue;
        }
        for (const a of suite.assertionResults) {
            const e = entry(file, a.fullName);
            if (a.status === "passed") e.passed++;
            else if (a.status === "failed") {
                e.failed++;
                failedTotal++;
                const msg = strip(a.failureMessages.join("\n"))
                    .trim()
                    .split("\n")
                    .filter((l) => l.trim() !== "");
                // The CLI's own "error:" line says why; else the assertion's first lines.
                const cliError = msg.find((l) => /^\s*error: /.test(l) && !/error: update failed/.test(l));
                const seed = msg.find((l) => /FAULT_SEED=\d+/.test(l))?.match(/FAULT_SEED=\d+/)?.[0];
                e.failures.push(`run ${i}${seed ? ` (${seed})` : ""}: ${(cliError ? cliError.trim() : msg.slice(0, 3).join(" | ")).slice(0, 600)}`);
            } else e.skipped++;
            if (typeof a.duration === "number") e.ms.push(a.duration);
        }
    }
}
const median = (xs) => {
    if (xs.length === 0) return NaN;
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
console.log(`\nstress: ${K} runs (${dir})`);
console.log("| failed | passed | skipped | median s | test |");
console.log("| ---: | ---: | ---: | ---: | --- |");
for (const [name, e] of tests) {
    console.log(`| ${e.failed} | ${e.passed} | ${e.skipped} | ${(median(e.ms) / 1000).toFixed(1)} | ${name} |`);
}
for (const [name, e] of tests) {
    if (e.failures.length > 0) {
        console.log(`\nfailures of ${name}:`);
        for (const f of e.failures) console.log(`  ${f}`);
    }
}
if (missingRuns.length > 0) console.log(`\nruns without a jest result (jest crashed or was killed; see run-N.log): ${missingRuns.join(", ")}`);
console.log(`\nstress: ${failedTotal} failure(s) in ${K} runs${missingRuns.length ? `, ${missingRuns.length} run(s) without result` : ""}`);
process.exit(failedTotal > 0 || missingRuns.length > 0 ? 1 : 0);
