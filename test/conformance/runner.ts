// Runs a conformance case against a target: resolves placeholders, sends each step, compares status and body shape.
import { randomBytes } from "crypto";
import * as fs from "fs";
import { AuthRef, Case, FaultSpec, Json, Marker, Request, Shape, Step } from "./types";

export interface Target {
    /** "emulator profile 10.0", or the URL of a real server */
    label: string;
    url: string;
    user: string;
    password: string;
    /** Arms a fault (emulator only). */
    injectFault?: (spec: FaultSpec) => Promise<void>;
}

type Vars = Map<string, Json>;
type Value = Json | undefined;

class Unresolved extends Error {}

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

function resolveString(s: string, vars: Vars): Json {
    const whole = /^\{\{(\w+)\}\}$/.exec(s);
    if (whole) {
        if (!vars.has(whole[1])) throw new Unresolved(`{{${whole[1]}}} is not set`);
        return vars.get(whole[1]) as Json;
    }
    return s.replace(PLACEHOLDER, (_, name: string) => {
        if (!vars.has(name)) throw new Unresolved(`{{${name}}} is not set`);
        return String(vars.get(name));
    });
}

function isMarker(s: Shape): s is Marker {
    return typeof s === "object" && s !== null && !Array.isArray(s) && typeof (s as { $m?: unknown }).$m === "string";
}

export function resolveJson(v: Json, vars: Vars): Json {
    if (typeof v === "string") return resolveString(v, vars);
    if (Array.isArray(v)) return v.map((x) => resolveJson(x, vars));
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveJson(x, vars)]));
    return v;
}

export function resolveShape(s: Shape, vars: Vars): Shape {
    if (typeof s === "string") return resolveString(s, vars);
    if (Array.isArray(s)) return s.map((x) => resolveShape(x, vars));
    if (s === null || typeof s !== "object") return s;
    if (!isMarker(s)) return Object.fromEntries(Object.entries(s).map(([k, x]) => [k, resolveShape(x, vars)]));
    switch (s.$m) {
        case "optional":
        case "has":
        case "lacks":
            return { ...s, shape: resolveShape(s.shape, vars) };
        case "each":
            return { ...s, shape: resolveShape(s.shape, vars) };
        case "ordered":
            return { ...s, shape: resolveShape(s.shape, vars) };
        case "oneOf":
            return { ...s, shapes: s.shapes.map((x) => resolveShape(x, vars)) };
        case "exact":
            return { ...s, keys: resolveShape(s.keys, vars) as { [k: string]: Shape } };
        default:
            return s;
    }
}

