import type { GrafanaClient } from "./client";
import { defaultOrgId } from "./connection";

// The org rule, the same for every org-scoped resource:
// 1. its own `orgId`;
// 2. else the configured default (the resource's connection.orgId, stack config grafana:orgId, GRAFANA_ORG_ID; basic
//    auth only, since a token belongs to one org), filled in by `check` and so stored in the inputs: a later change
//    of the default is a diff the preview shows, and a preview needs no HTTP call;
// 3. else the org of the credential (a token's org, the user's current org), asked at create (GET /api/org) and
//    kept in the outputs.

/** Check's half: the inputs with the configured default as `orgId` when none is declared. */
export function withDefaultOrg<T extends { orgId?: number | null; connection?: unknown }>(news: T): T {
    if (news.orgId !== undefined && news.orgId !== null) return news;
    const fallback = defaultOrgId(news.connection);
    return fallback === undefined ? news : { ...news, orgId: fallback };
}

/** Create's half: the org from the inputs, else the credential's own org (also the org of an /apis call: app-platform.ts). */
export async function orgForCreate(client: GrafanaClient, orgId: number | undefined | null): Promise<number> {
    return orgId ?? (await client.get<{ id: number }>("/api/org")).data.id;
}
