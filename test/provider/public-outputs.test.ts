// Every output a resource class declares is an Output on the object, with only the args given: a property the SDK
// was not handed at construction is `undefined` at run time, whatever its TypeScript type says. And nothing beyond
// those, the args and the internal inputs is handed over (the SDK pays four stack traces per prop per resource).
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ApiKey, Dashboard, DataSource, Folder, Organization, OrgMembership, ServiceAccount, ServiceAccountToken } from "../../provider";

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
    // [source file, resource (named after the file), the args given]
    const cases: [string, pulumi.CustomResource, string[]][] = [
        ["organization.ts", new Organization("organization", { name: "o" }), ["name"]],
        ["org-membership.ts", new OrgMembership("org-membership", { loginOrEmail: "admin", role: "Admin" }), ["loginOrEmail", "role"]],
        ["api-key.ts", new ApiKey("api-key", { name: "k", role: "Admin" }), ["name", "role"]],
        ["dashboard.ts", new Dashboard("dashboard", { dashboard: { title: "t" } }), ["dashboard"]],
        ["folder.ts", new Folder("folder", { title: "f" }), ["title"]],
        ["data-source.ts", new DataSource("data-source", { name: "p", type: "prometheus" }), ["name", "type"]],
        ["service-account.ts", new ServiceAccount("service-account", { orgId: 2, name: "bot", role: "Viewer" }), ["orgId", "name", "role"]],
        [
            "service-account-token.ts",
            new ServiceAccountToken("service-account-token", { serviceAccountId: 1, name: "t" }),
            ["serviceAccountId", "name"],
        ],
    ];
    await Promise.all(cases.map(([, r]) => new Promise((resolve) => r.urn.apply(resolve))));
    for (const [file, resource] of cases) {
        const names = declared(file);
        expect(names.length).toBeGreaterThan(2);
        const missing = names.filter((n) => !pulumi.Output.isInstance((resource as unknown as Record<string, unknown>)[n]));
        expect({ file, missing }).toEqual({ file, missing: [] });
    }
    // What reached the engine: args given, internal inputs (__*) and the serialized provider; undefined props are not sent.
    for (const [file, , args] of cases) {
        const keys = registered[file.replace(/\.ts$/, "")];
        expect(keys).toEqual(expect.arrayContaining(args));
        expect({ file, extra: keys.filter((k) => !k.startsWith("__") && !args.includes(k)) }).toEqual({ file, extra: [] });
    }
});
