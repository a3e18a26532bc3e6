/**
 * Inserts that survive a transient failure. The wrapper keeps the text written into each
 * insert and, when the insert fails for a reason that says nothing about the rows (the
 * connection reset or refused, EPIPE, a gateway's 502/503/504, ClickHouse's too-many-parts or
 * too-many-queries), sends it again as a new insert after a backoff, a bounded number of
 * times. An insert larger than `retainChars` is not kept (it fails as before): the store's
 * live and checkpoint commits are far smaller; a bulk load's million-row inserts may not be.
 *
 * Only inserts into tables that read a row stored twice once are retried (`RETRIED_TABLES`):
 * `access` and `ledger` (and their Distributed `_all` tables, which shard by the same
 * identity) are ReplacingMergeTrees ordered by the event's identity (`dedup_key`, or jti and
 * type), and every read counts an identity once; `alerts`, `keys` and `catalog` are
 * ReplacingMergeTree(ver) by id, read at each id's latest version (`argMax(…, ver)`; a repeat
 * has the same ver); `indicators` rows are folded on read (min first_seen, max last_seen,
 * retracted of the latest ver, grouped by alert, type and value); `bw_commit` is read as its
 * largest seq. The response's tables (incidents, saved runs, deliveries) are not retried:
 * that their reads are proof against a repeated row is not checked here.
 */
import type { ClickHouseSql, InsertBody, Row, Settings } from './sql.js';
import { readFailure } from './errors.js';

/** How inserts are retried. */
export interface RetryPolicy {
  /** Sends after the first (0: none). */
  readonly retries: number;
  /** Wait before the first retry; doubled before each next one. */
  readonly backoffMs: number;
  /** An insert whose text grows past this is not kept, so not retried. */
  readonly retainChars: number;
}

/** Network errors that end a connection, not a statement. */
const NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET']);
/** ClickHouse codes that mean "later": TOO_MANY_SIMULTANEOUS_QUERIES, SOCKET_TIMEOUT, NETWORK_ERROR, TOO_MANY_PARTS. */
const LATER = new Set([202, 209, 210, 252]);

/** True when `e` says nothing about the rows: sending them again may succeed. */
export function isTransient(e: unknown): boolean {
  const f = readFailure(e);
  if (f.code !== undefined) return LATER.has(f.code);
  const errno = (e as { code?: unknown } | null)?.code;
  if (typeof errno === 'string' && NETWORK.has(errno)) return true;
  const message = e instanceof Error ? e.message : String(e);
  return /socket hang up|other side closed|ECONNRESET|EPIPE|ECONNREFUSED|\b50[234]\b/.test(message);
}

/** The tables whose inserts are retried (unqualified names; see the file header for why each is safe). */
export const RETRIED_TABLES: ReadonlySet<string> = new Set(['access', 'ledger', 'access_all', 'ledger_all', 'alerts', 'indicators', 'keys', 'catalog', 'bw_commit']);

/** The unqualified name of `` `db`.`table` ``. */
function tableOf(qualified: string): string {
  return (qualified.split('.').pop() ?? '').replaceAll('`', '');
}

/**
 * `sql` with its inserts into {@link RETRIED_TABLES} retried under `policy` (other inserts,
 * statements and queries are passed through).
 */
export function retryingInserts(sql: ClickHouseSql, policy: RetryPolicy): ClickHouseSql {
  return {
    command: (q: string, s?: Settings) => sql.command(q, s),
    rows: (q: string, s?: Settings): Promise<Row[]> => sql.rows(q, s),
    stream: (q: string, s?: Settings) => sql.stream(q, s),
    insert: (table: string, s?: Settings) => (RETRIED_TABLES.has(tableOf(table)) ? new RetriedInsert(sql, table, s, policy) : sql.insert(table, s)),
    close: () => sql.close(),
  };
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/** One insert, kept (up to `retainChars`) until the server has stored it, and sent again after a transient failure. */
class RetriedInsert implements InsertBody {
  private body: InsertBody;
  /** The text written so far (undefined once past `retainChars`: no retry). */
  private kept: string[] | undefined = [];
  private keptChars = 0;
  /** A write failed transiently: the rest is only kept, and sent on the retry. */
  private broken: Error | undefined;

  constructor(private readonly sql: ClickHouseSql, private readonly table: string, private readonly settings: Settings | undefined, private readonly policy: RetryPolicy) {
    this.body = sql.insert(table, settings);
  }

  async write(text: string): Promise<void> {
    if (this.kept !== undefined) {
      this.keptChars += text.length;
      if (this.keptChars > this.policy.retainChars) this.kept = undefined;
      else this.kept.push(text);
    }
    if (this.broken !== undefined) {
      if (this.kept === undefined) throw this.broken;
      return;
    }
    try {
      await this.body.write(text);
    } catch (e) {
      if (this.kept === undefined || !isTransient(e)) throw e;
      this.broken = asError(e);
    }
  }

  async end(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (this.broken !== undefined) throw this.broken;
        await this.body.end();
        return;
      } catch (e) {
        if (this.kept === undefined || attempt >= this.policy.retries || !isTransient(e)) throw e;
        this.body.abort();
        await new Promise((r) => setTimeout(r, this.policy.backoffMs * 2 ** attempt));
        this.broken = undefined;
        this.body = this.sql.insert(this.table, this.settings);
        for (const text of this.kept) {
          try {
            await this.body.write(text);
          } catch (w) {
            if (!isTransient(w)) throw w;
            this.broken = asError(w);
            break;
          }
        }
      }
    }
  }

  abort(): void {
    this.body.abort();
  }
}
