/**
 * Store URLs: where a store lives, in one string for `--store` and serve's `store.url`.
 *
 *   duckdb:PATH                 an embedded DuckDB file (relative to the working folder), or
 *   duckdb::memory:             an in-memory one
 *   clickhouse://[user[:password]@]host[:port][/database][?setting=value&…]
 *   clickhouse+https://…        the same over TLS
 *
 * Parsing is data, not a throw ({@link parseStoreUrl}); a password is kept for the backend but
 * never shown again ({@link describeStore}).
 */
import { isAbsolute, resolve } from 'node:path';
import { DEFAULTS, type ParseResult } from '../model/index.js';
import type { StoreLocation } from '../store/index.js';

/** A refused URL: one issue, code `bad_store_url`. */
function bad(message: string): ParseResult<StoreLocation> {
  return { ok: false, issues: [{ code: 'bad_store_url', message }] };
}

const DEFAULT_PORT = { http: 8123, https: 8443 } as const;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses a store URL; the error names what is wrong and how the URL should look.
 *
 * @example
 * parseStoreUrl('duckdb:data/bw.duckdb')        // { ok: true, value: { scheme: 'duckdb', path: 'data/bw.duckdb' } }
 * parseStoreUrl('clickhouse://ch1:8123/bw')     // { ok: true, value: { scheme: 'clickhouse', host: 'ch1', … } }
 */
export function parseStoreUrl(text: string): ParseResult<StoreLocation> {
  if (text.startsWith('duckdb:')) {
    const path = text.slice('duckdb:'.length);
    if (path === '') return bad(`store URL '${text}' names no file (expected duckdb:PATH or duckdb::memory:)`);
    return { ok: true, value: { scheme: 'duckdb', path } };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'clickhouse' || scheme === 'clickhouse+http' || scheme === 'clickhouse+https') return parseClickHouse(text, scheme);
  return bad(
    scheme === undefined
      ? `store URL '${text}' has no scheme (expected duckdb:PATH, e.g. duckdb:${text}, or clickhouse://host:8123/database)`
      : `unknown store scheme '${scheme}:' (expected duckdb:PATH or clickhouse://host:8123/database)`,
  );
}

function parseClickHouse(text: string, scheme: string): ParseResult<StoreLocation> {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return bad(`store URL '${redact(text)}' is not a valid URL (expected clickhouse://[user[:password]@]host[:port][/database])`);
  }
  const shown = redact(text);
  if (u.hostname === '') return bad(`store URL '${shown}' names no host`);
  const protocol = scheme === 'clickhouse+https' ? 'https' : 'http';
  const port = u.port === '' ? DEFAULT_PORT[protocol] : Number(u.port);
  const path = u.pathname.replace(/^\/+|\/+$/g, '');
  const database = path === '' ? DEFAULTS.store.clickhouseDatabase : decodeURIComponent(path);
  if (!IDENTIFIER.test(database)) {
    return bad(`store URL '${shown}': database '${database}' must be one identifier (letters, digits, _)`);
  }
  if (u.hash !== '') return bad(`store URL '${shown}' must not have a #fragment`);
  const settings: Record<string, string> = {};
  for (const [k, v] of u.searchParams) settings[k] = v;
  return {
    ok: true,
    value: {
      scheme: 'clickhouse', protocol, host: u.hostname.replace(/^\[|\]$/g, ''), port, database, settings,
      ...(u.username !== '' && { username: decodeURIComponent(u.username) }),
      ...(u.password !== '' && { password: decodeURIComponent(u.password) }),
    },
  };
}

/** The URL text with any password replaced, for messages. */
function redact(text: string): string {
  return text.replace(/^([^:]+:\/\/[^:@/]*):[^@/]*@/, '$1:***@');
}

/** A location as a person reads it, with no password (for logs, messages and summaries). */
export function describeStore(l: StoreLocation): string {
  if (l.scheme === 'duckdb') return `duckdb:${l.path}`;
  const user = l.username === undefined ? '' : `${encodeURIComponent(l.username)}${l.password === undefined ? '' : ':***'}@`;
  const host = l.host.includes(':') ? `[${l.host}]` : l.host;
  return `clickhouse${l.protocol === 'https' ? '+https' : ''}://${user}${host}:${l.port}/${l.database}`;
}

/**
 * The URL with a relative DuckDB path resolved against `base` (a config file's folder); any
 * other URL unchanged (so a ClickHouse password survives).
 */
export function resolveStoreUrl(url: string, base: string): string {
  const r = parseStoreUrl(url);
  if (!r.ok || r.value.scheme !== 'duckdb' || r.value.path === ':memory:' || isAbsolute(r.value.path)) return url;
  return `duckdb:${resolve(base, r.value.path)}`;
}
