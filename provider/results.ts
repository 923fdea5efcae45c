import type * as dynamic from "@pulumi/pulumi/dynamic";

/**
 * Drops undefined members (as JSON would: null inside arrays): the provider host turns results into protobuf Structs,
 * which reject undefined. Strings are kept as they are, not copied: a model is hundreds of KB.
 */
export function plain<T>(v: T): T {
    return v === undefined ? v : (withoutUndefined(v) as T);
}

const absent = (x: unknown) => x === undefined || typeof x === "function";

function withoutUndefined(v: unknown): unknown {
    if (Array.isArray(v)) return v.map((x) => (absent(x) ? null : withoutUndefined(x)));
    if (v === null || typeof v !== "object") return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!absent(x)) out[k] = withoutUndefined(x);
    return out;
}

/** Makes every result of a provider safe to send over gRPC. */
export function withPlainResults<I, O>(p: dynamic.ResourceProvider<I, O>): dynamic.ResourceProvider<I, O> {
    const { check, create, read, update } = p;
    return {
        ...p,
        check:
            check &&
            (async (olds, news) => {
                const r = await check(olds, news);
                return { ...r, inputs: plain(r.inputs) };
            }),
        create: async (inputs) => {
            const r = await create(inputs);
            return { ...r, outs: plain(r.outs) };
        },
        read:
            read &&
            (async (id, props) => {
                const r = await read(id, props);
                return { ...r, props: plain(r.props), ...(r.inputs ? { inputs: plain(r.inputs) } : {}) };
            }),
        update:
            update &&
            (async (id, olds, news) => {
                const r = await update(id, olds, news);
                return { ...r, outs: plain(r.outs) };
            }),
    };
}
