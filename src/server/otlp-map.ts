/**
 * OTLP/HTTP JSON logs → contract access events. A service instrumented with OpenTelemetry
 * logs one record per API request; its attributes (record attributes over resource
 * attributes) map to the contract's fields as follows:
 *
 * | attribute | access-event field |
 * |---|---|
 * | `breachwatch.event` (string) | the whole contract access event as JSON; every other attribute is then ignored |
 * | record `timeUnixNano` (else `observedTimeUnixNano`) | `time` |
 * | `client.address` (else `source.address`, `network.peer.address`) | `src_ip` |
 * | `http.request.method` | `method` |
 * | `http.route` (else `url.template`) | `route` |
 * | `url.path` | `path` (resolved through the catalog when no route is given) |
 * | `http.response.status_code` | `status` |
 * | `http.response.body.size` | `bytes` |
 * | `user_agent.original` | `user_agent` |
 * | `breachwatch.request_id` (else `http.request.id`) | `request_id` |
 * | `breachwatch.account_id` (else `enduser.id`) | `account_id` |
 * | `breachwatch.records` | `records` |
 * | `breachwatch.device_id` (else `device.id`) | `device_id` |
 * | `session.id` | `session_id` |
 * | `client.geo.country_iso_code` (else `breachwatch.country`) | `country` |
 * | `client.as.number` (else `breachwatch.asn`) | `asn` |
 * | `breachwatch.jwt` | `jwt` |
 * | `breachwatch.token.jti` `.kid` `.sub` `.iat` `.exp` `.client_id` `.iss` | `token.*` |
 *
 * A record with neither `breachwatch.event` nor `http.request.method` is not an access log:
 * it is counted as ignored, not quarantined.
 *
 * The body is JSON a sender controls, so nothing here trusts its shape: a part of the wrong
 * type (`resourceLogs:[null]`, `scopeLogs:5`, an attribute that is not a key/value, a
 * `timeUnixNano` no `Date` can hold) becomes one rejected record with its reason, and the
 * well-formed records beside it are mapped as usual.
 */
import type { DeliveryItem } from '../live/index.js';

/** OTLP AnyValue (JSON encoding). */
export interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
}
/** OTLP KeyValue. */
export interface KeyValue { key: string; value?: AnyValue }
/** One OTLP LogRecord (the fields read here). */
export interface LogRecord { timeUnixNano?: string | number; observedTimeUnixNano?: string | number; attributes?: KeyValue[] }
/** The ExportLogsServiceRequest JSON body (as it should be; see file header). */
export interface OtlpLogsRequest {
  resourceLogs?: { resource?: { attributes?: KeyValue[] }; scopeLogs?: { logRecords?: LogRecord[] }[] }[];
}

/** A part of the request that is not what OTLP says it is. */
class Malformed extends Error {
  constructor(readonly reason: 'bad_otlp' | 'bad_time', message: string) {
    super(message);
  }
}

/** Nesting of array/kvlist values beyond this is refused (it only costs stack). */
const MAX_DEPTH = 8;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `v` as an array (absent: empty); anything else is malformed. */
function listOf(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Malformed('bad_otlp', `${what} is not an array`);
  return v;
}

function plain(v: unknown, depth: number): unknown {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw new Malformed('bad_otlp', 'an attribute value is not an AnyValue object');
  if (depth > MAX_DEPTH) throw new Malformed('bad_otlp', `attribute values nest deeper than ${MAX_DEPTH}`);
  const a = v as AnyValue;
  if (a.stringValue !== undefined) return a.stringValue;
  if (a.intValue !== undefined) return Number(a.intValue);
  if (a.doubleValue !== undefined) return a.doubleValue;
  if (a.boolValue !== undefined) return a.boolValue;
  if (a.arrayValue !== undefined) return listOf((a.arrayValue as { values?: unknown } | null)?.values, 'arrayValue.values').map((x) => plain(x, depth + 1));
  if (a.kvlistValue !== undefined) {
    const into = new Map<string, unknown>();
    attrs((a.kvlistValue as { values?: unknown } | null)?.values, into, depth + 1);
    return Object.fromEntries(into);
  }
  return a.bytesValue;
}

function attrs(list: unknown, into: Map<string, unknown>, depth = 0): void {
  for (const kv of listOf(list, 'attributes')) {
    if (!isObject(kv) || typeof kv['key'] !== 'string') throw new Malformed('bad_otlp', 'an attribute is not a {key, value} object');
    into.set(kv['key'], plain(kv['value'], depth));
  }
}

