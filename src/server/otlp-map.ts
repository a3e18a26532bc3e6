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
 */

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
interface LogRecord { timeUnixNano?: string | number; observedTimeUnixNano?: string | number; attributes?: KeyValue[] }
/** The ExportLogsServiceRequest JSON body. */
export interface OtlpLogsRequest {
  resourceLogs?: { resource?: { attributes?: KeyValue[] }; scopeLogs?: { logRecords?: LogRecord[] }[] }[];
}

function plain(v: AnyValue | undefined): unknown {
  if (v === undefined) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(plain);
  if (v.kvlistValue !== undefined) return Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, plain(kv.value)]));
  return v.bytesValue;
}

function attrs(list: readonly KeyValue[] | undefined, into: Map<string, unknown>): void {
  for (const kv of list ?? []) into.set(kv.key, plain(kv.value));
}

function nanosToRfc3339(n: string | number | undefined): string | undefined {
  if (n === undefined) return undefined;
  const big = typeof n === 'number' ? BigInt(Math.trunc(n)) : /^\d+$/.test(n) ? BigInt(n) : undefined;
  if (big === undefined || big === 0n) return undefined;
  return new Date(Number(big / 1_000_000n)).toISOString();
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

/** One log record as a contract access-event line, or `undefined` when it is not an access log. */
export function recordToLine(rec: LogRecord, resource: Map<string, unknown>): string | undefined {
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

/** Every record of an OTLP request, as lines (`undefined` for records that are not access logs). */
export function otlpToLines(req: OtlpLogsRequest): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (const rl of req.resourceLogs ?? []) {
    const resource = new Map<string, unknown>();
    attrs(rl.resource?.attributes, resource);
    for (const sl of rl.scopeLogs ?? []) for (const rec of sl.logRecords ?? []) out.push(recordToLine(rec, resource));
  }
  return out;
}
