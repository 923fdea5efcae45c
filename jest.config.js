// Suites: pure unit tests, provider tests over real HTTP/gRPC on loopback, installs of the package with real npm,
// end-to-end tests with the real Pulumi CLI on the Grafana API emulator (skipped with a reason when the binaries are not
// installed), the conformance cases (emulator profiles, or a real Grafana given by GRAFANA_URL), and the emulator's own tests.
const tsJest = { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] };
const project = (name, extra = {}) => ({
    displayName: name,
    testEnvironment: "node",
    transform: tsJest,
    roots: [`<rootDir>/test/${name}`],
    testMatch: ["**/*.test.ts"],
    ...extra,
});
// Only projects whose folders exist: scripts/lib/sdk-matrix.sh runs the provider suite in a copy holding test/ only.
const exists = (p) => p.roots.every((r) => require("fs").existsSync(r.replace("<rootDir>", __dirname)));
module.exports = {
    projects: [
        project("unit"),
        project("provider", { setupFilesAfterEnv: ["<rootDir>/test/support/emulator-guard.ts"] }),
        project("install"),
        project("e2e"),
        project("conformance"),
        { ...project("emulator"), roots: ["<rootDir>/emulator/test"] },
    ].filter(exists),
};
