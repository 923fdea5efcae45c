// Prints "N passed, N failed" from jest's --json results in a directory (test-results/jest*.json: the main run and
// the SDK matrix); each line of checks-failed.txt (format, lint, type-check, ...) counts as one failure.
const fs = require("fs");
const path = require("path");
const [dir] = process.argv.slice(2);
let passed = 0;
let failed = 0;
try {
    failed += fs.readFileSync(path.join(dir, "checks-failed.txt"), "utf8").split("\n").filter(Boolean).length;
} catch {
    /* no failed check */
}
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^jest.*\.json$/.test(f)) : [];
if (!files.includes("jest.json")) {
    failed += 1;
    console.error(`no jest results in ${path.join(dir, "jest.json")}`);
}
for (const f of files) {
    try {
        const r = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
        passed += r.numPassedTests;
        failed += r.numFailedTests;
        // A suite that crashed before running its tests has no test counts: count it as a failure.
        failed += r.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0).length;
    } catch (e) {
        failed += 1;
        console.error(`unreadable jest results ${f}: ${e.message}`);
    }
}
console.log(`${passed} passed, ${failed} failed`);
