// The durable store: SQLite (node:sqlite, no native build) in WAL mode. Every request runs in one
// `BEGIN IMMEDIATE` transaction, so a write is committed (on disk, synchronous=FULL) before its answer, a write
// in flight at a SIGKILL is either committed or not, and two emulator processes can share one store file (the HA
// topology): each one catches up on the other's writes through the `gen` column before it handles a request.
import { DatabaseSync } from "node:sqlite";
import * as fs from "fs";
import * as zlib from "zlib";
import { KINDS, Kind, Kinds, SEQUENCES, Sequence, SNAPSHOT_FORMAT, Snapshot, keyOf } from "./model";

/** One collection held in memory, mirrored to the store's rows. */
export class Table<K extends Kind> {
    readonly rows = new Map<string, Kinds[K]>();
    constructor(
        private readonly store: Store,
        readonly kind: K,
    ) {}
    get(key: string): Kinds[K] | undefined {
        return this.rows.get(key);
    }
    values(): IterableIterator<Kinds[K]> {
        return this.rows.values();
    }
    all(): Kinds[K][] {
        return [...this.rows.values()];
    }
    find(pred: (o: Kinds[K]) => boolean): Kinds[K] | undefined {
        for (const o of this.rows.values()) if (pred(o)) return o;
        return undefined;
    }
    filter(pred: (o: Kinds[K]) => boolean): Kinds[K][] {
        const out: Kinds[K][] = [];
        for (const o of this.rows.values()) if (pred(o)) out.push(o);
        return out;
    }
    some(pred: (o: Kinds[K]) => boolean): boolean {
        return this.find(pred) !== undefined;
    }
    /** Insert or replace (after an in-place change too): written at the end of the request's transaction. */
    put(o: Kinds[K]): void {
        const key = keyOf(this.kind, o);
        this.rows.set(key, o);
        this.store.markDirty(this.kind, key);
    }
    delete(o: Kinds[K]): void {
        const key = keyOf(this.kind, o);
        this.rows.delete(key);
        this.store.markDirty(this.kind, key);
    }
    deleteWhere(pred: (o: Kinds[K]) => boolean): number {
        let n = 0;
        for (const o of this.filter(pred)) {
            this.delete(o);
            n++;
        }
        return n;
    }
}

export type Tables = { [K in Kind]: Table<K> };

export interface StoreOptions {
    /** a file path, or ":memory:" for in-process tests */
    path: string;
    /** default true: fsync every commit (synchronous=FULL) */
    durable?: boolean;
}

export class Store {
    readonly t: Tables;
    private readonly db: DatabaseSync;
    private gen = 0;
    private readonly dirty = new Map<string, { kind: Kind; key: string }>();
    private inTx = false;

