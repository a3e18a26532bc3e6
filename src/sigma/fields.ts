/**
 * Field mapping: how a Sigma rule's field name is read from an event. Built in: Sigma's
 * webserver and proxy taxonomy over breachwatch access events (contract JSON or `AccessEvent`).
 * A user field map (YAML: rule field → dotted path, or a list of candidate paths, first present
 * wins) overrides it; any other name is read as a dotted path from the event itself.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { BreachwatchError } from '../model/index.js';

/** Reads one field's value from an event (undefined when absent). */
export type FieldGetter = (ev: Record<string, unknown>) => unknown;

/** Sigma field → candidate paths (user maps). */
export type FieldMap = ReadonlyMap<string, readonly string[]>;

function pathGetter(path: string): FieldGetter {
  const parts = path.split('.');
  if (parts.length === 1) return (ev) => ev[path];
  return (ev) => {
    if (path in ev) return ev[path];
    let cur: unknown = ev;
    for (const p of parts) {
      if (typeof cur !== 'object' || cur === null) return undefined;
      cur = (cur as Record<string, unknown>)[p];
    }
    return cur;
  };
}

function firstOf(getters: readonly FieldGetter[]): FieldGetter {
  if (getters.length === 1) return getters[0]!;
  return (ev) => {
    for (const g of getters) {
      const v = g(ev);
      if (v !== undefined && v !== null) return v;
    }
    return undefined;
  };
}

const uri: FieldGetter = (ev) => ev['path'] ?? ev['route'];
const stem: FieldGetter = (ev) => {
  const u = uri(ev);
  if (typeof u !== 'string') return u;
  const q = u.indexOf('?');
  return q < 0 ? u : u.slice(0, q);
};
const query: FieldGetter = (ev) => {
  const u = uri(ev);
  if (typeof u !== 'string') return undefined;
  const q = u.indexOf('?');
  return q < 0 ? undefined : u.slice(q + 1);
};
const extension: FieldGetter = (ev) => {
  const s = stem(ev);
  if (typeof s !== 'string') return undefined;
  const seg = s.slice(s.lastIndexOf('/') + 1);
  const dot = seg.lastIndexOf('.');
  return dot < 0 ? undefined : seg.slice(dot + 1);
};

/**
 * Sigma webserver/proxy taxonomy → access-event field. Documented in `src/sigma/README.md`.
 * Keys are Sigma field names (compared case-insensitively).
 */
export const ACCESS_TAXONOMY: Readonly<Record<string, FieldGetter>> = {
  'c-ip': (ev) => ev['src_ip'],
  'src_ip': (ev) => ev['src_ip'],
  'cs-method': (ev) => ev['method'],
  'c-uri': uri,
  'cs-uri': uri,
  'c-uri-stem': stem,
  'cs-uri-stem': stem,
  'c-uri-query': query,
  'cs-uri-query': query,
  'c-uri-extension': extension,
  'sc-status': (ev) => ev['status'],
  'cs-user-agent': (ev) => ev['user_agent'],
  'c-useragent': (ev) => ev['user_agent'],
  'cs-host': (ev) => ev['host'],
  'r-dns': (ev) => ev['host'],
  'cs-referer': (ev) => ev['referer'] ?? ev['referrer'],
  'cs-referrer': (ev) => ev['referer'] ?? ev['referrer'],
  'cs-cookie': (ev) => ev['cookie'],
  'sc-bytes': (ev) => ev['bytes'],
  'cs-bytes': (ev) => ev['request_bytes'],
  'cs-username': (ev) => ev['account_id'] ?? (ev['token'] as Record<string, unknown> | undefined)?.['sub'],
  'cs-version': (ev) => ev['http_version'],
  's-ip': (ev) => ev['dst_ip'],
  'dst_ip': (ev) => ev['dst_ip'],
  'time': (ev) => ev['time'] ?? (typeof ev['t'] === 'number' ? new Date(ev['t']).toISOString() : undefined),
};

/**
 * Full-text (keyword) search reads: for contract access events (they have `src_ip` and `route`
 * or `path`), the request as a web log line shows it — method, URI, user agent, referer, host;
 * for any other JSON, every string (and number) value, nested ones included. A user field map
 * may name the full-text fields itself with the key `keywords`.
 */
export function keywordGetter(user: FieldMap | undefined, builtin = true): FieldGetter {
  const mapped = user?.get('keywords');
  if (mapped) { const gs = mapped.map(pathGetter); return (ev) => gs.map((g) => g(ev)).filter((v) => v !== undefined && v !== null); }
  const access = [ACCESS_TAXONOMY['cs-method']!, uri, ACCESS_TAXONOMY['cs-user-agent']!, ACCESS_TAXONOMY['cs-referer']!, ACCESS_TAXONOMY['cs-host']!];
  return (ev) => {
    if (builtin && typeof ev['src_ip'] === 'string' && (ev['route'] !== undefined || ev['path'] !== undefined)) {
      const out: unknown[] = [];
      for (const g of access) { const v = g(ev); if (typeof v === 'string') out.push(v); }
      return out;
    }
    return allStrings(ev, []);
  };
}

function allStrings(v: unknown, out: string[]): string[] {
  if (typeof v === 'string') out.push(v);
  else if (typeof v === 'number' || typeof v === 'boolean') out.push(String(v));
  else if (Array.isArray(v)) for (const x of v) allStrings(x, out);
  else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) allStrings(x, out);
  return out;
}

/** The getter for a Sigma field name under a user map and the built-in taxonomy. */
export function fieldGetter(field: string, user: FieldMap | undefined, builtin = true): FieldGetter {
  const mapped = user?.get(field);
  if (mapped) return firstOf(mapped.map(pathGetter));
  const tax = builtin ? ACCESS_TAXONOMY[field.toLowerCase()] : undefined;
  return tax ?? pathGetter(field);
}

/** Parses a user field map (YAML text). */
export function parseFieldMap(text: string, file: string): FieldMap {
  let v: unknown;
  try { v = parse(text); } catch (e) {
    throw new BreachwatchError('ERR_USAGE', `${file}: field map is not YAML: ${(e as Error).message}`, { cause: e });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BreachwatchError('ERR_USAGE', `${file}: a field map is a YAML map of field → path(s)`);
  const out = new Map<string, string[]>();
  for (const [k, x] of Object.entries(v)) {
    const list = Array.isArray(x) ? x : [x];
    if (list.length === 0 || list.some((p) => typeof p !== 'string')) throw new BreachwatchError('ERR_USAGE', `${file}: field "${k}" must map to a path or a list of paths`);
    out.set(k, list as string[]);
  }
  return out;
}

/** Reads a user field map file. */
export async function loadFieldMap(file: string): Promise<FieldMap> {
  let text: string;
  try { text = await readFile(file, 'utf8'); } catch (e) {
    throw new BreachwatchError('ERR_INPUT_UNREADABLE', `cannot read field map ${file}`, { cause: e });
  }
  return parseFieldMap(text, file);
}
