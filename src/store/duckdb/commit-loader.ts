/**
 * Sequenced commits for the live service. Each commit's access and ledger lines are streamed
 * into two staging files (as the bulk loader does), and a batch of whole commits loads in one
 * DuckDB transaction: both tables' rows and the last commit's seq in `bw_commit` land together
 * or not at all. That is what lets recovery ask the store which commits it holds instead of
 * inferring it from row counts. Loads run one at a time, in seq order, on one connection.
 *
 * A batch DuckDB refuses because of its rows is isolated ({@link isolateRows}): the refused
 * rows are reported ({@link CommitLoader.drainRejected}) and the rest loads with the seq, so no
 * row can stop the store or the recovery that replays it. A failure that may pass (out of file
 * handles, disk full: {@link isTransientError}) keeps everything staged and is retried at the
 * next commit or flush; until then `flush` says loading is held up. Only other failures are
 * final.
 */
import { randomBytes } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { BreachwatchError, isTransientError } from '../../model/index.js';
import type { RejectedRow, StoreCommit } from '../store.js';
import { insertAccessSql, insertLedgerSql, ledgerLine, pushAccessLine } from './access-staging.js';
import { ChunkBuffer } from './chunk-buffer.js';
import { isolateRows, isRowError } from './isolate.js';

/** How a commit loader batches. */
export interface CommitLoaderOptions {
  /** Folder for staging files (removed by the owner). */
  readonly dir: string;
  readonly connection: DuckDBConnection;
  /** Lines (both tables) after which the commits staged so far load. */
  readonly batchLines: number;
  /** Loads what is staged once the oldest commit has waited this long. */
  readonly maxAgeMs?: number;
}

/** SQL of the one-row table that holds the last loaded commit's seq. */
export const COMMIT_TABLE_SQL = 'CREATE TABLE IF NOT EXISTS bw_commit (seq BIGINT NOT NULL)';

/** Wait between retries of a held-up load. */
const RETRY_MS = 500;

/** One table's staging: the lines not yet written and the file being filled. */
interface Side {
  readonly name: 'access' | 'ledger';
  readonly buf: ChunkBuffer;
  file: { readonly path: string; readonly handle: FileHandle; size: number } | undefined;
}

/** A closed batch of whole commits, ready to load. */
interface Batch {
  readonly seq: number;
  access: string | undefined;
  ledger: string | undefined;
}

/** Stages commits and loads them in atomic, ordered batches; see file header. */
export class CommitLoader {
  private readonly access: Side = { name: 'access', buf: new ChunkBuffer(), file: undefined };
  private readonly ledger: Side = { name: 'ledger', buf: new ChunkBuffer(), file: undefined };
  private readonly pushAccess = (head: string, body: string, tail: string): void => this.access.buf.push(head, body, tail);
  /** Highest seq accepted (staged or loaded), and highest loaded. */
  private staged = 0;
  private loaded = 0;
  /** Seq of the last commit staged since the last load began (undefined: nothing staged). */
  private pendingSeq: number | undefined;
  private lines = 0;
  private oldest = 0;
  private fileSeq = 0;
  private inFlight: Promise<void> | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private failure: unknown;
  /** A batch whose load failed for a reason that may pass; it loads before anything else. */
  private retry: Batch | undefined;
  /** The failure that held the last load up (undefined once a load went through). */
  private held: unknown;
  /** No retry before this wall time (a failing disk is not hammered at the commit rate). */
  private retryAt = 0;
  private rejected: RejectedRow[] = [];

  constructor(private readonly opts: CommitLoaderOptions) {}

  /** Reads the stored seq (call once, after the table exists). */
  async init(): Promise<void> {
    const c = this.opts.connection;
    const rows = (await c.runAndReadAll('SELECT max(seq)::DOUBLE, count(*)::DOUBLE FROM bw_commit')).getRows()[0];
    if (Number(rows?.[1] ?? 0) === 0) await c.run('INSERT INTO bw_commit VALUES (0)');
    this.loaded = Number(rows?.[0] ?? 0);
    this.staged = this.loaded;
  }

