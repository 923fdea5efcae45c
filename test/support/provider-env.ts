import { processState } from "../../provider/connection";
import { forgetServerVersions } from "../../provider/server-version";
import { FakeGrafana, FakeGrafanaOptions } from "./fake-grafana";

/** What a new provider process (the next `pulumi up`) starts with: no clients, limits or open breakers. */
export function newProviderProcess(): void {
    const s = processState();
    s.clients.clear();
    s.writeLimiters.clear();
    s.breakers.clear();
    s.noLegacyKeys.clear();
    s.configError = undefined;
    forgetServerVersions();
}

export const ADMIN_PASSWORD = "fake-admin-Pw-7731";

/** A fresh fake Grafana per test, wired to the provider through GRAFANA_URL / GRAFANA_AUTH, with a short backoff. */
export async function startFake(opts: FakeGrafanaOptions = {}): Promise<FakeGrafana> {
    newProviderProcess();
    const fake = await FakeGrafana.start({ adminPassword: ADMIN_PASSWORD, ...opts });
    process.env.GRAFANA_URL = fake.url;
    process.env.GRAFANA_AUTH = `admin:${ADMIN_PASSWORD}`;
    process.env.GRAFANA_RETRY_BASE_MS = "5";
    return fake;
}

/** The rejection message of a promise (fails the test if it resolves). */
export async function errorOf(p: Promise<unknown>): Promise<string> {
    try {
        await p;
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error("expected a rejection");
}

export function writes(fake: FakeGrafana) {
    return fake.requests.filter((r) => r.method !== "GET");
}
