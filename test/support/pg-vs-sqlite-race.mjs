// Concurrent conflicting writes against Grafana, to compare SQLite with PostgreSQL (grafana-observed.md, "On
// PostgreSQL"): node test/support/pg-vs-sqlite-race.mjs <admin password> <base url> [<second base url>]
// (two URLs: requests alternate between them). Prints status codes and messages per scenario.
const [pw, ...bases] = process.argv.slice(2);
const auth = "Basic " + Buffer.from(`admin:${pw}`).toString("base64");
let k = 0;
async function call(method, p, body, orgId) {
    const base = bases[k++ % bases.length];
    const h = { Authorization: auth, "Content-Type": "application/json" };
    if (orgId) h["X-Grafana-Org-Id"] = String(orgId);
    const t = Date.now();
    const r = await fetch(base + p, { method, headers: h, body: body && JSON.stringify(body) });
    const text = await r.text();
    let msg = text;
    try {
        msg = JSON.parse(text).message ?? JSON.parse(text).status ?? text;
    } catch {}
    return { s: r.status, m: String(msg).slice(0, 120), ms: Date.now() - t };
}
const tally = (rs) => {
    const o = {};
    for (const r of rs) {
        const key = `${r.s} ${r.s >= 300 ? r.m : ""}`.trim();
        o[key] = (o[key] ?? 0) + 1;
    }
    return o;
};
const maxMs = (rs) => Math.max(...rs.map((r) => r.ms));
const out = {};
const tag = Date.now() % 100000;
let rs = await Promise.all(
    Array.from({ length: 20 }, () => call("POST", "/api/dashboards/db", { dashboard: { title: `race-title-${tag}` }, overwrite: false })),
);
out["20 concurrent creates, same title, no uid"] = [tally(rs), `max ${maxMs(rs)} ms`];
rs = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
        call("POST", "/api/dashboards/db", { dashboard: { uid: `race-uid-${tag}`, title: `race uid ${tag} ${i}` }, overwrite: false }),
    ),
);
out["20 concurrent creates, same uid, different titles"] = [tally(rs), `max ${maxMs(rs)} ms`];
rs = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
        call("POST", "/api/dashboards/db", {
            dashboard: { title: `many ${tag} ${i}`, panels: [{ id: 1, type: "timeseries", title: "x" }] },
            overwrite: false,
        }),
    ),
);
out["100 concurrent creates, distinct"] = [tally(rs), `max ${maxMs(rs)} ms`];
const uids = rs.filter((r) => r.s === 200).length;
rs = await Promise.all(Array.from({ length: 10 }, () => call("POST", "/api/orgs", { name: `race-org-${tag}` })));
out["10 concurrent POST /api/orgs, same name"] = [tally(rs), `max ${maxMs(rs)} ms`];
rs = await Promise.all(Array.from({ length: 20 }, (_, i) => call("POST", "/api/orgs", { name: `org-${tag}-${i}` })));
out["20 concurrent POST /api/orgs, distinct"] = [tally(rs), `max ${maxMs(rs)} ms`];
// Concurrent updates, each with the version its create returned: no conflict exists, so each should be 200.
const save = (n, i, title, version) =>
    call("POST", "/api/dashboards/db", {
        dashboard: { id: null, uid: `upd-${tag}-${n}-${i}`, title, version, panels: [{ id: 1, type: "timeseries", title: "x" }] },
        folderUid: "",
        overwrite: false,
    });
for (const n of [100, 8]) {
    const created = await Promise.all(Array.from({ length: n }, (_, i) => save(n, i, `upd ${tag} ${n} ${i}`, undefined)));
    const versions = [];
    for (const [i] of created.entries())
        versions.push(
            (await (await fetch(`${bases[0]}/api/dashboards/uid/upd-${tag}-${n}-${i}`, { headers: { Authorization: auth } })).json()).meta.version,
        );
    rs = await Promise.all(created.map((_, i) => save(n, i, `upd ${tag} ${n} ${i} (edited)`, versions[i])));
    let applied = 0;
    for (const [i, r] of rs.entries()) {
        if (r.s !== 412) continue;
        const g = await (await fetch(`${bases[0]}/api/dashboards/uid/upd-${tag}-${n}-${i}`, { headers: { Authorization: auth } })).json();
        if (String(g.dashboard.title).endsWith("(edited)")) applied++;
    }
    out[`${n} concurrent updates, each with its current version`] = [tally(rs), `max ${maxMs(rs)} ms`, `412s that were applied anyway: ${applied}`];
}
const search = await (await fetch(bases[0] + `/api/search?query=race-title-${tag}`, { headers: { Authorization: auth } })).json();
out["dashboards titled race-title after the race"] = search.length;
console.log(JSON.stringify(out, null, 1));
