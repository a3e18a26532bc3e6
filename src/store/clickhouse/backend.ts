/**
 * The ClickHouse backend as the composition layer sees it (`--store clickhouse://…`). The
 * URL's query settings are the backend's options; only these are known, anything else is
 * refused (a typo must not silently change where rows go):
 *
 *   cluster=NAME   `access` and `ledger` through Distributed tables over the server's
 *                  `remote_servers` cluster NAME (each shard opened once on its own first)
 *
 * A profile maps to loading: `live` loads staged rows within `loadWithinMs`; `bulk` and
 * `read` only in full inserts and at flush. Threads and memory are the server's to manage.
 * Inserts are retried after a transient failure (`retry-insert.ts`, `DEFAULTS.store.insert*`).
 */
import { BreachwatchError, DEFAULTS, type ParseResult } from '../../model/index.js';
import type { StoreBackend } from '../backend.js';
import type { ClickHouseStoreLocation } from '../location.js';
import type { Store } from '../store.js';
import type { ClickHouseStoreOptions } from './clickhouse-store.js';
import { isIdentifier } from './escape.js';
import { httpSql } from './http-sql.js';
import { openClickHouseStore } from './open.js';
import { retryingInserts } from './retry-insert.js';

/** The URL settings this backend knows. */
const KNOWN = ['cluster'] as const;

/** How the store is named in messages: never with user or password. */
export function describeClickHouse(l: ClickHouseStoreLocation): string {
  const host = l.host.includes(':') ? `[${l.host}]` : l.host;
  return `clickhouse${l.protocol === 'https' ? '+https' : ''}://${host}:${l.port}/${l.database}`;
}

/** Reads the URL settings of `l` into store options. */
export function clickHouseOptions(l: ClickHouseStoreLocation): ParseResult<ClickHouseStoreOptions> {
  const where = describeClickHouse(l);
  const unknown = Object.keys(l.settings).filter((k) => !(KNOWN as readonly string[]).includes(k));
  if (unknown.length > 0) {
    return { ok: false, issues: [{ code: 'bad_store_url', message: `${where}: unknown setting ${unknown.map((k) => `'${k}'`).join(', ')} (known: ${KNOWN.join(', ')})` }] };
  }
  const cluster = l.settings.cluster;
  if (cluster !== undefined && !isIdentifier(cluster)) {
    return { ok: false, issues: [{ code: 'bad_store_url', message: `${where}: cluster '${cluster}' must be one identifier (letters, digits, _)` }] };
  }
  return { ok: true, value: { database: l.database, where, ...(cluster !== undefined && { cluster }) } };
}

/** Opens ClickHouse stores for the composition layer. */
export const clickhouseBackend: StoreBackend<ClickHouseStoreLocation> = {
  scheme: 'clickhouse',
  async open(location, opts): Promise<Store> {
    const r = clickHouseOptions(location);
    if (!r.ok) throw new BreachwatchError('ERR_CONFIG', r.issues.map((i) => i.message).join('; '));
    const live = opts.profile.loadWithinMs !== undefined ? { loadWithinMs: opts.profile.loadWithinMs } : {};
    const sql = retryingInserts(await httpSql(location), {
      retries: DEFAULTS.store.insertRetries, backoffMs: DEFAULTS.store.insertRetryBackoffMs, retainChars: DEFAULTS.store.insertRetainChars,
    });
    return openClickHouseStore(sql, { ...r.value, ...live }, {
      ...(opts.fresh === true && { fresh: true }), ...(opts.mustExist === true && { mustExist: true }),
    });
  },
};
