/**
 * Bulk, background loading through staging NDJSON files. JavaScript only concatenates lines
 * (an event's verbatim source line where it has one); DuckDB's own parallel JSON reader turns
 * each staged file into rows on its threads while JavaScript keeps working. At most
 * `maxInFlight` loads run at once; a caller that gets further ahead waits (backpressure).
 */
import { randomBytes } from 'node:crypto';
import { unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { BreachwatchError } from '../../model/index.js';

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
  /** Lines per load (default 100k). */
  readonly batchLines?: number;
  /** Characters per load (default 32 Mi). */
  readonly batchChars?: number;
}

/** Buffers NDJSON lines and loads them in large batches in the background. */
export class StagedLoader {
  private pieces: string[] = [];
  private lines = 0;
  private chars = 0;
  private seq = 0;
  private readonly inFlight: Promise<void>[] = [];
  private readonly idle: DuckDBConnection[];
  private failure: unknown;
  private readonly batchLines: number;
  private readonly batchChars: number;

  constructor(private readonly opts: StagedLoaderOptions) {
    if (opts.connections.length === 0) throw new BreachwatchError('ERR_INTERNAL', `${opts.name} loader needs a connection`);
    this.idle = [...opts.connections];
    this.batchLines = opts.batchLines ?? 100_000;
    this.batchChars = opts.batchChars ?? 32 * 1024 * 1024;
  }

  /** Adds one NDJSON line (no trailing newline). */
  push(line: string): void {
    this.pieces.push(line);
    this.lines++;
    this.chars += line.length + 1;
  }

  /** Starts a load when a batch is full; waits only when every connection is busy. */
  async maybeLoad(): Promise<void> {
    this.throwIfFailed();
    if (this.lines >= this.batchLines || this.chars >= this.batchChars) await this.startLoad();
  }

  /** Loads whatever is buffered and waits for every load to finish. */
  async flush(): Promise<void> {
    if (this.lines > 0) await this.startLoad();
    while (this.inFlight.length > 0) await this.inFlight[0];
    this.throwIfFailed();
  }

  private async startLoad(): Promise<void> {
    while (this.idle.length === 0) await this.inFlight[0];
    this.throwIfFailed();
    const conn = this.idle.pop();
    if (conn === undefined) return;
    const text = this.pieces.join('\n') + '\n';
    this.pieces = [];
    this.lines = 0;
    this.chars = 0;
    const file = join(this.opts.dir, `${this.opts.name}-${this.seq++}-${randomBytes(4).toString('hex')}.ndjson`);
    const job = this.load(conn, file, text).finally(() => {
      this.idle.push(conn);
      const at = this.inFlight.indexOf(job);
      if (at >= 0) void this.inFlight.splice(at, 1);
    });
    this.inFlight.push(job);
  }

  private async load(conn: DuckDBConnection, file: string, text: string): Promise<void> {
    try {
      await writeFile(file, text);
      await conn.run(this.opts.insertSql(`'${file.replaceAll("'", "''")}'`));
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