    constructor(opts: StoreOptions) {
        this.db = new DatabaseSync(opts.path);
        // A second instance may hold the write lock for a moment (HA): wait rather than fail.
        this.db.exec("PRAGMA busy_timeout = 10000");
        if (opts.path !== ":memory:") {
            this.db.exec("PRAGMA journal_mode = WAL");
            this.db.exec(`PRAGMA synchronous = ${opts.durable === false ? "OFF" : "FULL"}`);
        }
        this.db.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS objects (kind TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL, gen INTEGER NOT NULL, PRIMARY KEY (kind, key));
            CREATE INDEX IF NOT EXISTS objects_gen ON objects (gen);
            CREATE TABLE IF NOT EXISTS deleted (kind TEXT NOT NULL, key TEXT NOT NULL, gen INTEGER NOT NULL, PRIMARY KEY (kind, key));
            CREATE INDEX IF NOT EXISTS deleted_gen ON deleted (gen);
            INSERT OR IGNORE INTO meta (key, value) VALUES ('gen', 0);`);
        const t = {} as Record<Kind, Table<Kind>>;
        for (const k of KINDS) t[k] = new Table(this, k);
        this.t = t as unknown as Tables;
        this.reloadAll();
    }

    close(): void {
        this.db.close();
    }

    markDirty(kind: Kind, key: string): void {
        if (!this.inTx) throw new Error(`store: ${kind} ${key} changed outside a transaction`);
        this.dirty.set(`${kind}\0${key}`, { kind, key });
    }

    /** Next id of a sequence, inside the current transaction. */
    nextId(seq: Sequence): number {
        if (!this.inTx) throw new Error("store: nextId outside a transaction");
        const row = this.db
            .prepare("INSERT INTO meta (key, value) VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET value = value + 1 RETURNING value")
            .get(`seq:${seq}`) as {
            value: number;
        };
        return Number(row.value);
    }

    /** Runs fn in one write transaction: first catches up with other writers, then commits what fn changed. If fn
     *  throws, nothing is written and memory is reloaded from the store (fn may have changed objects in place). */
    tx<T>(fn: () => T): T {
        this.db.exec("BEGIN IMMEDIATE");
        this.inTx = true;
        try {
            this.catchUp();
            const out = fn();
            this.flush();
            this.db.exec("COMMIT");
            return out;
        } catch (e) {
            try {
                this.db.exec("ROLLBACK");
            } catch {
                /* no transaction left */
            }
            this.dirty.clear();
            this.reloadAll();
            throw e;
        } finally {
            this.inTx = false;
        }
    }

    private flush(): void {
        if (this.dirty.size === 0) return;
        const gen = this.gen + 1;
        const put = this.db.prepare(
            "INSERT INTO objects (kind, key, body, gen) VALUES (?, ?, ?, ?) ON CONFLICT(kind, key) DO UPDATE SET body = excluded.body, gen = excluded.gen",
        );
        const unDel = this.db.prepare("DELETE FROM deleted WHERE kind = ? AND key = ?");
        const del = this.db.prepare("DELETE FROM objects WHERE kind = ? AND key = ?");
        const tomb = this.db.prepare("INSERT INTO deleted (kind, key, gen) VALUES (?, ?, ?) ON CONFLICT(kind, key) DO UPDATE SET gen = excluded.gen");
        for (const { kind, key } of this.dirty.values()) {
            const o = (this.t[kind] as Table<Kind>).get(key);
            if (o !== undefined) {
                put.run(kind, key, JSON.stringify(o), gen);
                unDel.run(kind, key);
            } else {
                del.run(kind, key);
                tomb.run(kind, key, gen);
            }
        }
        this.db.prepare("UPDATE meta SET value = ? WHERE key = 'gen'").run(gen);
        this.gen = gen;
        this.dirty.clear();
    }

    /** Applies rows written by another process since our last look. */
    private catchUp(): void {
        const row = this.db.prepare("SELECT value FROM meta WHERE key = 'gen'").get() as { value: number };
        const now = Number(row.value);
        if (now === this.gen) return;
        for (const r of this.db.prepare("SELECT kind, key, body FROM objects WHERE gen > ?").all(this.gen) as {
            kind: Kind;
            key: string;
            body: string;
        }[]) {
            if (KINDS.includes(r.kind)) (this.t[r.kind] as Table<Kind>).rows.set(r.key, JSON.parse(r.body) as Kinds[Kind]);
        }
        for (const r of this.db.prepare("SELECT kind, key FROM deleted WHERE gen > ?").all(this.gen) as { kind: Kind; key: string }[]) {
            if (KINDS.includes(r.kind)) (this.t[r.kind] as Table<Kind>).rows.delete(r.key);
        }
        this.gen = now;
    }

    private reloadAll(): void {
        for (const k of KINDS) this.t[k].rows.clear();
        this.gen = 0;
        this.catchUp();
    }

    isEmpty(): boolean {
        return (this.db.prepare("SELECT COUNT(*) AS n FROM objects").get() as { n: number }).n === 0;
    }

    snapshot(): Snapshot {
        this.db.exec("BEGIN");
        try {
            this.catchUp();
            const sequences = {} as Record<Sequence, number>;
            for (const s of SEQUENCES) {
                const r = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(`seq:${s}`) as { value: number } | undefined;
                sequences[s] = r ? Number(r.value) : 0;
            }
            const objects: Snapshot["objects"] = {};
            for (const k of KINDS) {
                const rows = [...this.t[k].rows.entries()].sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true })).map(([, o]) => o);
                if (rows.length > 0) (objects as Record<string, unknown[]>)[k] = rows;
            }
            return { format: SNAPSHOT_FORMAT, sequences, objects };
        } finally {
            this.db.exec("COMMIT");
        }
    }

    /** Replaces everything with a snapshot's contents. */
    load(s: Snapshot): void {
        if (s.format !== SNAPSHOT_FORMAT) throw new Error(`not an emulator snapshot (format ${String(s.format)}, want ${SNAPSHOT_FORMAT})`);
        this.tx(() => {
            for (const k of KINDS) for (const o of this.t[k].all()) (this.t[k] as Table<Kind>).delete(o);
            for (const k of KINDS) for (const o of (s.objects[k] ?? []) as Kinds[Kind][]) (this.t[k] as Table<Kind>).put(o);
            for (const seq of SEQUENCES) {
                this.db
                    .prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
                    .run(`seq:${seq}`, s.sequences[seq] ?? 0);
            }
        });
    }
}

export function readSnapshotFile(file: string): Snapshot {
    let buf = fs.readFileSync(file);
    if (file.endsWith(".gz")) buf = zlib.gunzipSync(buf);
    return JSON.parse(buf.toString("utf8")) as Snapshot;
}

export function writeSnapshotFile(file: string, s: Snapshot): void {
    const text = JSON.stringify(s, null, 1) + "\n";
    fs.writeFileSync(file, file.endsWith(".gz") ? zlib.gzipSync(text, { level: 9 }) : text);
}