const show = (v: unknown): string => (v === undefined ? "(missing)" : JSON.stringify(v));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Appends to `errs` every way `actual` differs from `shape`; `at` names the place. */
export function match(shape: Shape, actual: unknown, at: string, errs: string[]): void {
    const fail = (what: string) => errs.push(`${at || "body"}: ${what}, got ${show(actual)}`);
    if (isMarker(shape)) {
        switch (shape.$m) {
            case "type": {
                const t = actual === null ? "null" : Array.isArray(actual) ? "array" : typeof actual;
                if (t !== shape.type) fail(`expected a ${shape.type}`);
                return;
            }
            case "any":
                if (actual === undefined) fail("expected a value");
                return;
            case "absent":
                if (actual !== undefined) fail("expected no such key");
                return;
            case "optional":
                if (actual !== undefined) match(shape.shape, actual, at, errs);
                return;
            case "regex":
                if (typeof actual !== "string" || !new RegExp(shape.source).test(actual)) fail(`expected a string matching /${shape.source}/`);
                return;
            case "oneOf":
                if (!shape.shapes.some((s) => matches(s, actual))) fail(`expected one of ${shape.shapes.map((s) => show(s)).join(" | ")}`);
                return;
            case "each":
                if (!Array.isArray(actual)) return void fail("expected an array");
                if (shape.length !== undefined && actual.length !== shape.length) fail(`expected ${shape.length} elements`);
                if (shape.min !== undefined && actual.length < shape.min) fail(`expected at least ${shape.min} elements`);
                actual.forEach((x, i) => match(shape.shape, x, `${at}[${i}]`, errs));
                return;
            case "has":
                if (!Array.isArray(actual)) return void fail("expected an array");
                if (!actual.some((x) => matches(shape.shape, x))) fail(`expected an element matching ${show(shape.shape)}`);
                return;
            case "lacks":
                if (!Array.isArray(actual)) return void fail("expected an array");
                if (actual.some((x) => matches(shape.shape, x))) fail(`expected no element matching ${show(shape.shape)}`);
                return;
            case "exact": {
                if (!isObject(actual)) return void fail("expected an object");
                const want = Object.keys(shape.keys).filter((k) => !(isMarker(shape.keys[k]) && (shape.keys[k] as Marker).$m === "absent"));
                const extra = Object.keys(actual).filter((k) => k !== "traceID" && !want.includes(k));
                if (extra.length) errs.push(`${at || "body"}: unexpected keys ${extra.join(", ")}`);
                match(shape.keys, actual, at, errs);
                return;
            }
            case "ordered": {
                if (!isObject(actual)) return void fail("expected an object");
                const keys = Object.keys(actual);
                const want = shape.keys ?? [...keys].sort();
                if (keys.slice(0, want.length).join(",") !== want.join(","))
                    errs.push(`${at || "body"}: keys in order ${keys.join(",")}, expected ${want.join(",")}`);
                match(shape.shape, actual, at, errs);
                return;
            }
        }
    }
    if (Array.isArray(shape)) {
        if (!Array.isArray(actual)) return void fail("expected an array");
        if (actual.length !== shape.length) return void fail(`expected ${shape.length} elements`);
        shape.forEach((s, i) => match(s, actual[i], `${at}[${i}]`, errs));
        return;
    }
    if (shape !== null && typeof shape === "object") {
        if (!isObject(actual)) return void fail("expected an object");
        for (const [k, s] of Object.entries(shape)) {
            const v = actual[k];
            const place = at ? `${at}.${k}` : k;
            if (v === undefined && !(isMarker(s) && (s.$m === "absent" || s.$m === "optional"))) {
                errs.push(`${place}: missing (expected ${show(s)})`);
                continue;
            }
            match(s, v, place, errs);
        }
        return;
    }
    if (actual !== shape) fail(`expected ${show(shape)}`);
}

function matches(shape: Shape, actual: unknown): boolean {
    const errs: string[] = [];
    match(shape, actual, "", errs);
    return errs.length === 0;
}

export interface Answer {
    status: number;
    contentType: string;
    body: unknown;
}

function authHeader(t: Target, auth: AuthRef | undefined, vars: Vars): string | undefined {
    const basic = (s: string) => `Basic ${Buffer.from(s).toString("base64")}`;
    if (auth === undefined || auth === "admin") return basic(`${t.user}:${t.password}`);
    if (auth === "none") return undefined;
    if (auth === "wrong-password") return basic(`${t.user}:wrong-password-${String(vars.get("sfx"))}`);
    if ("basic" in auth) return basic(String(resolveString(auth.basic, vars)));
    return `Bearer ${String(resolveString(auth.bearer, vars))}`;
}

export async function send(t: Target, r: Request, vars: Vars): Promise<Answer> {
    const headers: Record<string, string> = { Accept: "application/json" };
    const auth = authHeader(t, r.auth, vars);
    if (auth) headers.Authorization = auth;
    if (r.org !== undefined) headers["X-Grafana-Org-Id"] = String(typeof r.org === "string" ? resolveString(r.org, vars) : r.org);
    const body = r.body === undefined ? undefined : JSON.stringify(resolveJson(r.body, vars));
    if (body !== undefined) headers["Content-Type"] = "application/json";
    try {
        const res = await fetch(`${t.url}${String(resolveString(r.path, vars))}`, {
            method: r.method,
            headers,
            body,
            redirect: "manual",
            signal: AbortSignal.timeout(20_000),
        });
        const text = await res.text();
        let parsed: unknown = text;
        try {
            if (text !== "") parsed = JSON.parse(text);
        } catch {
            /* not JSON */
        }
        return { status: res.status, contentType: res.headers.get("content-type") ?? "", body: parsed };
    } catch (e) {
        return { status: 0, contentType: "", body: `no answer: ${e instanceof Error ? e.message : String(e)}` };
    }
}

