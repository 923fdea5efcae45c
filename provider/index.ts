// The public API: every resource kind from the registry (classes, args and outputs types, providers, kinds), then
// the shared pieces.
export * from "./registry";
export { KINDS } from "./kinds";
export { Kind } from "./kit";
export { ConnectionArgs } from "./connection";
export { GrafanaClient, GrafanaError } from "./client";
export { canonicalJson, dashboardHash, normalizeDashboard, parseDashboard } from "./dashboard-json";
export { ORG_ROLES, OrgRole } from "./validate";
export { AdoptArgs } from "./adopt";
