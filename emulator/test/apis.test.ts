// The app-platform routes (emulator/src/apis.ts): shared store with the legacy API, paging, and a store made under the
// 10.0 profile served by the 13.x profile.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Emulator } from "../src";
import { profileForVersion } from "../src/profiles";

const ADMIN = `Basic ${Buffer.from("admin:pw").toString("base64")}`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

async function call(url: string, method: string, p: string, body?: unknown): Promise<{ status: number; body: Loose }> {
    const res = await fetch(url + p, {
        method,
        headers: { Authorization: ADMIN, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe("app-platform routes", () => {
    test("profiles by version: 13.x serves v1/v2, 12.x v1beta1/v2beta1, 11.x none", () => {
        expect(profileForVersion("13.1.0").apis?.dashboardV1.at(-1)).toBe("v1");
        expect(profileForVersion("13.1.0").numericFolderIds).toBe(false);
        expect(profileForVersion("12.4.4").apis?.dashboardV2.at(-1)).toBe("v2beta1");
        expect(profileForVersion("11.6.0").apis).toBeUndefined();
    });

    test("paging: limit 2 over 5 dashboards gives each name once, then no continue token", async () => {
        const emu = await Emulator.start({ profile: "13.x", adminPassword: "pw" });
        try {
            const base = "/apis/dashboard.grafana.app/v1/namespaces/default/dashboards";
            for (const n of ["e", "c", "a", "d", "b"]) {
                expect((await call(emu.url, "POST", base, { metadata: { name: `pg-${n}` }, spec: { title: n } })).status).toBe(201);
            }
            const seen: string[] = [];
            let cont = "";
            for (let i = 0; i < 5; i++) {
                const r = await call(emu.url, "GET", `${base}?limit=2${cont ? `&continue=${cont}` : ""}`);
                expect(r.status).toBe(200);
                seen.push(...(r.body.items as Loose[]).map((x) => x.metadata.name as string));
                cont = r.body.metadata.continue ?? "";
                if (!cont) break;
            }
            expect(seen).toEqual(["pg-a", "pg-b", "pg-c", "pg-d", "pg-e"]);
        } finally {
            await emu.stop();
        }
    });

    test("a 10.0 store served as 13.x: the legacy dashboard reads through /apis/v1, its folder has no numeric id", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-apis-"));
        const store = path.join(dir, "store.db");
        const old = await Emulator.start({ profile: "10.0", adminPassword: "pw", store });
        try {
            expect((await call(old.url, "POST", "/api/folders", { uid: "up-f", title: "Up" })).body.id).toEqual(expect.any(Number));
            const saved = await call(old.url, "POST", "/api/dashboards/db", {
                dashboard: { uid: "up-d", title: "Up D", panels: [] },
                folderUid: "up-f",
            });
            expect(saved.status).toBe(200);
        } finally {
            await old.stop();
        }
        const emu = await Emulator.start({ profile: "13.x", adminPassword: "pw", store });
        try {
            const d = await call(emu.url, "GET", "/apis/dashboard.grafana.app/v1/namespaces/default/dashboards/up-d");
            expect(d.status).toBe(200);
            expect(d.body.metadata.annotations["grafana.app/folder"]).toBe("up-f");
            expect(d.body.spec.title).toBe("Up D");
            const f = await call(emu.url, "GET", "/api/folders/up-f");
            expect(f.status).toBe(200);
            expect(f.body.id).toBeUndefined();
            expect((await call(emu.url, "GET", "/apis/folder.grafana.app/v1/namespaces/default/folders/up-f")).body.spec.title).toBe("Up");
        } finally {
            await emu.stop();
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
