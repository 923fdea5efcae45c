// Four suites: pure unit tests, provider tests over real HTTP/gRPC on loopback, installs of the package with real npm,
// and end-to-end tests with the real Pulumi CLI and real Grafana (skipped with a reason when the binaries are not installed).
const tsJest = { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] };
const project = (name, extra = {}) => ({
    displayName: name,
    testEnvironment: "node",
    transform: tsJest,
    roots: [`<rootDir>/test/${name}`],
    testMatch: ["**/*.test.ts"],
    ...extra,
});
module.exports = {
    projects: [project("unit"), project("provider"), project("install"), project("e2e")],
};
