import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { createHash } from "crypto";
import { configureFromStack, ConnectionArgs } from "./connection";
import { withPlainResults } from "./results";

/**
 * The wiring every resource repeats, in one place: each provider object gets the stack-config `configure` and
 * results that survive the gRPC Struct conversion.
 */
export function defineProvider<I, O>(impl: Omit<dynamic.ResourceProvider<I, O>, "configure">): dynamic.ResourceProvider<I, O> {
    return withPlainResults<I, O>({ configure: configureFromStack, ...impl });
}

/**
 * What every resource's inputs carry beside its own args. Keys starting with "__" are internal to the engine's
 * display: they never show in a preview's diff.
 */
export interface CommonInputs {
    /** The Pulumi resource name, for messages. */
    __resourceName: string;
    /** The same, as states written by 0.1.0 stored it. */
    resourceName?: string;
}

/**
 * The props a resource class hands to `dynamic.Resource`: its public output properties registered (as undefined, so
 * they are no inputs), the args given, the connection wrapped as a secret, and the resource name. Nothing else: the
 * SDK spends four promises with a formatted stack trace on every prop of every resource, whatever its value.
 */
export function resourceProps(
    name: string,
    args: { connection?: pulumi.Input<ConnectionArgs> },
    publicOutputs: readonly string[],
    extra: Record<string, unknown> = {},
): Record<string, unknown> {
    const props: Record<string, unknown> = Object.fromEntries(publicOutputs.map((n) => [n, undefined]));
    for (const [k, v] of Object.entries({ ...args, ...extra })) if (v !== undefined || k in props) props[k] = v;
    if (args.connection) props.connection = pulumi.secret(args.connection);
    props.__resourceName = name;
    return props;
}

/** `<Type> "<resource name>"`, the prefix of every error a resource reports. */
export function labeller(type: string): (p: { __resourceName?: string; resourceName?: string }) => string {
    return (p) => `${type} "${p.__resourceName ?? p.resourceName ?? "?"}"`;
}

/**
 * A Grafana uid derived from what names the resource (project, stack, type, resource name), computed in the program.
 * A create retried after a crash, a lost answer or a killed `up` uses the same uid, finds its own first attempt and
 * takes it over instead of making a second object. 20 characters of [A-Za-z0-9_-], within Grafana's 40.
 */
export function derivedUid(type: string, name: string): string {
    const seed = [pulumi.getProject(), pulumi.getStack(), type, name].join("\u0000");
    return createHash("sha256").update(seed).digest("base64url").slice(0, 20);
}

/**
 * Check's inputs with the derived uid (`__autoUid`) as the `uid` input when none is declared: the engine previews an
 * update's outputs from its inputs, so a dependent's `folderUid: folder.uid` stays known (no false change).
 */
export function withDerivedUid<T extends { uid?: string | null; __autoUid?: string; __uidDerived?: boolean }>(news: T): T {
    const derived = (news.uid === undefined || news.uid === null) && !!news.__autoUid;
    return derived ? { ...news, uid: news.__autoUid, __uidDerived: true } : news;
}

/**
 * One resource kind, as the registry lists it (provider/registry.ts): its type (the token is
 * `pulumi-nodejs:dynamic/grafana:<type>`), its provider, its class and its source file.
 */
export interface Kind {
    readonly isGrafanaKind: true;
    readonly type: string;
    readonly provider: object;
    readonly resource: new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;
    /** The resource's source file in provider/, e.g. "folder.ts". */
    readonly file: string;
}

export function defineKind(k: Omit<Kind, "isGrafanaKind">): Kind {
    return { isGrafanaKind: true, ...k };
}

export function isKind(v: unknown): v is Kind {
    return typeof v === "object" && v !== null && (v as Partial<Kind>).isGrafanaKind === true;
}