/** Nanoseconds since the epoch as RFC 3339; `undefined` when absent or 0; malformed when no `Date` can hold it. */
function nanosToRfc3339(n: unknown): string | undefined {
  if (n === undefined || n === null) return undefined;
  const big = typeof n === 'number' && Number.isFinite(n) ? BigInt(Math.trunc(n)) : typeof n === 'string' && /^\d{1,30}$/.test(n) ? BigInt(n) : undefined;
  if (big === undefined) throw new Malformed('bad_time', `timeUnixNano ${JSON.stringify(n).slice(0, 40)} is not a whole number of nanoseconds`);
  if (big === 0n) return undefined;
  const ms = Number(big / 1_000_000n);
  // Date's range is ±8.64e15 ms; past it there is no time to compare with.
  if (!(ms <= 8.64e15)) throw new Malformed('bad_time', `timeUnixNano ${big.toString().slice(0, 40)} is outside the range of dates`);
  return new Date(ms).toISOString();
}

const SIMPLE: readonly [string, readonly string[]][] = [
  ['src_ip', ['client.address', 'source.address', 'network.peer.address']],
  ['method', ['http.request.method']],
  ['route', ['http.route', 'url.template']],
  ['path', ['url.path']],
  ['status', ['http.response.status_code']],
  ['bytes', ['http.response.body.size']],
  ['user_agent', ['user_agent.original']],
  ['request_id', ['breachwatch.request_id', 'http.request.id']],
  ['account_id', ['breachwatch.account_id', 'enduser.id']],
  ['records', ['breachwatch.records']],
  ['device_id', ['breachwatch.device_id', 'device.id']],
  ['session_id', ['session.id']],
  ['country', ['client.geo.country_iso_code', 'breachwatch.country']],
  ['asn', ['client.as.number', 'breachwatch.asn']],
  ['jwt', ['breachwatch.jwt']],
];
const TOKEN_FIELDS = ['jti', 'kid', 'sub', 'iat', 'exp', 'client_id', 'iss'] as const;

/**
 * One log record as a contract access-event line, or `undefined` when it is not an access log.
 * Throws {@link Malformed} for a record of the wrong shape ({@link otlpToLines} turns it into a rejection).
 */
export function recordToLine(rec: LogRecord, resource: Map<string, unknown>): string | undefined {
  if (!isObject(rec)) throw new Malformed('bad_otlp', 'a log record is not an object');
  const a = new Map(resource);
  attrs(rec.attributes, a);
  const whole = a.get('breachwatch.event');
  if (typeof whole === 'string') return whole;
  if (a.get('http.request.method') === undefined) return undefined;
  const o: Record<string, unknown> = {};
  const time = nanosToRfc3339(rec.timeUnixNano) ?? nanosToRfc3339(rec.observedTimeUnixNano);
  if (time !== undefined) o['time'] = time;
  for (const [field, keys] of SIMPLE) {
    for (const k of keys) {
      const v = a.get(k);
      if (v !== undefined) { o[field] = v; break; }
    }
  }
  if (typeof o['route'] === 'string' && o['path'] !== undefined) delete o['path'];
  const token: Record<string, unknown> = {};
  for (const f of TOKEN_FIELDS) {
    const v = a.get(`breachwatch.token.${f}`);
    if (v !== undefined) token[f] = v;
  }
  if (Object.keys(token).length > 0) o['token'] = token;
  return JSON.stringify(o);
}

const reject = (e: unknown, excerpt: unknown): DeliveryItem => {
  if (!(e instanceof Malformed)) throw e;
  let text = '';
  try { text = JSON.stringify(excerpt)?.slice(0, 200) ?? ''; } catch { /* not serializable: no excerpt */ }
  return { rejected: { reason: e.reason, message: e.message, excerpt: text } };
};

/** The records of one scope's `logRecords`, each a line, `undefined` (not an access log) or a rejection. */
function scopeItems(sl: unknown, resource: Map<string, unknown>, out: DeliveryItem[]): void {
  if (!isObject(sl)) throw new Malformed('bad_otlp', 'a scopeLogs entry is not an object');
  for (const rec of listOf(sl['logRecords'], 'logRecords')) {
    try {
      // Newlines inside a whole event would split it; line numbers stay record positions.
      out.push(recordToLine(rec as LogRecord, resource)?.replaceAll('\n', ' '));
    } catch (e) {
      out.push(reject(e, rec));
    }
  }
}

/**
 * Every record of an OTLP request as a delivery item: an access line, `undefined` for a record
 * that is not an access log, or a rejection for a part of the wrong shape (one per record, or
 * one for a container whose records cannot be read).
 */
export function otlpToLines(req: OtlpLogsRequest): DeliveryItem[] {
  const out: DeliveryItem[] = [];
  for (const rl of listOf(req.resourceLogs, 'resourceLogs')) {
    try {
      if (!isObject(rl)) throw new Malformed('bad_otlp', 'a resourceLogs entry is not an object');
      const resource = new Map<string, unknown>();
      const res = rl['resource'];
      if (res !== undefined && res !== null && !isObject(res)) throw new Malformed('bad_otlp', 'resource is not an object');
      attrs(res?.['attributes'], resource);
      for (const sl of listOf(rl['scopeLogs'], 'scopeLogs')) {
        try { scopeItems(sl, resource, out); } catch (e) { out.push(reject(e, sl)); }
      }
    } catch (e) {
      out.push(reject(e, rl));
    }
  }
  return out;
}
