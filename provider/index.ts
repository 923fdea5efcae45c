export { Organization, OrganizationArgs, OrganizationOutputs, organizationProvider } from "./organization";
export { OrgMembership, OrgMembershipArgs, OrgMembershipOutputs, orgMembershipProvider } from "./org-membership";
export { ApiKey, ApiKeyArgs, ApiKeyKind, ApiKeyOutputs, apiKeyProvider } from "./api-key";
export { Dashboard, DashboardArgs, DashboardOutputs, dashboardProvider } from "./dashboard";
export { Folder, FolderArgs, FolderOutputs, folderProvider } from "./folder";
export {
    SERVICE_ACCOUNT_ROLES,
    ServiceAccount,
    ServiceAccountArgs,
    ServiceAccountOutputs,
    ServiceAccountRole,
    serviceAccountProvider,
} from "./service-account";
export { ServiceAccountToken, ServiceAccountTokenArgs, ServiceAccountTokenOutputs, serviceAccountTokenProvider } from "./service-account-token";
export { DATA_SOURCE_ACCESS, DataSource, DataSourceAccess, DataSourceArgs, DataSourceOutputs, dataSourceProvider } from "./data-source";
export { ConnectionArgs } from "./connection";
export { GrafanaClient, GrafanaError } from "./client";
export { canonicalJson, dashboardHash, normalizeDashboard, parseDashboard } from "./dashboard-json";
export { ORG_ROLES, OrgRole } from "./validate";
export { AdoptArgs } from "./adopt";
