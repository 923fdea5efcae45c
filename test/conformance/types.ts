// Conformance cases as data: requests against a Grafana (real or emulator) and the answers Grafana gives.

/** Behaviour profiles: Grafana 10.0 (observed on a real server), 11.6 and 12.x and 13.x (from documentation and release notes). */
export const PROFILES = ["10.0", "11.6", "12.x", "13.x"] as const;
export type Profile = (typeof PROFILES)[number];
export const ALL: Profile[] = ["10.0", "11.6", "12.x", "13.x"];

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A value check inside an expected body. Plain literals match exactly; plain objects match the keys listed (others may exist). */
export type Marker =
    | { $m: "type"; type: "string" | "number" | "boolean" | "null" | "object" | "array" }
    | { $m: "any" }
    | { $m: "absent" }
    | { $m: "optional"; shape: Shape }
    | { $m: "regex"; source: string }
    | { $m: "oneOf"; shapes: Shape[] }
    | { $m: "each"; shape: Shape; min?: number; length?: number }
    | { $m: "has"; shape: Shape }
    | { $m: "lacks"; shape: Shape }
    | { $m: "exact"; keys: { [k: string]: Shape } }
    | { $m: "ordered"; keys: string[] | null; shape: Shape };
export type Shape = null | boolean | number | string | Marker | Shape[] | { [k: string]: Shape };

export const str: Marker = { $m: "type", type: "string" };
export const num: Marker = { $m: "type", type: "number" };
export const bool: Marker = { $m: "type", type: "boolean" };
export const nul: Marker = { $m: "type", type: "null" };
export const object: Marker = { $m: "type", type: "object" };
export const array: Marker = { $m: "type", type: "array" };
export const anything: Marker = { $m: "any" };
/** The key must not be in the body. */
export const absent: Marker = { $m: "absent" };
export const opt = (shape: Shape): Marker => ({ $m: "optional", shape });
export const re = (r: RegExp): Marker => ({ $m: "regex", source: r.source });
export const oneOf = (...shapes: Shape[]): Marker => ({ $m: "oneOf", shapes });
/** An array whose every element matches. */
export const each = (shape: Shape, n: { min?: number; length?: number } = {}): Marker => ({ $m: "each", shape, ...n });
/** An array with at least one element matching. */
export const has = (shape: Shape): Marker => ({ $m: "has", shape });
/** An array with no element matching. */
export const lacks = (shape: Shape): Marker => ({ $m: "lacks", shape });
/** An object with exactly these keys (traceID aside: it is never checked). */
export const exact = (keys: { [k: string]: Shape }): Marker => ({ $m: "exact", keys });

/** The object's keys come in this order (null: sorted alphabetically), and it matches `shape`. */
export const ordered = (keys: string[] | null, shape: Shape): Marker => ({ $m: "ordered", keys, shape });

export const UUID = re(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
export const ADDRESS: Shape = { address1: str, address2: str, city: str, zipCode: str, state: str, country: str };

/** Who sends the request. Default "admin": server-admin basic auth. Strings may hold placeholders. */
export type AuthRef = "admin" | "none" | "wrong-password" | { basic: string } | { bearer: string };

/** Body of POST /__emulator/faults (emulator only). */
export interface FaultSpec {
    method?: string;
    /** exact path, or a regex when it starts with ^ */
    path?: string;
    faults: {
        status?: number;
        body?: Json;
        applyThenStatus?: boolean;
        applyThenReset?: boolean;
        reset?: boolean;
        html?: string;
        delayMs?: number;
    }[];
}

export interface Request {
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
    /** may hold {{placeholders}} */
    path: string;
    auth?: AuthRef;
    /** X-Grafana-Org-Id */
    org?: number | string;
    body?: Json;
}

export interface Step extends Request {
    /** The transcript heading ("#### ..." in test/support/grafana-observed.md) this step repeats, if any. */
    observed?: string;
    /** Armed just before this request (emulator only: the case must declare needs: ["fault"]). */
    fault?: FaultSpec;
    expect: {
        status: number;
        /** Checked against the JSON body (or the text, when not JSON). traceID is never checked. */
        body?: Shape;
        /** Content-Type must match. */
        contentType?: RegExp;
    };
    /** Variables taken from the answer: name -> dotted path in the body ("orgId", "0.id", "dashboard.version"). */
    save?: Record<string, string>;
}

export type Need = "fault";

export interface Case {
    name: string;
    /** Profiles the case holds for. */
    versions: Profile[];
    /** Why these versions (what is known for the others). */
    versionNote?: string;
    /** Where the expected answers come from: the transcript heading, a documentation page, a release note. */
    source: string;
    needs?: Need[];
    steps: Step[];
    /** Best effort, never asserted; steps whose placeholders are unset are left out. */
    cleanup?: Request[];
}
