import type * as dynamic from "@pulumi/pulumi/dynamic";
import * as fs from "fs";
import * as path from "path";

/** Where the provider host finds an implementation: plain strings, computed in the program. */
export interface ImplRef {
    /** Package specifier, when the library is installed under node_modules. */
    pkg?: string;
    /** Path relative to the program directory (the provider host's working directory). */
    rel: string;
    /** Absolute path in the program's checkout, the last resort. */
    abs: string;
    /** Name of the exported provider object. */
    name: string;
}

const METHODS = ["configure", "check", "diff", "create", "read", "update", "delete"] as const;

export function implRef(file: string, name: string): ImplRef {
    const abs = file.replace(/\.(ts|js)$/, "");
    let pkg: string | undefined;
    // Installed as a package: <...>/node_modules/<name>/provider/x.js -> "<name>/provider/x".
    for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
        const manifest = path.join(dir, "package.json");
        if (fs.existsSync(manifest)) {
            if (path.basename(path.dirname(dir)) === "node_modules" || path.basename(path.dirname(path.dirname(dir))) === "node_modules") {
                const pkgName = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name;
                if (pkgName) pkg = `${pkgName}/${path.relative(dir, abs).split(path.sep).join("/")}`;
            }
            break;
        }
    }
    return { pkg, rel: path.relative(process.cwd(), abs), abs, name };
}

type Impl = Record<string, ((...a: unknown[]) => unknown) | undefined>;

/**
 * Runs in the provider host: everything it uses is inside this function or in `ref`. A `.ts` file (a checkout
 * used straight from TypeScript) is compiled with ts-node, as the program was. No comments inside: they would be
 * serialized into every resource's state.
 */
function loadImpl(ref: ImplRef): Impl {
    const g = globalThis as unknown as { __pulumiGrafanaDynamicImpls?: Record<string, Impl>; __pulumiGrafanaDynamicTsNode?: boolean };
    const cache = (g.__pulumiGrafanaDynamicImpls ??= {});
    const key = `${ref.abs}#${ref.name}`;
    if (cache[key]) return cache[key];
    const cwd = process.cwd();
    const candidates = [ref.pkg, (require("path") as typeof path).resolve(cwd, ref.rel), ref.abs].filter((c): c is string => !!c);
    const errors: string[] = [];
    for (const c of candidates) {
        let file: string;
        try {
            file = require.resolve(c, { paths: [cwd] });
        } catch {
            try {
                file = require.resolve(`${c}.ts`, { paths: [cwd] });
            } catch (e) {
                errors.push((e as Error).message.split("\n")[0]);
                continue;
            }
        }
        if (file.endsWith(".ts") && !g.__pulumiGrafanaDynamicTsNode) {
            require(require.resolve("ts-node", { paths: [cwd] })).register({ transpileOnly: true, compilerOptions: { module: "commonjs" } });
            g.__pulumiGrafanaDynamicTsNode = true;
        }
        const impl = (require(file) as Record<string, Impl | undefined>)[ref.name];
        if (impl) return (cache[key] = impl);
        errors.push(`${file} has no export ${ref.name}`);
    }
    throw new Error(`cannot load the Grafana provider implementation (${errors.join("; ")}); is pulumi-grafana-dynamic installed?`);
}

/**
 * A provider object whose serialized text is about 2 KB instead of the whole library: every method loads the
 * implementation in the provider host (package name, else path from the program directory, else absolute path)
 * and calls it. Like a provider plugin, read and delete then run the installed library, not a copy in the state.
 */
export function thinProvider<I, O>(ref: ImplRef): dynamic.ResourceProvider<I, O> {
    const call =
        (method: string) =>
        (...args: unknown[]) => {
            const impl = loadImpl(ref);
            return impl[method]!.apply(impl, args);
        };
    const stub: Record<string, unknown> = {};
    for (const method of METHODS) stub[method] = call(method);
    return stub as unknown as dynamic.ResourceProvider<I, O>;
}

/**
 * The package specifier by which the program directory reaches `file` (a file of this library), if it does. Installed
 * from a local directory (npm makes a symlink) or as an npm workspace, the library's real path is outside
 * node_modules, yet the program still reaches it by name: then the state must name the package, not the path.
 */
export function packageSpecifier(file: string, cwd: string = process.cwd()): string | undefined {
    let dir = path.dirname(file);
    while (!fs.existsSync(path.join(dir, "package.json"))) {
        if (dir === path.dirname(dir)) return undefined;
        dir = path.dirname(dir);
    }
    const name = (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string }).name;
    if (!name) return undefined;
    const spec = `${name}/${path.relative(dir, file).split(path.sep).join("/")}`;
    try {
        return fs.realpathSync(require.resolve(spec, { paths: [cwd] })) === fs.realpathSync(file) ? spec : undefined;
    } catch {
        return undefined;
    }
}

/**
 * A provider object whose methods require the library's generic host entry by package name in the provider host
 * (from the program directory, its working directory) and call the provider of `type` there: about 2 KB of state,
 * no path of this machine. No comments inside: they would be serialized into every resource's state.
 */
export function packageProvider<I, O>(spec: string, type: string, methods: readonly string[]): dynamic.ResourceProvider<I, O> {
    const load = () => (require(require.resolve(spec, { paths: [process.cwd()] })) as { providers: Record<string, Impl> }).providers[type];
    const stub: Record<string, unknown> = {};
    for (const m of methods) stub[m] = (...a: unknown[]) => load()[m]!(...a);
    return stub as unknown as dynamic.ResourceProvider<I, O>;
}

/** The generic host entry (host/index.ts), next to the resource files: every kind's provider, keyed by type. */
export const HOST_ENTRY = "host/index.js";

/**
 * The provider object handed to the SDK for serialization, chosen once:
 * - installed under node_modules (from a tarball, a registry or a git URL): the kind's own host module
 *   (dist/host/<file>.js, written by the build from the registry: scripts/lib/host-entries.js), whose exports are the
 *   provider, so the SDK serializes it as one require() line; states written by 0.1.0 require the same files;
 * - reached by package name through a symlink (`npm install <dir>`, npm workspaces): a stub that requires the
 *   generic host entry by package name and calls this kind's provider (the SDK would copy modules outside
 *   node_modules into the text by value);
 * - a checkout used from TypeScript (this repository's tests): the thin stub above, with paths.
 */
export function providerForState<I, O>(type: string, file: string, name: string, impl: () => object): () => dynamic.ResourceProvider<I, O> {
    let chosen: dynamic.ResourceProvider<I, O> | undefined;
    return () => {
        if (chosen) return chosen;
        if (file.split(path.sep).includes("node_modules")) {
            const own = path.join(path.dirname(file), "host", path.basename(file).replace(/\.(ts|js)$/, ".js"));
            return (chosen = require(own) as dynamic.ResourceProvider<I, O>);
        }
        const spec = packageSpecifier(path.join(path.dirname(file), ...HOST_ENTRY.split("/")));
        if (spec) {
            const methods = Object.keys(impl()).filter((m) => (METHODS as readonly string[]).includes(m));
            return (chosen = packageProvider<I, O>(spec, type, methods));
        }
        return (chosen = thinProvider<I, O>(implRef(file, name)));
    };
}
