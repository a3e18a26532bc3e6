/**
 * Streams affected-account rows out of DuckDB chunk by chunk (2048 rows at a time), so that
 * tens of millions of accounts never sit in JavaScript at once.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { AffectedAccount } from '../store.js';

const SEP = '\u001f';

const split = (v: unknown): string[] => (typeof v === 'string' && v !== '' ? v.split(SEP) : []);

/** Runs `sql` (shape of `affectedSql`) as a streaming query and yields its rows. */
export async function* streamAffected(conn: DuckDBConnection, sql: string): AsyncGenerator<AffectedAccount> {
  const result = await conn.stream(sql);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) return;
    const [ids, firsts, lasts, counts, fields, ips] = chunk.getColumns();
    for (let i = 0; i < chunk.rowCount; i++) {
      yield {
        account_id: String(ids?.[i]),
        fields: split(fields?.[i]),
        first_access: Number(firsts?.[i]),
        last_access: Number(lasts?.[i]),
        accesses: Number(counts?.[i]),
        src_ips: split(ips?.[i]),
      };
    }
  }
}
