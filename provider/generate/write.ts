import { DashboardSnap, FolderSnap, OrgSnapshot, Skip, Snapshot } from "./model";

/** How the program is written; everything else comes from the snapshot, so the same input gives the same bytes. */
export interface WriteOptions {
    /** The Pulumi project name. */
    project: string;
    /** `protect: true` on every resource (default), as `pulumi import` does. */
    protect: boolean;
    /** The dependency spec of this package in the program's package.json (default: its version). */
    packageSpec: string;
    /** Versions written into package.json. */
    versions: { self: string; pulumi: string; typescript: string; tsNode: string; typesNode: string };
}

export interface SecretConfig {
    /** The stack config key the program reads with config.requireSecret. */
    key: string;
    /** What it is, for the printed line. */
    what: string;
}

export interface Generated {
    /** Relative path (with "/") -> content. */
    files: Map<string, string>;
    secrets: SecretConfig[];
    counts: Record<string, number>;
}

/** Lower-case words of [a-z0-9] joined by "-"; never empty. */
export function slug(s: string): string {
    const out = s
        .normalize("NFKD")
        .replace(/[\u0300-\u036f]/g, "")
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 48)
        .replace(/-+$/g, "");
    return out || "x";
}

function camel(s: string): string {
    const words = s.split(/[^A-Za-z0-9]+/).filter(Boolean);
    const c = words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join("");
    return /^[A-Za-z_]/.test(c) ? c : `_${c}`;
}

const RESERVED = new Set(
    (
        "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in " +
        "instanceof new null return super switch this throw true try typeof var void while with as implements interface let package private " +
        "protected public static yield await config opts dashboard fs path pulumi"
    ).split(" "),
);

/**
 * Names for objects of one kind: the base name, or, where two objects share a base, the base plus the shortest
 * prefix of each one's key (uid) that tells them apart. Depends only on the set, never on the order.
 */
export function uniqueNames<T>(items: T[], base: (t: T) => string, key: (t: T) => string): Map<T, string> {
    const groups = new Map<string, T[]>();
    for (const t of items) {
        const b = base(t);
        groups.set(b, [...(groups.get(b) ?? []), t]);
    }
    const out = new Map<T, string>();
    for (const [b, group] of groups) {
        if (group.length === 1) {
            out.set(group[0], b);
            continue;
        }
        const keys = group.map((t) => key(t).replace(/[^A-Za-z0-9_-]/g, "_"));
        let n = 6;
        while (n < Math.max(...keys.map((k) => k.length)) && new Set(keys.map((k) => k.slice(0, n))).size < keys.length) n++;
        group.forEach((t, i) => out.set(t, `${b}-${keys[i].slice(0, n)}`));
    }
    // A suffixed name may equal another object's base name: extend with the full key, which is unique.
    const seen = new Map<string, number>();
    for (const v of out.values()) seen.set(v, (seen.get(v) ?? 0) + 1);
    for (const [t, v] of out) if ((seen.get(v) ?? 0) > 1) out.set(t, `${v}-${key(t).replace(/[^A-Za-z0-9_-]/g, "_")}`);
    return out;
}

/** The model as the file holds it: without id and version, keys sorted at every level, 2-space indent, final newline. */
export function dashboardFile(model: Record<string, unknown>): string {
    const { id: _id, version: _version, ...rest } = model;
    return JSON.stringify(sorted(rest), null, 2) + "\n";
}

function sorted(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(sorted);
    if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        return Object.fromEntries(
            Object.keys(o)
                .sort()
                .map((k) => [k, sorted(o[k])]),
        );
    }
    return v;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A TypeScript literal for plain data, keys in order, on one line when short. */
function lit(v: unknown, indent: string): string {
    if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "undefined";
    const inner = indent + "    ";
    if (Array.isArray(v)) {
        const items = v.map((x) => lit(x, inner));
        const line = `[${items.join(", ")}]`;
        return line.length <= 80 && !line.includes("\n") ? line : `[\n${items.map((i) => `${inner}${i},`).join("\n")}\n${indent}]`;
    }
    const o = sorted(v) as Record<string, unknown>;
    const entries = Object.entries(o).map(([k, x]) => `${IDENT.test(k) ? k : JSON.stringify(k)}: ${lit(x, inner)}`);
    if (entries.length === 0) return "{}";
    const line = `{ ${entries.join(", ")} }`;
    return line.length <= 80 && !line.includes("\n") ? line : `{\n${entries.map((e) => `${inner}${e},`).join("\n")}\n${indent}}`;
}

