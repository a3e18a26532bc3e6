/**
 * Sequenced commits without transactions. ClickHouse cannot store two tables' rows and a
 * number in one atomic step, so the sequence travels with the rows instead:
 *
 * 1. every row of commit `k` is stored with `seq = k`, streamed into the open inserts of
 *    `access` and `ledger` as the commit arrives;
 * 2. a batch of commits ends both inserts and waits until the server has stored every row;
 * 3. only then is the batch's last seq written to `bw_commit` (one row).
 *
 * The store holds commit `k`, rows and all, exactly when `bw_commit` holds a seq ≥ `k`, so
 * {@link CommitLog.held} (the largest one) never runs ahead of the rows. Rows of commits
 * after it may be stored too (a crash between steps 2 and 3, or halfway through step 2):
 * every read of `access` and `ledger` takes only rows with `seq ≤ held` (appends have seq
 * 0), which hides them, and when recovery commits the same journal records again, their
 * rows have the same identity and merge with those copies (ReplacingMergeTree, grouped
 * reads). Batches seal one at a time, in seq order.
 */
import { BreachwatchError } from '../../model/index.js';
import type { StoreCommit } from '../store.js';
import { readFailure } from './errors.js';
import { sqlInt } from './escape.js';
import { InsertPipe } from './insert-pipe.js';
import { insertRows } from './alerts.js';
import { accessRow, ledgerRow } from './rows.js';
import type { TableNames } from './schema.js';
import type { ClickHouseSql, Settings } from './sql.js';

/** How a commit log batches. */
export interface CommitLogOptions {
  readonly sql: ClickHouseSql;
  readonly tables: TableNames;
  /** Insert settings (`insert_distributed_sync` on a cluster). */
  readonly settings?: Settings;
  /** Rows (both tables) after which the staged commits seal. */
  readonly batchRows: number;
  /** Seals once the oldest staged commit has waited this long. */
  readonly maxAgeMs?: number;
}

/** The largest seq whose rows are all stored, read from the server (0 when none). */
export async function heldSeq(sql: ClickHouseSql, tables: TableNames): Promise<number> {
  const r = await sql.rows(`SELECT max(seq) AS s FROM ${tables.commits}`);
  return Number(r[0]?.s ?? 0);
}

/** Stages commits and seals them in order; see file header. */
export class CommitLog {
  private readonly access: InsertPipe;
  private readonly ledger: InsertPipe;
  private staged = 0;
  private loaded = 0;
  /** The seq of the last commit staged since the last seal began. */
  private pendingSeq: number | undefined;
  private rows = 0;
  private timer: NodeJS.Timeout | undefined;
  private sealing: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(private readonly opts: CommitLogOptions) {
    const pipe = (table: string, what: string): InsertPipe => new InsertPipe({
      sql: opts.sql, table, what, ...(opts.settings !== undefined && { settings: opts.settings }),
    });
    this.access = pipe(opts.tables.access, 'loading committed access rows');
    this.ledger = pipe(opts.tables.ledger, 'loading committed ledger rows');
  }

  /** Reads the stored seq. */
  async init(): Promise<void> {
    this.loaded = await heldSeq(this.opts.sql, this.opts.tables);
    this.staged = this.loaded;
  }

  /** The largest seq sealed by this process or found stored. */
  get held(): number {
    return this.loaded;
  }

  /** True while commits are staged or sealing. */
  get busy(): boolean {
    return this.pendingSeq !== undefined || this.access.rowsOpen + this.ledger.rowsOpen > 0;
  }

  /** Characters staged in JavaScript. */
  get heldChars(): number {
    return this.access.heldChars + this.ledger.heldChars;
  }

  /** Stages one commit (see `IngestStore.commit`). */
  async commit(c: StoreCommit): Promise<void> {
    this.throwIfFailed();
    if (!Number.isSafeInteger(c.seq) || c.seq <= this.staged) {
      throw new BreachwatchError('ERR_STORE', `commit seq ${c.seq} is not above the last one (${this.staged}): sequences only grow`);
    }
    this.staged = c.seq;
    for (const ev of c.access) this.access.push(accessRow(ev, c.seq));
    for (const ev of c.ledger) this.ledger.push(ledgerRow(ev, c.seq));
    this.pendingSeq = c.seq;
    this.rows += c.access.length + c.ledger.length;
    if (this.timer === undefined && this.opts.maxAgeMs !== undefined) {
      this.timer = setTimeout(() => { this.seal().catch(() => undefined); }, this.opts.maxAgeMs);
      this.timer.unref();
    }
    if (this.rows >= this.opts.batchRows) await this.seal();
    else await Promise.all([this.access.pump(), this.ledger.pump()]);
  }

  /** Seals everything staged and waits for it. */
  async flush(): Promise<void> {
    this.throwIfFailed();
    await this.seal();
    this.throwIfFailed();
  }

  /** Abandons what is staged (at close). */
  async discard(): Promise<void> {
    clearTimeout(this.timer);
    this.pendingSeq = undefined;
    await Promise.all([this.access.discard(), this.ledger.discard()]);
    await this.sealing.catch(() => undefined);
  }

  /** Ends the inserts of the commits staged so far, then records their last seq. */
  private seal(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const seq = this.pendingSeq;
    this.pendingSeq = undefined;
    this.rows = 0;
    if (seq === undefined) return this.sealing;
    // Both inserts end now; the seq is written after they and every earlier batch are stored.
    const rows = Promise.all([this.access.seal(), this.ledger.seal()]);
    rows.catch(() => undefined); // awaited below, after the batch before it
    const before = this.sealing;
    this.sealing = (async () => {
      await before;
      await rows;
      if (this.failure !== undefined) return;
      // an insert (not a statement), so that a transient failure is retried (retry-insert.ts)
      await insertRows(this.opts.sql, this.opts.tables.commits, [`{"seq":${sqlInt(seq)}}\n`]);
      this.loaded = seq;
    })().catch((e: unknown) => { this.failure ??= e; });
    return this.sealing;
  }

  /** A failed batch stays failed: a later seq must not be recorded past commits that are not stored. */
  private throwIfFailed(): void {
    if (this.failure === undefined) return;
    const f = this.failure;
    const why = f instanceof BreachwatchError ? f.message : readFailure(f).summary;
    throw new BreachwatchError('ERR_STORE', `loading a commit failed (${why}); reopen the store to recover`);
  }
}
