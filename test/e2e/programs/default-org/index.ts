// No resource names an org: stack config grafana:orgId (with the admin's basic auth) decides for all of them.
import { Dashboard, DataSource, Folder, ServiceAccount, ServiceAccountToken } from "../../../../provider";

const folder = new Folder("folder", { title: "Default org folder" });
const dashboard = new Dashboard("dashboard", { dashboard: { title: "In the default org's folder" }, folderUid: folder.uid });
const ds = new DataSource("ds", { name: "Default org Prometheus", type: "prometheus", url: "http://prometheus.invalid:9090" });
const sa = new ServiceAccount("sa", { name: "default-org-bot", role: "Viewer" });
const token = new ServiceAccountToken("token", { serviceAccountId: sa.serviceAccountId, name: "default-org-bot" });

export const folderUid = folder.uid;
export const folderOrg = folder.orgId;
export const dashboardUid = dashboard.uid;
export const dashboardOrg = dashboard.orgId;
export const dataSourceUid = ds.uid;
export const dataSourceOrg = ds.orgId;
export const serviceAccountId = sa.serviceAccountId;
export const serviceAccountOrg = sa.orgId;
export const tokenOrg = token.orgId;
export const tokenKey = token.key;
