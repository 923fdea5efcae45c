import type * as pulumi from "@pulumi/pulumi";
import { deepEqual } from "./diff";
import { logWarning } from "./transport";
import { checkOptionalBoolean, Failure, isUnknown } from "./validate";

/**
 * Adoption, one meaning for every kind that has it (Organization, OrgMembership, Folder, DataSource, Dashboard,
 * ServiceAccount): with `adopt: true`, create first looks the object up by its key (uid, name or login). Found and
 * equal to the declared inputs: it is recorded in the state without any write. Found and different: it is updated to
 * the declared inputs (the fields that differed are in the `adoptedChanges` output and in a warning of that `up`).
 * Not found: created as usual. After that the resource is managed like any other (destroy deletes it, except an
 * adopted OrgMembership, which destroy leaves in place with its previous role). `adopt` only acts in create: adding or
 * removing it later changes nothing.
 *
 * ApiKey and ServiceAccountToken have no `adopt`: Grafana shows a key only when it is made, so an existing one cannot
 * be taken over with its value.
 */
export interface AdoptArgs {
    /**
     * Take over an object that already exists in Grafana with this resource's key (uid, name or login) instead of
     * creating it: recorded without a write when it matches the declared inputs, updated to them when it differs.
     * Only read at create. A preview cannot tell which (it makes no call): it shows a create.
     */
    adopt?: pulumi.Input<boolean>;
}

export interface AdoptInputs {
    adopt?: boolean;
}

export interface AdoptOutputs {
    /** True when create found the object in Grafana and took it over. */
    adopted?: boolean;
    /** The fields create had to change in Grafana when adopting (absent or empty: recorded without a write). */
    adoptedChanges?: string[];
}

/** `adopt`, else a deprecated alias (Organization.adoptExisting, Dashboard.overwrite). */
export function wantsAdopt(inputs: AdoptInputs, alias?: boolean): boolean {
    return inputs.adopt ?? alias ?? false;
}

/**
 * Check's part: `adopt` must be a boolean. A preview makes no call, so it cannot say whether an adopted resource will
 * be recorded or updated: the first create to preview with `adopt: true` in a provider process says so once.
 */
export function checkAdopt(failures: Failure[], type: string, olds: unknown, news: { adopt?: unknown }): void {
    checkOptionalBoolean(failures, "adopt", news.adopt);
    const creating = !olds || Object.keys(olds as object).length === 0;
    if (news.adopt === true && creating) noteOnce(type);
}

function noteOnce(type: string): void {
    const g = globalThis as unknown as { __pulumiGrafanaDynamicAdoptNoted?: string[] };
    const noted = (g.__pulumiGrafanaDynamicAdoptNoted ??= []);
    if (noted.includes(type)) return;
    noted.push(type);
    logWarning(
        `grafana: ${type} resources with adopt: true preview as "create" (a preview makes no call to Grafana). At \`up\`, each one ` +
            "that exists in Grafana is recorded without a write when it matches the declared inputs, or updated to them when it " +
            "differs (a warning names the fields; the adoptedChanges output keeps them). Run `pulumi up` then `pulumi preview` to see no changes.",
    );
}

/** The declared fields whose value differs from Grafana's (undefined declared = "not managed", skipped unless `strict`). */
export function differingFields(
    declared: Record<string, unknown>,
    existing: Record<string, unknown>,
    fields: string[],
    strict: string[] = [],
): string[] {
    return fields.filter((f) => {
        const want = declared[f];
        if ((want === undefined || want === null || isUnknown(want)) && !strict.includes(f)) return false;
        return !deepEqual(want, existing[f]);
    });
}

export interface Found<T> {
    existing: T;
    /** Fields to update; empty: record without a write. */
    changed: string[];
}

/**
 * The shared step of every create with `adopt`: look the object up; when found, compute what differs and say so.
 * Undefined (not adopting, or nothing there): create as usual.
 */
export async function findForAdoption<T>(
    label: string,
    adopt: boolean,
    find: () => Promise<T | undefined>,
    differences: (existing: T) => string[],
): Promise<Found<T> | undefined> {
    if (!adopt) return undefined;
    const existing = await find();
    if (existing === undefined || existing === null) return undefined;
    const changed = differences(existing);
    if (changed.length > 0) {
        logWarning(`${label}: adopted an existing object that differed from the declared inputs in ${changed.join(", ")}: updated it`);
    }
    return { existing, changed };
}

/** The outputs' adoption fields. */
export function adoptionOutputs(found: Found<unknown>): Required<AdoptOutputs> {
    return { adopted: true, adoptedChanges: found.changed };
}
