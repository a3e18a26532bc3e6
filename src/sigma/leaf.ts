/**
 * Evaluating one leaf test against a field's raw value(s). Sigma semantics: strings compare
 * case-insensitively unless `cased`; a list-valued field matches when any element does;
 * numbers and booleans compare through their string form; `neq` needs the field present.
 */
import ipaddr from 'ipaddr.js';
import type { Leaf, NumOp, TimePart } from './types.js';

/** Calls `f` on each scalar of a raw value (arrays flattened one level). */
export function someValue(v: unknown, f: (s: unknown) => boolean): boolean {
  if (Array.isArray(v)) { for (const x of v) if (f(x)) return true; return false; }
  return f(v);
}

/** The string form a string test sees, or undefined for maps and absent values. */
export function asString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Compares `s` to a literal by `op` (both already case-folded as needed). */
export function strTest(s: string, op: 'eq' | 'prefix' | 'suffix' | 'contains', lit: string): boolean {
  switch (op) {
    case 'eq': return s === lit;
    case 'prefix': return s.startsWith(lit);
    case 'suffix': return s.endsWith(lit);
    case 'contains': return s.includes(lit);
  }
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') { const n = Number(v); return Number.isFinite(n) ? n : undefined; }
  return undefined;
}

function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const y0 = Date.UTC(t.getUTCFullYear(), 0, 1);
  return Math.ceil(((t.getTime() - y0) / 86_400_000 + 1) / 7);
}

/** The UTC part of a timestamp (RFC 3339 string or epoch ms). */
export function timePart(v: unknown, part: TimePart): number | undefined {
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  switch (part) {
    case 'minute': return d.getUTCMinutes();
    case 'hour': return d.getUTCHours();
    case 'day': return d.getUTCDate();
    case 'week': return isoWeek(d);
    case 'month': return d.getUTCMonth() + 1;
    case 'year': return d.getUTCFullYear();
  }
}

function numTest(x: number, op: NumOp, n: number): boolean {
  switch (op) {
    case 'eq': return x === n;
    case 'lt': return x < n;
    case 'lte': return x <= n;
    case 'gt': return x > n;
    case 'gte': return x >= n;
  }
}

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** Parses an address, unwrapping IPv4-mapped IPv6; undefined when not an address. */
export function parseIp(s: unknown): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (typeof s !== 'string' || !ipaddr.isValid(s)) return undefined;
  return ipaddr.process(s);
}

/** IPv4 address as an unsigned 32-bit integer. */
export function v4int(ip: ipaddr.IPv4): number {
  const o = ip.octets;
  return ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
}

/**
 * Builds the test for a leaf that is not answered by the multi-pattern index.
 * `getFor(field)` returns a reader of the field's raw value for the current event; `ipFor(field)`
 * a reader of the parsed address(es).
 */
export function leafTest(l: Leaf, getFor: (field: string) => () => unknown, ipFor: (field: string) => () => unknown): () => boolean {
  const get = getFor(l.field ?? '*');
  switch (l.t) {
    case 'null': return () => !present(get());
    case 'exists': return () => present(get()) === l.want;
    case 'num': {
      const one = (x: unknown): boolean => {
        const n = l.part ? timePart(x, l.part) : num(x);
        return n !== undefined && numTest(n, l.op, l.n);
      };
      return l.neq ? () => { const v = get(); return present(v) && !someValue(v, one); } : () => someValue(get(), one);
    }
    case 'cidr': {
      const getIp = ipFor(l.field);
      const range = ipaddr.parseCIDR(l.cidr);
      const v4 = range[0].kind() === 'ipv4';
      const bits = range[1];
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      const base = v4 ? (v4int(range[0] as ipaddr.IPv4) & mask) >>> 0 : 0;
      const one = (a: unknown): boolean => {
        const ip = a as ipaddr.IPv4 | ipaddr.IPv6 | undefined;
        if (ip === undefined) return false;
        if (v4) return ip.kind() === 'ipv4' && ((v4int(ip as ipaddr.IPv4) & mask) >>> 0) === base;
        return ip.kind() === 'ipv6' && ip.match(range);
      };
      return l.neq ? () => { const v = getIp(); return v !== undefined && !someValue(v, one); } : () => someValue(getIp(), one);
    }
    case 'fieldref': {
      const fold = (s: string): string => (l.cased ? s : s.toLowerCase());
      const other = getFor(l.other);
      return () => {
        const a = get();
        const b = asString(other());
        if (!present(a) || b === undefined) return l.neq ? present(a) : false;
        const hit = someValue(a, (x) => { const s = asString(x); return s !== undefined && strTest(fold(s), l.op, fold(b)); });
        return l.neq ? !hit : hit;
      };
    }
    case 'str': {
      const re = l.re;
      const one = re
        ? (x: unknown): boolean => { const s = asString(x); return s !== undefined && re.test(s); }
        : l.cased
          ? (x: unknown): boolean => { const s = asString(x); return s !== undefined && strTest(s, l.op as 'eq', l.lit); }
          : (x: unknown): boolean => { const s = asString(x); return s !== undefined && strTest(s.toLowerCase(), l.op as 'eq', l.lit); };
      return l.neq ? () => { const v = get(); return present(v) && !someValue(v, one); } : () => someValue(get(), one);
    }
  }
}