  /** The highest seq loaded with all its rows. */
  get lastLoaded(): number {
    return this.loaded;
  }

  /** True while anything is staged or loading. */
  get busy(): boolean {
    return this.inFlight !== undefined || this.pendingSeq !== undefined || this.retry !== undefined;
  }

  /** Rows refused since the last call. */
  drainRejected(): RejectedRow[] {
    const out = this.rejected;
    this.rejected = [];
    return out;
  }

  /** Stages one commit; loads the batch when it is full or old enough (see {@link IngestStore.commit}). */
  async commit(c: StoreCommit): Promise<void> {
    this.throwIfFailed();
    if (!Number.isSafeInteger(c.seq) || c.seq <= this.staged) {
      throw new BreachwatchError('ERR_STORE', `commit seq ${c.seq} is not above the last one (${this.staged}): sequences only grow`);
    }
    this.staged = c.seq;
    for (const ev of c.access) pushAccessLine(this.pushAccess, ev);
    for (const ev of c.ledger) this.ledger.buf.push(ledgerLine(ev));
    this.pendingSeq = c.seq;
    this.lines += c.access.length + c.ledger.length;
    if (this.oldest === 0) this.oldest = Date.now();
    const old = this.opts.maxAgeMs !== undefined && Date.now() - this.oldest >= this.opts.maxAgeMs;
    if (old || this.lines >= this.opts.batchLines || this.retry !== undefined) await this.locked(() => this.load());
    else if (this.access.buf.hasFull || this.ledger.buf.hasFull) await this.locked(() => this.writeFull());
  }

  /**
   * Loads everything staged and waits for it. Rejects with ERR_STORE when loading failed for
   * good, and also (the cause says why) while a failure that may pass holds it up.
   */
  async flush(): Promise<void> {
    this.throwIfFailed();
    await this.locked(() => this.load());
    await this.inFlight;
    this.throwIfFailed();
    if (this.held !== undefined) throw new BreachwatchError('ERR_STORE', 'loading commits is held up; it is retried', { cause: this.held });
  }

  /** Drops what is staged (after a failure, at close) and waits for a load in flight. */
  async discard(): Promise<void> {
    await this.chain;
    await this.inFlight;
    for (const s of [this.access, this.ledger]) {
      s.buf.clear();
      const f = s.file;
      s.file = undefined;
      if (f !== undefined) {
        await f.handle.close().catch(() => undefined);
        await unlink(f.path).catch(() => undefined);
      }
    }
    if (this.retry !== undefined) await this.remove(this.retry);
    this.retry = undefined;
    this.pendingSeq = undefined;
  }

  private locked(fn: () => Promise<void>): Promise<void> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Writes filled chunks to the staging files. */
  private async writeFull(): Promise<void> {
    for (const s of [this.access, this.ledger]) await this.write(s, s.buf.takeFull());
  }

  /** Appends `chunks` to a side's staging file; `false` (chunks kept, file as before) when that failed for a reason that may pass. */
  private async write(s: Side, chunks: Buffer[]): Promise<boolean> {
    if (chunks.length === 0) return true;
    try {
      s.file ??= await this.openFile(s.name);
    } catch (e) {
      return this.keep(s, chunks, e);
    }
    const f = s.file;
    try {
      const { bytesWritten } = await f.handle.writev(chunks);
      f.size += bytesWritten;
      return true;
    } catch (e) {
      // A partial write must not leave half a line: cut the file back to what it held.
      try { await f.handle.truncate(f.size); } catch (t) { this.failure ??= t; }
      return this.keep(s, chunks, e);
    }
  }

  /** Puts chunks back after a failed write; final failures stay final. */
  private keep(s: Side, chunks: Buffer[], e: unknown): false {
    if (!isTransientError(e)) {
      this.failure ??= e;
      this.throwIfFailed();
    }
    s.buf.restore(chunks);
    this.held = e;
    return false;
  }

  private async openFile(name: string): Promise<{ path: string; handle: FileHandle; size: number }> {
    const path = join(this.opts.dir, `commit-${name}-${this.fileSeq++}-${randomBytes(4).toString('hex')}.ndjson`);
    return { path, handle: await open(path, 'w', 0o600), size: 0 };
  }

