/**
 * Bulk, background loading through staging NDJSON files. JavaScript only concatenates lines
 * (an event's verbatim source line where it has one) and streams them into the current
 * staging file in chunks of about a MiB, so a batch costs no JavaScript memory whatever its
 * size. A batch is `batchLines` lines: exactly, however the appends were sized, when the owner
 * allows appends to be split (hunt: whole DuckDB row groups), else up to the end of the append
 * that fills it. When one is complete, DuckDB's own JSON reader loads its file in
 * the background while JavaScript keeps working. Large batches matter: a 500k-row load costs
 * DuckDB about two thirds of the CPU per row of ten 50k-row loads. At most one load per
 * connection runs at once; a caller that gets further ahead waits (backpressure).
 */
import { randomBytes } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { BreachwatchError } from '../../model/index.js';
import { ChunkBuffer } from './chunk-buffer.js';

/** How a staged loader writes and loads. */
export interface StagedLoaderOptions {
  /** Folder for staging files (removed by the owner). */
  readonly dir: string;
  /** Table name, used in staging file names and errors. */
  readonly name: string;
  /** One connection per concurrent load. */
  readonly connections: readonly DuckDBConnection[];
  /** SQL that loads one staging file (path already SQL-quoted). */
  readonly insertSql: (quotedPath: string) => string;
  /** Lines per load (default 500k; see `splitAppends`). */
  readonly batchLines?: number;
  /** Characters per load (default 256 Mi). */
  readonly batchChars?: number;
  /** Starts a load once the oldest staged line has waited this long (default: only when full). */
  readonly maxAgeMs?: number;
  /**
   * Ends a batch at exactly `batchLines` lines, even inside one append. Off by default: a batch
   * then ends after the first append (the lines pushed between two `maybeLoad` calls) that
   * fills it, so that one append always loads in one statement.
   */
  readonly splitAppends?: boolean;
}

/** The staging file being filled. */
interface Staging {
  readonly path: string;
  readonly handle: FileHandle;
}

/** Buffers NDJSON lines and loads them in large batches in the background. */
export class StagedLoader {
  /** Lines not yet written to a staging file. */
  private readonly buf = new ChunkBuffer();
  /**
   * Where batches end: a batch is the buffer's filled chunks up to (not including) each index. A batch ends once it
   * has `batchLines` lines or `batchChars` characters: at that very line with `splitAppends`,
   * else at the end of that append.
   */
  private cuts: number[] = [];
  /** Lines and characters of the batch being filled. */
  private fillLines = 0;
  private fillChars = 0;
  private staging: Staging | undefined;
  private seq = 0;
  private readonly inFlight: Promise<void>[] = [];
  private readonly idle: DuckDBConnection[];
  private failure: unknown;
  /** Staging-file work runs one step at a time (a read's flush may meet the writer's append). */
  private chain: Promise<unknown> = Promise.resolve();
  /** Lines per load: the configured size, lowered near the end of the input ({@link limitBatch}). */
  private batchLines: number;
  private readonly maxBatchLines: number;
  private readonly batchChars: number;
  /** Wall time the oldest line not yet loaded was pushed (0 when none is waiting). */
  private oldest = 0;

  constructor(private readonly opts: StagedLoaderOptions) {
    if (opts.connections.length === 0) throw new BreachwatchError('ERR_INTERNAL', `${opts.name} loader needs a connection`);
    this.idle = [...opts.connections];
    this.maxBatchLines = opts.batchLines ?? 500_000;
    this.batchLines = this.maxBatchLines;
    this.batchChars = opts.batchChars ?? 256 * 1024 * 1024;
  }

  /**
   * Loads batches of `lines` lines from now on (at least one, never more than configured). The
   * batch being filled ends at once if it already has that many.
   */
  limitBatch(lines: number): void {
    this.batchLines = Math.max(1, Math.min(this.maxBatchLines, Math.floor(lines)));
    if (this.fillLines > 0 && this.filled()) this.cut();
  }

  /** True while anything is staged or loading. */
  get busy(): boolean {
    return this.inFlight.length > 0 || this.staging !== undefined || !this.buf.empty;
  }

  /**
   * Adds one NDJSON line given as pieces (no trailing newline): each piece is UTF-8 encoded
   * straight into the current chunk, with no joined copy of the line.
   */
  push(head: string, body?: string, tail?: string): void {
    this.buf.push(head, body, tail);
    this.fillChars += head.length + (body?.length ?? 0) + (tail?.length ?? 0) + 1;
    if (this.oldest === 0) this.oldest = Date.now();
    this.fillLines++;
    if (this.opts.splitAppends === true && this.filled()) this.cut();
  }

