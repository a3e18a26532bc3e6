/**
 * Sequenced commits for the live service. Each commit's access and ledger lines are streamed
 * into two staging files (as the bulk loader does), and a batch of whole commits loads in one
 * DuckDB transaction: both tables' rows and the last commit's seq in `bw_commit` land together
 * or not at all. That is what lets recovery ask the store which commits it holds instead of
 * inferring it from row counts. Loads run one at a time, in seq order, on one connection.
 */
import { randomBytes } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { BreachwatchError } from '../../model/index.js';
import type { StoreCommit } from '../store.js';
import { insertAccessSql, insertLedgerSql, ledgerLine, pushAccessLine } from './access-staging.js';
import { ChunkBuffer } from './chunk-buffer.js';

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

/** One table's staging: the lines not yet written and the file being filled. */
interface Side {
  readonly name: 'access' | 'ledger';
  readonly buf: ChunkBuffer;
  file: { readonly path: string; readonly handle: FileHandle } | undefined;
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
    return this.inFlight !== undefined || this.pendingSeq !== undefined;
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
    if (old || this.lines >= this.opts.batchLines) await this.locked(() => this.load());
    else if (this.access.buf.hasFull || this.ledger.buf.hasFull) await this.locked(() => this.writeFull());
  }

  /** Loads everything staged and waits for it. */
  async flush(): Promise<void> {
    this.throwIfFailed();
    await this.locked(() => this.load());
    await this.inFlight;
    this.throwIfFailed();
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

  private async write(s: Side, chunks: Buffer[]): Promise<void> {
    if (chunks.length === 0) return;
    try {
      s.file ??= await this.openFile(s.name);
      await s.file.handle.writev(chunks);
    } catch (e) {
      this.failure ??= e;
      this.throwIfFailed();
    }
  }

  private async openFile(name: string): Promise<{ path: string; handle: FileHandle }> {
    const path = join(this.opts.dir, `commit-${name}-${this.fileSeq++}-${randomBytes(4).toString('hex')}.ndjson`);
    return { path, handle: await open(path, 'w') };
  }

  /** Closes the staging files of every commit staged so far and starts their load. */
  private async load(): Promise<void> {
    const seq = this.pendingSeq;
    if (seq === undefined) return;
    for (const s of [this.access, this.ledger]) await this.write(s, s.buf.takeAll());
    const files = { access: this.access.file, ledger: this.ledger.file };
    this.access.file = undefined;
    this.ledger.file = undefined;
    this.pendingSeq = undefined;
    this.lines = 0;
    this.oldest = 0;
    for (const f of [files.access, files.ledger]) await f?.handle.close().catch((e: unknown) => { this.failure ??= e; });
    // One load at a time keeps commits in seq order; a caller that gets further ahead waits.
    await this.inFlight;
    this.inFlight = this.run(seq, files.access?.path, files.ledger?.path).finally(() => { this.inFlight = undefined; });
  }

  private async run(seq: number, accessFile: string | undefined, ledgerFile: string | undefined): Promise<void> {
    const c = this.opts.connection;
    const q = (p: string): string => `'${p.replaceAll("'", "''")}'`;
    try {
      if (this.failure !== undefined) return;
      await c.run('BEGIN TRANSACTION');
      try {
        if (ledgerFile !== undefined) await c.run(insertLedgerSql(q(ledgerFile)));
        if (accessFile !== undefined) await c.run(insertAccessSql(q(accessFile)));
        await c.run(`UPDATE bw_commit SET seq = ${seq}`);
        await c.run('COMMIT');
        this.loaded = seq;
      } catch (e) {
        await c.run('ROLLBACK').catch(() => undefined);
        throw e;
      }
    } catch (e) {
      this.failure ??= e;
    } finally {
      for (const f of [accessFile, ledgerFile]) if (f !== undefined) await unlink(f).catch(() => undefined);
    }
  }

  /**
   * A failed load stays failed: its commits are not in the store, so a later commit must not
   * move the stored seq past them (recovery would then skip them).
   */
  private throwIfFailed(): void {
    if (this.failure === undefined) return;
    throw new BreachwatchError('ERR_STORE', 'loading a commit failed; reopen the store to recover', { cause: this.failure });
  }
}
