import { Case } from "../types";
import { accessCases } from "./access";
import { apiKeyCases } from "./api-keys";
import { apisCases } from "./apis";
import { dashboardCases } from "./dashboards";
import { dataSourceCases } from "./data-sources";
import { faultCases } from "./faults";
import { folderCases } from "./folders";
import { orgUserCases } from "./org-users";
import { orgCases } from "./orgs";
import { serviceAccountCases } from "./service-accounts";
import { tutorialCases } from "./tutorial";

export const CASES: Case[] = [
    ...orgCases,
    ...orgUserCases,
    ...apiKeyCases,
    ...serviceAccountCases,
    ...dashboardCases,
    ...folderCases,
    ...dataSourceCases,
    ...tutorialCases,
    ...faultCases,
    ...accessCases,
    ...apisCases,
];