  /** True when the batch being filled has reached its size. */
  private filled(): boolean {
    return this.fillLines >= this.batchLines || this.fillChars >= this.batchChars;
  }

  /** Ends the batch being filled after the last line pushed. */
  private cut(): void {
    this.buf.seal();
    this.cuts.push(this.buf.fullCount);
    this.fillLines = 0;
    this.fillChars = 0;
  }

  /**
   * Ends an append: writes filled chunks out and starts a load for each complete batch; waits
   * only when every connection is busy.
   */
  async maybeLoad(): Promise<void> {
    this.throwIfFailed();
    if (this.fillLines > 0 && this.filled()) this.cut();
    const old = this.oldest !== 0 && this.opts.maxAgeMs !== undefined && Date.now() - this.oldest >= this.opts.maxAgeMs;
    if (!old && !this.buf.hasFull) return;
    await this.locked(() => this.stage(old));
  }

  /** Loads whatever is buffered and waits for every load to finish. */
  async flush(): Promise<void> {
    this.throwIfFailed();
    await this.locked(() => this.stage(true));
    while (this.inFlight.length > 0) await this.inFlight[0];
    this.throwIfFailed();
  }

  /**
   * Writes what is buffered to staging files, starting a load at every batch end, and (with
   * `all`) also loads the batch being filled. What is pushed meanwhile waits for the next step.
   */
  private async stage(all: boolean): Promise<void> {
    if (all && this.fillLines > 0) this.cut();
    const full = this.buf.takeFull();
    const cuts = this.cuts;
    this.cuts = [];
    let from = 0;
    for (const to of cuts) {
      await this.write(full.slice(from, to));
      await this.startLoad();
      from = to;
    }
    if (from < full.length) await this.write(full.slice(from));
  }

  /** Runs `fn` after every staging step begun before it. */
  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Closes and removes a staging file that was never loaded (after a failure). */
  async discard(): Promise<void> {
    await this.chain;
    const s = this.staging;
    this.staging = undefined;
    this.buf.clear();
    this.cuts = [];
    this.fillLines = 0;
    this.fillChars = 0;
    this.oldest = 0;
    if (s !== undefined) {
      await s.handle.close().catch(() => undefined);
      await unlink(s.path).catch(() => undefined);
    }
    while (this.inFlight.length > 0) await this.inFlight[0];
  }

  /** Appends chunks to the staging file, opening one when none is open. */
  private async write(chunks: Buffer[]): Promise<void> {
    if (chunks.length === 0) return;
    let s = this.staging;
    try {
      if (s === undefined) {
        const path = join(this.opts.dir, `${this.opts.name}-${this.seq++}-${randomBytes(4).toString('hex')}.ndjson`);
        s = { path, handle: await open(path, 'w') };
        this.staging = s;
      }
      await s.handle.writev(chunks);
    } catch (e) {
      this.failure ??= e;
      this.throwIfFailed();
    }
  }

  private async startLoad(): Promise<void> {
    const s = this.staging;
    if (s === undefined) return;
    this.staging = undefined;
    this.oldest = this.buf.empty ? 0 : Date.now();
    try {
      await s.handle.close();
    } catch (e) {
      this.failure ??= e;
    }
    while (this.idle.length === 0) await this.inFlight[0];
    const conn = this.idle.pop();
    if (conn === undefined) return;
    const job = this.load(conn, s.path).finally(() => {
      this.idle.push(conn);
      const at = this.inFlight.indexOf(job);
      if (at >= 0) void this.inFlight.splice(at, 1);
    });
    this.inFlight.push(job);
    this.throwIfFailed();
  }

  private async load(conn: DuckDBConnection, file: string): Promise<void> {
    try {
      if (this.failure === undefined) await conn.run(this.opts.insertSql(`'${file.replaceAll("'", "''")}'`));
    } catch (e) {
      this.failure ??= e;
    } finally {
      await unlink(file).catch(() => undefined);
    }
  }

  private throwIfFailed(): void {
    if (this.failure === undefined) return;
    const cause = this.failure;
    this.failure = undefined;
    throw new BreachwatchError('ERR_STORE', `loading ${this.opts.name} failed`, { cause });
  }
}
