// Prints "N passed, N failed" from jest's --json results (a failed type-check counts as one failure).
const fs = require("fs");
const [file, tscRc] = process.argv.slice(2);
let passed = 0;
let failed = Number(tscRc || 0) === 0 ? 0 : 1;
try {
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    // A suite that crashed before running its tests has no test counts: count it as a failure.
    failed += r.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0).length;
} catch (e) {
    failed += 1;
    console.error(`no jest results in ${file}: ${e.message}`);
}
console.log(`${passed} passed, ${failed} failed`);