/** `{ a: 1, b: x }` from entries whose values are already code; undefined values are left out. */
function args(entries: [string, string | undefined][], indent = ""): string {
    const kept = entries.filter((e): e is [string, string] => e[1] !== undefined);
    const line = `{ ${kept.map(([k, v]) => `${k}: ${v}`).join(", ")} }`;
    if (line.length <= 100 && !line.includes("\n")) return line;
    return `{\n${kept.map(([k, v]) => `${indent}    ${k}: ${v},`).join("\n")}\n${indent}}`;
}

/** Folders with every parent before its children; siblings by title, then uid. */
export function parentsFirst(folders: FolderSnap[]): FolderSnap[] {
    const byParent = new Map<string, FolderSnap[]>();
    const uids = new Set(folders.map((f) => f.uid));
    for (const f of folders) {
        const p = uids.has(f.parentUid) ? f.parentUid : "";
        byParent.set(p, [...(byParent.get(p) ?? []), f]);
    }
    const out: FolderSnap[] = [];
    const visit = (parent: string) => {
        for (const f of [...(byParent.get(parent) ?? [])].sort(byTitle)) {
            out.push(f);
            visit(f.uid);
        }
    };
    visit("");
    return out;
}

function byTitle(a: { title: string; uid: string }, b: { title: string; uid: string }): number {
    return a.title < b.title ? -1 : a.title > b.title ? 1 : a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0;
}

function skippedMd(snapshot: Snapshot): string {
    const lines = ["# Not adopted", "", "What `pulumi-grafana-dynamic generate` found in Grafana and left out of `index.ts`, with the reason.", ""];
    const section = (title: string, items: Skip[]) => {
        if (items.length === 0) return;
        lines.push(`## ${title}`, "");
        for (const s of [...items].sort((a, b) => (a.what < b.what ? -1 : a.what > b.what ? 1 : 0))) lines.push(`- ${s.what}: ${s.why}`);
        lines.push("");
    };
    section("Grafana", snapshot.skipped);
    for (const org of snapshot.orgs) section(`Org "${org.name}" (id ${org.id})`, org.skipped);
    if (lines.length === 4) lines.push("Nothing was left out.", "");
    return lines.join("\n");
}