  /** Closes the staging files of every commit staged so far and starts their load (after a held-up batch). */
  private async load(): Promise<void> {
    // One load at a time keeps commits in seq order; a caller that gets further ahead waits.
    await this.inFlight;
    if (this.retry !== undefined) {
      if (Date.now() < this.retryAt) return;
      const b = this.retry;
      this.retry = undefined;
      await this.track(b);
      if (this.retry !== undefined) return;
    }
    const seq = this.pendingSeq;
    if (seq === undefined || this.failure !== undefined) return;
    for (const s of [this.access, this.ledger]) if (!await this.write(s, s.buf.takeAll())) return;
    this.held = undefined;
    const batch: Batch = { seq, access: this.access.file?.path, ledger: this.ledger.file?.path };
    const handles = [this.access.file?.handle, this.ledger.file?.handle];
    this.access.file = undefined;
    this.ledger.file = undefined;
    this.pendingSeq = undefined;
    this.lines = 0;
    this.oldest = 0;
    for (const h of handles) await h?.close().catch((e: unknown) => { this.failure ??= e; });
    void this.track(batch);
  }

  /** Runs a batch's load as the one in flight. */
  private track(b: Batch): Promise<void> {
    const p = this.run(b).finally(() => { if (this.inFlight === p) this.inFlight = undefined; });
    this.inFlight = p;
    return p;
  }

  private async run(b: Batch): Promise<void> {
    if (this.failure !== undefined) { await this.remove(b); return; }
    try {
      await this.loadIsolating(b);
      this.loaded = b.seq;
      this.held = undefined;
      await this.remove(b);
    } catch (e) {
      if (isTransientError(e)) {
        // Everything stays staged; the next commit or flush tries again.
        this.retry = b;
        this.held = e;
        this.retryAt = Date.now() + RETRY_MS;
        return;
      }
      this.failure ??= e;
      await this.remove(b);
    }
  }

  /** Loads a batch; when DuckDB refuses rows of it, loads it again without them. */
  private async loadIsolating(b: Batch): Promise<void> {
    try {
      await this.transaction(b);
      return;
    } catch (e) {
      if (!isRowError(e)) throw e;
      const found: RejectedRow[] = [];
      for (const table of ['ledger', 'access'] as const) {
        const file = b[table];
        if (file === undefined) continue;
        const r = await isolateRows({
          conn: this.opts.connection, dir: this.opts.dir, table, file,
          insertSql: table === 'access' ? insertAccessSql : insertLedgerSql,
        });
        if (r.rejected.length === 0) continue;
        found.push(...r.rejected);
        await unlink(file).catch(() => undefined);
        b[table] = r.rest;
      }
      // Refused as a whole but by no row alone: not something isolation can fix.
      if (found.length === 0) throw e;
      await this.transaction(b);
      this.rejected.push(...found);
    }
  }

  /** Both tables' rows and the seq, in one transaction. */
  private async transaction(b: Batch): Promise<void> {
    const c = this.opts.connection;
    const q = (p: string): string => `'${p.replaceAll("'", "''")}'`;
    await c.run('BEGIN TRANSACTION');
    try {
      if (b.ledger !== undefined) await c.run(insertLedgerSql(q(b.ledger)));
      if (b.access !== undefined) await c.run(insertAccessSql(q(b.access)));
      await c.run(`UPDATE bw_commit SET seq = ${b.seq}`);
      await c.run('COMMIT');
    } catch (e) {
      await c.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  private async remove(b: Batch): Promise<void> {
    for (const f of [b.access, b.ledger]) if (f !== undefined) await unlink(f).catch(() => undefined);
  }

  /**
   * A load that failed for good stays failed: its commits are not in the store, so a later
   * commit must not move the stored seq past them (recovery would then skip them).
   */
  private throwIfFailed(): void {
    if (this.failure === undefined) return;
    throw new BreachwatchError('ERR_STORE', 'loading a commit failed; reopen the store to recover', { cause: this.failure });
  }
}
