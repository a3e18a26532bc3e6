/**
 * {@link ClickHouseSql} over HTTP with `@clickhouse/client`. Inserts stream their body as it
 * is written (one request per insert, parsed by the server while it arrives), so a large load
 * never sits in JavaScript memory. The client's own logger is off: its error lines would
 * carry server messages, which can quote rows (personal data); the store reports errors itself.
 */
import { PassThrough } from 'node:stream';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import type { ClickHouseStoreLocation } from '../location.js';
import type { ClickHouseSql, InsertBody, Row, Settings } from './sql.js';

/** Requests may run long (a scope over a billion rows); the server has its own limits. */
const REQUEST_TIMEOUT_MS = 30 * 60_000;

/** Connection settings besides the location. */
export interface HttpSqlOptions {
  /** Parallel requests at most (default 8). */
  readonly maxConnections?: number;
}

/**
 * Opens a client for `l` (nothing is sent until the first statement). The client library is
 * loaded here, on first use, so that commands on a DuckDB store never load it.
 */
export async function httpSql(l: ClickHouseStoreLocation, opts: HttpSqlOptions = {}): Promise<ClickHouseSql> {
  const { createClient, ClickHouseLogLevel } = await import('@clickhouse/client');
  const host = l.host.includes(':') ? `[${l.host}]` : l.host;
  const client = createClient({
    url: `${l.protocol}://${host}:${l.port}`,
    ...(l.username !== undefined && { username: l.username }),
    ...(l.password !== undefined && { password: l.password }),
    request_timeout: REQUEST_TIMEOUT_MS,
    max_open_connections: opts.maxConnections ?? 8,
    compression: { request: false, response: false },
    log: { level: ClickHouseLogLevel.OFF },
    application: 'breachwatch',
  });
  return new HttpSql(client);
}

const settingsOf = (s: Settings | undefined): ClickHouseSettings => s ?? {};

class HttpSql implements ClickHouseSql {
  constructor(private readonly client: ClickHouseClient) {}

  async command(sql: string, settings?: Settings): Promise<void> {
    await this.client.command({ query: sql, clickhouse_settings: settingsOf(settings) });
  }

  async rows(sql: string, settings?: Settings): Promise<Row[]> {
    const rs = await this.client.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: settingsOf(settings) });
    return rs.json<Row>();
  }

  async *stream(sql: string, settings?: Settings): AsyncIterable<Row> {
    const rs = await this.client.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: settingsOf(settings) });
    const s = rs.stream<Row>();
    try {
      for await (const batch of s) {
        for (const r of batch) yield r.json();
      }
    } finally {
      s.destroy();
    }
  }

  insert(table: string, settings?: Settings): InsertBody {
    const body = new PassThrough({ highWaterMark: 4 << 20 });
    let failure: Error | undefined;
    const failed = (e: unknown): Error => e instanceof Error ? e : new Error(String(e));
    // Read through a function: the callbacks below set it while a write waits.
    const check = (): void => { if (failure !== undefined) throw failure; };
    body.on('error', (e) => { failure ??= e; });
    const done = this.client.exec({ query: `INSERT INTO ${table} FORMAT JSONEachRow`, values: body, clickhouse_settings: settingsOf(settings) })
      .then((r) => { r.stream.resume(); })
      .catch((e: unknown) => { failure = failed(e); body.destroy(); });
    return {
      async write(text) {
        check();
        if (body.write(text)) return;
        await new Promise<void>((res) => {
          const go = (): void => { body.off('drain', go); body.off('close', go); res(); };
          body.once('drain', go);
          body.once('close', go);
        });
        check();
      },
      async end() {
        if (!body.destroyed) body.end();
        await done;
        check();
      },
      abort() {
        failure ??= new Error('insert abandoned');
        body.destroy();
      },
    };
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
