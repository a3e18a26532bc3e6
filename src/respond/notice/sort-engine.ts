/**
 * An external sort for inputs that are not sorted by account id (the customer directory, a
 * possible-leak population): rows go into a private in-memory DuckDB through its appender and
 * come back ordered, chunk by chunk. DuckDB spills to a temporary folder past its memory
 * limit, so a directory of 34M customers sorts in bounded memory. This is a sort, not a store:
 * nothing here outlives the render.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';

/** DuckDB memory for a sort (the rest spills to disk). */
const SORT_MEMORY = '256MB';

/** Rows between appender flushes. */
const FLUSH_ROWS = 100_000;

/** A private DuckDB for sorting; {@link close} removes everything it wrote. */
export class SortEngine {
  private constructor(private readonly instance: DuckDBInstance, private readonly conn: DuckDBConnection, private readonly dir: string) {}

  /** Opens an engine that spills into a fresh temporary folder. */
  static async open(): Promise<SortEngine> {
    const dir = await mkdtemp(join(tmpdir(), 'bw-notice-sort-'));
    const instance = await DuckDBInstance.create(':memory:', { memory_limit: SORT_MEMORY, temp_directory: dir, threads: '2' });
    return new SortEngine(instance, await instance.connect(), dir);
  }

  /** Creates table `name` with `columns` (SQL column definitions) and returns a row writer. */
  async table(name: string, columns: string): Promise<RowWriter> {
    await this.conn.run(`CREATE TABLE ${name} (${columns})`);
    return new RowWriter(await this.conn.createAppender(name));
  }

  /** Streams the rows of `sql` as arrays of cell values. */
  async *rows(sql: string): AsyncGenerator<readonly unknown[]> {
    const result = await this.conn.stream(sql);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) return;
      const cols = chunk.getColumns();
      for (let i = 0; i < chunk.rowCount; i++) yield cols.map((c) => c[i]);
    }
  }

  /** Closes DuckDB and removes its spill folder. */
  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Appends rows of text and integer cells to one table. */
export class RowWriter {
  private pending = 0;

  constructor(private readonly app: DuckDBAppender) {}

  /** Appends one row: strings as VARCHAR, numbers as BIGINT. */
  add(cells: readonly (string | number)[]): void {
    for (const c of cells) {
      if (typeof c === 'number') this.app.appendBigInt(BigInt(c));
      else this.app.appendVarchar(c);
    }
    this.app.endRow();
    if (++this.pending >= FLUSH_ROWS) {
      this.app.flushSync();
      this.pending = 0;
    }
  }

  /** Flushes and closes the appender; the rows are then visible to queries. */
  end(): void {
    this.app.flushSync();
    this.app.closeSync();
  }
}
