import type * as dynamic from "@pulumi/pulumi/dynamic";
import { containsUnknown } from "./validate";

export interface FieldRule {
    /** Input property name. */
    name: string;
    /** Output property to compare against, if the stored value lives under another name. */
    stored?: string;
    /** A change to this field replaces the resource. */
    replace?: boolean;
    /** An absent new value means "keep what is there" (e.g. a uid Grafana assigned). */
    absentMeansKeep?: boolean;
}

export function deepEqual(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
        // Pulumi drops undefined and null the same way: treat them alike.
        return (a === undefined || a === null) && (b === undefined || b === null);
    }
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
    const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Pure diff over declared fields. `changes` is always set: left undefined, the engine would compare every input
 * itself, the serialized provider included.
 */
export function diffFields(
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
    rules: FieldRule[],
    /** For names that must stay unique (a key name in its org): the old one goes first. */
    deleteBeforeReplace = false,
): dynamic.DiffResult {
    const replaces: string[] = [];
    let changes = false;
    for (const rule of rules) {
        const next = news[rule.name];
        const prev = olds[rule.stored ?? rule.name];
        if (rule.absentMeansKeep && (next === undefined || next === null)) continue;
        const changed = containsUnknown(next) || !deepEqual(prev, next);
        if (!changed) continue;
        changes = true;
        if (rule.replace) replaces.push(rule.name);
    }
    return { changes, replaces, deleteBeforeReplace: deleteBeforeReplace && replaces.length > 0 };
}
