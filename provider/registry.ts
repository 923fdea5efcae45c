// The resource kinds, one line each (as terraform-provider-grafana's resources.go lists its resources). Everything
// else is derived from these lines: the package's exports (index.ts), the providers the state's generic host entry
// serves (host/index.ts, through KINDS in kinds.ts) and the tests that enumerate every kind. Each module exports its
// class, its args and outputs types, its provider and its `Kind` (defineKind in kit.ts).
export * from "./organization";
export * from "./org-membership";
export * from "./api-key";
export * from "./dashboard";
export * from "./folder";
export * from "./service-account";
export * from "./service-account-token";
export * from "./data-source";
export * from "./team";
export * from "./team-membership";
export * from "./folder-permissions";
export * from "./dashboard-permissions";