function pick(body: unknown, path: string): Json | undefined {
    let v: unknown = body;
    for (const part of path.split(".")) {
        if (Array.isArray(v)) v = v[Number(part)];
        else if (isObject(v)) v = v[part];
        else return undefined;
    }
    return v as Value;
}

function describeRequest(r: Request, vars: Vars): string {
    const safe = (f: () => Json): string => {
        try {
            return show(f());
        } catch {
            return "(unresolved)";
        }
    };
    const auth = r.auth === undefined ? "admin basic" : typeof r.auth === "string" ? r.auth : "basic" in r.auth ? "basic user" : "bearer token";
    const org =
        r.org === undefined ? "" : ` X-Grafana-Org-Id: ${safe(() => (typeof r.org === "string" ? resolveString(r.org, vars) : (r.org ?? null)))}`;
    const body = r.body === undefined ? "" : `\n    body ${safe(() => resolveJson(r.body ?? null, vars))}`;
    return `${r.method} ${safe(() => resolveString(r.path, vars))}  [${auth}${org}]${body}`;
}

export interface Failure {
    target: string;
    case: string;
    versions: string;
    source: string;
    step: number;
    observed?: string;
    request: string;
    expected: string;
    actual: string;
    problems: string[];
}

export function newVars(t: Target): Vars {
    return new Map<string, Json>([
        ["sfx", randomBytes(6).toString("hex").slice(0, 8)],
        ["adminLogin", t.user],
    ]);
}

/** Runs every step; throws on the first mismatch with the request, the expected and the actual answer. Cleanup always runs. */
export async function runCase(t: Target, c: Case): Promise<void> {
    const vars = newVars(t);
    try {
        for (const [i, step] of c.steps.entries()) await runStep(t, c, i, step, vars);
    } finally {
        for (const r of c.cleanup ?? []) {
            try {
                await send(t, r, vars);
            } catch {
                /* best effort */
            }
        }
    }
}

async function runStep(t: Target, c: Case, i: number, step: Step, vars: Vars): Promise<void> {
    if (step.fault) {
        if (!t.injectFault) throw new Error(`step ${i + 1} needs a fault, and ${t.label} has no fault hook`);
        await t.injectFault(step.fault);
    }
    const got = await send(t, step, vars);
    const problems: string[] = [];
    if (got.status !== step.expect.status) problems.push(`status ${got.status}, expected ${step.expect.status}`);
    if (step.expect.contentType && !step.expect.contentType.test(got.contentType))
        problems.push(`content-type ${got.contentType}, expected ${String(step.expect.contentType)}`);
    if (problems.length === 0) {
        for (const [name, path] of Object.entries(step.save ?? {})) {
            const v = pick(got.body, path);
            if (v === undefined) problems.push(`nothing at "${path}" to save as {{${name}}}`);
            else vars.set(name, v);
        }
    }
    let expected = "(any body)";
    if (step.expect.body !== undefined) {
        const shape = resolveShape(step.expect.body, vars);
        expected = show(shape);
        match(shape, got.body, "", problems);
    }
    if (problems.length === 0) return;
    const failure: Failure = {
        target: t.label,
        case: c.name,
        versions: c.versions.join(", "),
        source: c.source,
        step: i + 1,
        observed: step.observed,
        request: describeRequest(step, vars),
        expected: `${step.expect.status} ${expected}`,
        actual: `${got.status} ${show(got.body)}`.slice(0, 1500),
        problems,
    };
    if (process.env.CONFORMANCE_REPORT) fs.appendFileSync(process.env.CONFORMANCE_REPORT, JSON.stringify(failure) + "\n");
    throw new Error(
        [
            `${c.name}: step ${i + 1}${step.observed ? ` (transcript: "${step.observed}")` : ""} differs on ${t.label}`,
            `  request  ${failure.request}`,
            `  expected ${failure.expected}`,
            `  actual   ${failure.actual}`,
            ...problems.map((p) => `  - ${p}`),
            `  source: ${c.source}`,
        ].join("\n"),
    );
}
