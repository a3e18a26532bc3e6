/**
 * Rows into one table through long streamed INSERTs. Rows are joined into pieces of about a
 * MiB and written into the open INSERT's body as they fill; the server parses them while
 * they arrive, so JavaScript never holds a whole load and the final flush waits only for the
 * last block. An insert ends ("seals") after `rotateRows` rows, when its oldest row has
 * waited `maxAgeMs`, or when the owner asks; ClickHouse favours few large inserts (each one
 * becomes a part per partition), and 18.16 cuts blocks at 1,048,576 rows, the default here.
 * At most two inserts are in flight: one being written, one finishing. A failure stays:
 * every later call rejects with ERR_STORE, so no caller believes rows stored that are not.
 */
import { BreachwatchError } from '../../model/index.js';
import { readFailure } from './errors.js';
import type { ClickHouseSql, InsertBody, Settings } from './sql.js';

/** Characters gathered before a write into the INSERT body. */
const PIECE_CHARS = 1 << 20;

/** How a pipe loads. */
export interface InsertPipeOptions {
  readonly sql: ClickHouseSql;
  /** Fully qualified table. */
  readonly table: string;
  readonly settings?: Settings;
  /** Rows after which an insert seals by itself (undefined: only when the owner seals). */
  readonly rotateRows?: number;
  /** Seals once the oldest row of the open insert has waited this long. */
  readonly maxAgeMs?: number;
  /** Says what failed, for the error (e.g. `loading access rows`). */
  readonly what: string;
}

/** One table's stream of inserts; see file header. */
export class InsertPipe {
  private pending: string[] = [];
  private pendingChars = 0;
  private body: InsertBody | undefined;
  private rows = 0;
  private finishing: Promise<void> = Promise.resolve();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;

  constructor(private readonly opts: InsertPipeOptions) {}

  /** Rows pushed since the last seal. */
  get rowsOpen(): number {
    return this.rows;
  }

  /** Characters held in JavaScript, not yet written to the server. */
  get heldChars(): number {
    return this.pendingChars;
  }

  /** Queues one newline-terminated row (synchronous; {@link pump} sends it). */
  push(row: string): void {
    this.pending.push(row);
    this.pendingChars += row.length;
    if (this.rows++ === 0 && this.opts.maxAgeMs !== undefined) {
      this.timer = setTimeout(() => { this.seal().catch(() => undefined); }, this.opts.maxAgeMs);
      this.timer.unref();
    }
  }

  /** Sends full pieces, and seals when the insert has its rows; waits when the server is behind. */
  pump(): Promise<void> {
    this.throwIfFailed();
    const full = this.opts.rotateRows !== undefined && this.rows >= this.opts.rotateRows;
    if (!full && this.pendingChars < PIECE_CHARS) return Promise.resolve();
    return this.locked(async () => {
      await this.send();
      if (this.opts.rotateRows === undefined || this.rows < this.opts.rotateRows) return;
      // One insert finishing at a time: a producer faster than the server waits here.
      await this.finishing;
      this.startSeal();
    });
  }

  /**
   * Ends the open insert (every row pushed so far) and resolves once the server has stored
   * all of it; later pushes go to a new insert.
   */
  seal(): Promise<void> {
    return this.locked(async () => {
      await this.send();
      this.startSeal();
      await this.finishing;
    }).then(() => this.throwIfFailed());
  }

  /** Drops what is queued and abandons the open insert (at close, after a failure). */
  async discard(): Promise<void> {
    clearTimeout(this.timer);
    this.pending = [];
    this.pendingChars = 0;
    this.body?.abort();
    this.body = undefined;
    await this.chain;
    await this.finishing.catch(() => undefined);
  }

  private locked(fn: () => Promise<void>): Promise<void> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Writes the queued rows into the open insert (opening one). */
  private async send(): Promise<void> {
    if (this.pendingChars === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    try {
      this.body ??= this.opts.sql.insert(this.opts.table, this.opts.settings);
      await this.body.write(text);
    } catch (e) {
      this.fail(e);
    }
  }

  /** Ends the open insert in the background, after the one before it has finished. */
  private startSeal(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.rows = 0;
    const body = this.body;
    this.body = undefined;
    if (body === undefined) return;
    const before = this.finishing;
    this.finishing = before.then(() => body.end()).catch((e: unknown) => this.fail(e));
  }

  private fail(e: unknown): void {
    this.failure ??= e;
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure === undefined) return;
    const f = readFailure(this.failure);
    const code = f.code === undefined ? '' : ` [ClickHouse ${f.code}]`;
    throw new BreachwatchError('ERR_STORE', `${this.opts.what} into ${this.opts.table} failed${code}: ${f.summary}; reopen the store to recover`);
  }
}
