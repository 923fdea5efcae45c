export { Organization, OrganizationArgs, OrganizationOutputs, organizationProvider } from "./organization";
export { OrgMembership, OrgMembershipArgs, OrgMembershipOutputs, orgMembershipProvider } from "./org-membership";
export { ApiKey, ApiKeyArgs, ApiKeyKind, ApiKeyOutputs, apiKeyProvider } from "./api-key";
export { Dashboard, DashboardArgs, DashboardOutputs, dashboardProvider } from "./dashboard";
export { ConnectionArgs } from "./connection";
export { GrafanaClient, GrafanaError } from "./client";
export { canonicalJson, dashboardHash, normalizeDashboard, parseDashboard } from "./dashboard-json";
export { ORG_ROLES, OrgRole } from "./validate";
