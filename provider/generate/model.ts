/** What `generate` read from Grafana, in the shape the writer needs. Plain data: the writer makes no call. */
export interface Snapshot {
    /** Grafana's base URL (for the header comment and the printed config lines). */
    url: string;
    /** True when the credential was user:password: the program then names orgs by reference (Organization resources). */
    basicAuth: boolean;
    orgs: OrgSnapshot[];
    /** What was left out and why (beyond per-org entries), e.g. orgs the credential cannot read. */
    skipped: Skip[];
}

export interface OrgSnapshot {
    id: number;
    name: string;
    members: Member[];
    folders: FolderSnap[];
    dashboards: DashboardSnap[];
    dataSources: DataSourceSnap[];
    serviceAccounts: ServiceAccountSnap[];
    skipped: Skip[];
}

export interface Member {
    userId: number;
    login: string;
    role: string;
}

export interface FolderSnap {
    uid: string;
    title: string;
    /** "" at the root. */
    parentUid: string;
}

export interface DashboardSnap {
    uid: string;
    title: string;
    /** "" in the General folder. */
    folderUid: string;
    /** The model as Grafana stores it (id and version are dropped by the writer). */
    model: Record<string, unknown>;
}

export interface DataSourceSnap {
    uid: string;
    name: string;
    type: string;
    url?: string;
    access?: string;
    isDefault?: boolean;
    basicAuth?: boolean;
    basicAuthUser?: string;
    jsonData?: Record<string, unknown>;
    /** Names of the secure fields Grafana holds (values are never readable). */
    secureJsonFields: string[];
}

export interface ServiceAccountSnap {
    id: number;
    name: string;
    role: string;
    isDisabled: boolean;
    tokens: number;
}

export interface Skip {
    /** e.g. `dashboard "Node exporter" (uid abc)` */
    what: string;
    why: string;
}
