import type * as dynamic from "@pulumi/pulumi/dynamic";

/** Drops undefined members: the provider host turns results into protobuf Structs, which reject undefined. */
export function plain<T>(v: T): T {
    return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Makes every result of a provider safe to send over gRPC. */
export function withPlainResults<I, O>(p: dynamic.ResourceProvider<I, O>): dynamic.ResourceProvider<I, O> {
    const { check, create, read, update } = p;
    return {
        ...p,
        check: check && (async (olds, news) => {
            const r = await check(olds, news);
            return { ...r, inputs: plain(r.inputs) };
        }),
        create: async (inputs) => {
            const r = await create(inputs);
            return { ...r, outs: plain(r.outs) };
        },
        read: read && (async (id, props) => {
            const r = await read(id, props);
            return { ...r, props: plain(r.props), ...(r.inputs ? { inputs: plain(r.inputs) } : {}) };
        }),
        update: update && (async (id, olds, news) => {
            const r = await update(id, olds, news);
            return { ...r, outs: plain(r.outs) };
        }),
    };
}
