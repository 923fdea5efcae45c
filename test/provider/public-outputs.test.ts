// Every output a resource class declares is an Output on the object, with only the args given: a property the SDK
// was not handed at construction is `undefined` at run time, whatever its TypeScript type says. And nothing beyond
// those, the args and the internal inputs is handed over (the SDK pays four stack traces per prop per resource).
// Every kind of the registry, with the args of test/support/kind-examples.ts.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { construct, examplesFor } from "../support/kind-examples";

/** The `declare public readonly` names in a provider source file: what users see in the class's type. */
function declared(file: string): string[] {
    const text = fs.readFileSync(path.join(__dirname, "../../provider", file), "utf8");
    return [...text.matchAll(/declare public readonly (\w+)/g)].map((m) => m[1]);
}

test("each declared output is an Output with minimal args, and no other prop is registered", async () => {
    const registered: Record<string, string[]> = {};
    await pulumi.runtime.setMocks(
        {
            newResource: (a) => {
                registered[a.name] = Object.keys(a.inputs);
                return { id: `${a.name}-id`, state: a.inputs };
            },
            call: () => ({}),
        },
        "project",
        "stack",
        false,
    );
    const cases = examplesFor().map(([kind, args]) => ({ kind, args, resource: construct(kind, kind.type, args) }));
    expect(cases.length).toBeGreaterThanOrEqual(8);
    await Promise.all(cases.map(({ resource }) => new Promise((resolve) => resource.urn.apply(resolve))));
    for (const { kind, resource } of cases) {
        const names = declared(kind.file);
        expect(names.length).toBeGreaterThan(2);
        const missing = names.filter((n) => !pulumi.Output.isInstance((resource as unknown as Record<string, unknown>)[n]));
        expect({ type: kind.type, missing }).toEqual({ type: kind.type, missing: [] });
    }
    // What reached the engine: args given, internal inputs (__*) and the serialized provider; undefined props are not sent.
    for (const { kind, args } of cases) {
        const keys = registered[kind.type];
        expect(keys).toEqual(expect.arrayContaining(Object.keys(args)));
        expect({ type: kind.type, extra: keys.filter((k) => !k.startsWith("__") && !(k in args)) }).toEqual({ type: kind.type, extra: [] });
    }
});
