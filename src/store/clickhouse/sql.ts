/**
 * The narrow interface the ClickHouse store talks to a server through: statements, rows in
 * `JSONEachRow`, streamed rows, and streamed inserts. The store ships one implementation over
 * HTTP (`http-sql.ts`, `@clickhouse/client`); the tests add one over embedded chDB, so the very
 * same SQL runs against Debian's 18.16 and against current ClickHouse.
 */

/** One row as `JSONEachRow` gives it (64-bit integers arrive as strings). */
export type Row = Readonly<Record<string, unknown>>;

/** An INSERT whose body is written piece by piece; the server parses while it arrives. */
export interface InsertBody {
  /** Writes NDJSON text (whole lines); resolves when the caller may write more (backpressure). */
  write(text: string): Promise<void>;
  /** Ends the body and resolves once the server has stored every row (rejects if it refused any). */
  end(): Promise<void>;
  /** Abandons the insert (what was sent may or may not be stored). */
  abort(): void;
}

/** Query settings sent with one statement (ClickHouse session settings, e.g. `insert_distributed_sync`). */
export type Settings = Readonly<Record<string, string | number>>;

/** A connection to one ClickHouse server (or embedded engine). */
export interface ClickHouseSql {
  /** Runs a statement that returns no rows. */
  command(sql: string, settings?: Settings): Promise<void>;
  /** Runs a query and returns all its rows (small results only). */
  rows(sql: string, settings?: Settings): Promise<Row[]>;
  /** Runs a query and yields its rows as they arrive. */
  stream(sql: string, settings?: Settings): AsyncIterable<Row>;
  /** Starts `INSERT INTO table FORMAT JSONEachRow` with a body written later. */
  insert(table: string, settings?: Settings): InsertBody;
  /** Releases connections. */
  close(): Promise<void>;
}