/** Renders the program. Pure: the same snapshot and options give the same bytes. */
export function render(snapshot: Snapshot, options: WriteOptions): Generated {
    const files = new Map<string, string>();
    const secrets: SecretConfig[] = [];
    const counts: Record<string, number> = { orgs: 0, members: 0, folders: 0, dashboards: 0, dataSources: 0, serviceAccounts: 0 };
    const orgs = [...snapshot.orgs].sort((a, b) => a.id - b.id);
    const orgNames = uniqueNames(
        orgs,
        (o) => slug(o.name),
        (o) => String(o.id),
    );
    const vars = new Set<string>();
    const varFor = (name: string, kind: string) => {
        let v = camel(name);
        if (RESERVED.has(v) || vars.has(v)) v = camel(`${name}-${kind}`);
        for (let i = 2; RESERVED.has(v) || vars.has(v); i++) v = camel(`${name}-${kind}-${i}`);
        vars.add(v);
        return v;
    };
    const used = new Set<string>();
    const body: string[] = [];
    const opts = "opts";
    for (const org of orgs) {
        const orgSlug = orgNames.get(org)!;
        body.push("", `// ---- Org "${org.name.replace(/\n/g, " ")}" (id ${org.id}) ----`);
        let orgRef: string;
        if (snapshot.basicAuth) {
            const v = varFor(orgSlug, "org");
            body.push(
                `const ${v} = new Organization(${JSON.stringify(orgSlug)}, ${args([
                    ["name", JSON.stringify(org.name)],
                    ["adopt", "true"],
                ])}, ${opts});`,
            );
            orgRef = `${v}.orgId`;
            counts.orgs++;
        } else {
            const v = varFor(`${orgSlug}-org-id`, "org");
            body.push(`// The token's own org: a token cannot manage Organization resources.`, `const ${v} = ${org.id};`);
            orgRef = v;
        }
        const res = (type: string, name: string, a: [string, string | undefined][], variable?: string) => {
            used.add(type);
            const text = `new ${type}(${JSON.stringify(name)}, ${args(a)}, ${opts});`;
            body.push(variable ? `const ${variable} = ${text}` : text);
        };

        const members = [...org.members].sort((a, b) => (a.login < b.login ? -1 : a.login > b.login ? 1 : a.userId - b.userId));
        if (members.length > 0) body.push("", "// Members");
        const memberNames = uniqueNames(
            members,
            (m) => `${orgSlug}-${slug(m.login)}`,
            (m) => String(m.userId),
        );
        for (const m of members) {
            res("OrgMembership", memberNames.get(m)!, [
                ["orgId", orgRef],
                ["loginOrEmail", JSON.stringify(m.login)],
                ["role", JSON.stringify(m.role)],
                ["adopt", "true"],
            ]);
            counts.members++;
        }

        const dataSources = [...org.dataSources].sort((a, b) => byTitle({ title: a.name, uid: a.uid }, { title: b.name, uid: b.uid }));
        if (dataSources.length > 0) body.push("", "// Data sources");
        const dsNames = uniqueNames(
            dataSources,
            (d) => `${orgSlug}-${slug(d.name)}`,
            (d) => d.uid,
        );
        for (const d of dataSources) {
            const name = dsNames.get(d)!;
            const secure = [...d.secureJsonFields].sort().map((field) => {
                const key = camel(`${name}-${field}`);
                secrets.push({ key, what: `secureJsonData.${field} of data source "${d.name}" (uid ${d.uid}) in org "${org.name}"` });
                return `${IDENT.test(field) ? field : JSON.stringify(field)}: config.requireSecret(${JSON.stringify(key)})`;
            });
            res("DataSource", name, [
                ["orgId", orgRef],
                ["uid", JSON.stringify(d.uid)],
                ["name", JSON.stringify(d.name)],
                ["type", JSON.stringify(d.type)],
                ["url", d.url ? JSON.stringify(d.url) : undefined],
                ["access", d.access && d.access !== "proxy" ? JSON.stringify(d.access) : undefined],
                ["isDefault", d.isDefault ? "true" : undefined],
                ["basicAuth", d.basicAuth ? "true" : undefined],
                ["basicAuthUser", d.basicAuthUser ? JSON.stringify(d.basicAuthUser) : undefined],
                ["jsonData", d.jsonData && Object.keys(d.jsonData).length > 0 ? lit(d.jsonData, "    ") : undefined],
                ["secureJsonData", secure.length > 0 ? `{ ${secure.join(", ")} }` : undefined],
                ["adopt", "true"],
            ]);
            counts.dataSources++;
        }

        const sas = [...org.serviceAccounts].sort((a, b) => byTitle({ title: a.name, uid: String(a.id) }, { title: b.name, uid: String(b.id) }));
        if (sas.length > 0) body.push("", "// Service accounts (their tokens are not adopted: see SKIPPED.md)");
        const saNames = uniqueNames(
            sas,
            (s) => `${orgSlug}-${slug(s.name)}`,
            (s) => String(s.id),
        );
        for (const s of sas) {
            res("ServiceAccount", saNames.get(s)!, [
                ["orgId", orgRef],
                ["name", JSON.stringify(s.name)],
                ["role", JSON.stringify(s.role)],
                ["isDisabled", s.isDisabled ? "true" : undefined],
                ["adopt", "true"],
            ]);
            counts.serviceAccounts++;
        }

        const folders = parentsFirst(org.folders);
        const folderNames = uniqueNames(
            folders,
            (f) => `${orgSlug}-${slug(f.title)}`,
            (f) => f.uid,
        );
        const folderVar = new Map<string, string>();
        const folderPath = new Map<string, string>();
        if (folders.length > 0) body.push("", "// Folders (parents first)");
        for (const f of folders) {
            const name = folderNames.get(f)!;
            const v = varFor(name, "folder");
            folderVar.set(f.uid, v);
            const parentPath = f.parentUid ? folderPath.get(f.parentUid) : undefined;
            folderPath.set(f.uid, parentPath ? `${parentPath}/${slug(f.title)}` : slug(f.title));
            res(
                "Folder",
                name,
                [
                    ["orgId", orgRef],
                    ["uid", JSON.stringify(f.uid)],
                    ["title", JSON.stringify(f.title)],
                    [
                        "parentUid",
                        f.parentUid ? (folderVar.has(f.parentUid) ? `${folderVar.get(f.parentUid)}.uid` : JSON.stringify(f.parentUid)) : undefined,
                    ],
                    ["adopt", "true"],
                ],
                v,
            );
            counts.folders++;
        }

        const order = new Map(folders.map((f, i) => [f.uid, i]));
        const dashboards = [...org.dashboards].sort((a, b) => (order.get(a.folderUid) ?? -1) - (order.get(b.folderUid) ?? -1) || byTitle(a, b));
        const dashNames = uniqueNames(
            dashboards,
            (d) => `${orgSlug}-${slug(d.title)}`,
            (d) => d.uid,
        );
        let lastFolder: string | undefined;
        for (const d of dashboards) {
            if (d.folderUid !== lastFolder) {
                const f = org.folders.find((x) => x.uid === d.folderUid);
                body.push("", `// Dashboards in ${f ? `folder "${f.title}"` : "the General folder"}`);
                lastFolder = d.folderUid;
            }
            const file = `${orgSlug}/${dashboardDir(d, folderPath)}/${d.uid}.json`;
            files.set(`dashboards/${file}`, dashboardFile(d.model));
            res("Dashboard", dashNames.get(d)!, [
                ["orgId", orgRef],
                [
                    "folderUid",
                    d.folderUid ? (folderVar.has(d.folderUid) ? `${folderVar.get(d.folderUid)}.uid` : JSON.stringify(d.folderUid)) : undefined,
                ],
                ["dashboard", `dashboard(${JSON.stringify(file)})`],
                ["adopt", "true"],
            ]);
            counts.dashboards++;
        }
    }

    const imports = ["Dashboard", "DataSource", "Folder", "Organization", "OrgMembership", "ServiceAccount"].filter(
        (t) => used.has(t) || (t === "Organization" && counts.orgs > 0),
    );
    const head = [
        `// Generated by \`pulumi-grafana-dynamic generate\` from ${snapshot.url}.`,
        "// Every resource has adopt: true: the first `pulumi up` finds each object in Grafana and records it without a write",
        "// when it matches (it updates it where it differs). From then on this program is the source of truth: edit it and",
        "// `pulumi up`. What was left out, and why, is in SKIPPED.md.",
        options.protect
            ? "// protect: true (as `pulumi import` sets it) makes `pulumi destroy` refuse; remove it where destroy may delete."
            : "// Generated without protect: `pulumi destroy` deletes what this program adopted.",
        'import * as fs from "fs";',
        'import * as path from "path";',
        ...(secrets.length > 0 ? ['import * as pulumi from "@pulumi/pulumi";'] : []),
        `import { ${imports.join(", ")} } from "pulumi-grafana-dynamic";`,
        ...(imports.length === 0 ? [] : []),
        "",
        ...(secrets.length > 0 ? ["const config = new pulumi.Config();"] : []),
        `const opts = { protect: ${options.protect} };`,
        'const dashboard = (file: string) => fs.readFileSync(path.join(__dirname, "dashboards", file), "utf8");',
    ];
    if (counts.dashboards === 0) head.splice(head.indexOf('import * as fs from "fs";'), 2);
    if (counts.dashboards === 0) head.pop();
    if (imports.length === 0)
        head.splice(
            head.findIndex((l) => l.includes('from "pulumi-grafana-dynamic"')),
            1,
        );
    files.set("index.ts", [...head, ...body, ""].join("\n"));
    files.set("SKIPPED.md", skippedMd(snapshot));
    files.set(
        "Pulumi.yaml",
        `name: ${options.project}\ndescription: Adopted from ${snapshot.url} by pulumi-grafana-dynamic generate\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n`,
    );
    const v = options.versions;
    const pkg = {
        name: options.project,
        private: true,
        main: "index.ts",
        dependencies: { "@pulumi/pulumi": v.pulumi, "pulumi-grafana-dynamic": options.packageSpec },
        devDependencies: { "@types/node": v.typesNode, "ts-node": v.tsNode, typescript: v.typescript },
    };
    files.set("package.json", JSON.stringify(pkg, null, 2) + "\n");
    const tsconfig = {
        compilerOptions: { strict: true, target: "es2022", module: "commonjs", moduleResolution: "node", skipLibCheck: true, outDir: "bin" },
        files: ["index.ts"],
    };
    files.set("tsconfig.json", JSON.stringify(tsconfig, null, 2) + "\n");
    files.set(".gitignore", "node_modules/\nbin/\n");
    return { files, secrets, counts };
}

function dashboardDir(d: DashboardSnap, folderPath: Map<string, string>): string {
    if (!d.folderUid) return "general";
    return folderPath.get(d.folderUid) ?? slug(d.folderUid);
}

export type { OrgSnapshot };
