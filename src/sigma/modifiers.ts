/**
 * Field modifiers (Sigma modifiers appendix): turns `field|mod1|mod2: value(s)` into an
 * expression over leaf tests. Every modifier of the appendix is handled; a combination that
 * makes no sense is refused with the reason, never ignored.
 */
import ipaddr from 'ipaddr.js';
import type { Expr, Leaf, NumOp, TimePart } from './types.js';
import { base64, base64offset, encodeText, windash } from './encode.js';
import type { TextEncoding } from './encode.js';
import { literal, toPattern, tokenize, wrap } from './wildcard.js';
import type { Token } from './wildcard.js';

/** Placeholder values for `expand` (`%name%` → values). */
export type Placeholders = ReadonlyMap<string, readonly string[]>;

/** A problem with one field entry; the caller attaches the position. */
export class ModifierError extends Error {
  constructor(readonly code: 'ERR_SIGMA_RULE' | 'ERR_SIGMA_UNSUPPORTED', message: string, readonly valueIndex?: number) {
    super(message);
  }
}

const KNOWN = new Set([
  'contains', 'startswith', 'endswith', 'all', 'exists', 'cased', 'neq', 'windash', 're', 'i', 'm', 's',
  'base64', 'base64offset', 'utf16le', 'wide', 'utf16be', 'utf16', 'lt', 'lte', 'gt', 'gte',
  'minute', 'hour', 'day', 'week', 'month', 'year', 'cidr', 'expand', 'fieldref',
]);
const NUM_OPS: readonly NumOp[] = ['lt', 'lte', 'gt', 'gte'];
const PARTS: readonly TimePart[] = ['minute', 'hour', 'day', 'week', 'month', 'year'];

const or = (xs: Expr[]): Expr => (xs.length === 1 ? xs[0]! : { k: 'or', xs });
const and = (xs: Expr[]): Expr => (xs.length === 1 ? xs[0]! : { k: 'and', xs });
const leaf = (l: Leaf): Expr => ({ k: 'leaf', leaf: l });

/** Builds the expression for one field entry. `field` null = keyword (full-text) search. */
export function fieldExpr(field: string | null, mods: readonly string[], raw: unknown, ph: Placeholders | undefined): Expr {
  for (const m of mods) if (!KNOWN.has(m)) throw new ModifierError('ERR_SIGMA_RULE', `unknown modifier "${m}"`);
  const has = (m: string): boolean => mods.includes(m);
  const values: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (values.length === 0) throw new ModifierError('ERR_SIGMA_RULE', 'empty value list');
  const neq = has('neq');
  const needField = (what: string): string => {
    if (field === null) throw new ModifierError('ERR_SIGMA_RULE', `"${what}" needs a field name`);
    return field;
  };
  if (has('exists')) {
    const f = needField('exists');
    if (mods.length !== 1 || values.length !== 1 || typeof values[0] !== 'boolean') {
      throw new ModifierError('ERR_SIGMA_RULE', '"exists" stands alone and takes true or false');
    }
    return leaf({ t: 'exists', field: f, want: values[0] });
  }
  const parts = values.map((v, i) => {
    try { return valueExpr(field, mods, v, ph, neq); } catch (e) {
      if (e instanceof ModifierError && e.valueIndex === undefined && Array.isArray(raw)) throw new ModifierError(e.code, e.message, i);
      throw e;
    }
  });
  return has('all') ? and(parts) : or(parts);
}

function valueExpr(field: string | null, mods: readonly string[], v: unknown, ph: Placeholders | undefined, neq: boolean): Expr {
  const has = (m: string): boolean => mods.includes(m);
  const f = field ?? '';
  if (has('cidr')) {
    if (field === null || typeof v !== 'string' || !ipaddr.isValidCIDR(v)) throw new ModifierError('ERR_SIGMA_RULE', `"cidr" needs a field and an IPv4/IPv6 CIDR, got ${JSON.stringify(v)}`);
    return leaf({ t: 'cidr', field: f, cidr: v, neq });
  }
  const numOp = NUM_OPS.find(has);
  const part = PARTS.find(has);
  if (numOp !== undefined || part !== undefined) {
    if (field === null) throw new ModifierError('ERR_SIGMA_RULE', 'numeric and time modifiers need a field');
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n)) throw new ModifierError('ERR_SIGMA_RULE', `"${numOp ?? part ?? ''}" needs a number, got ${JSON.stringify(v)}`);
    return leaf(part === undefined ? { t: 'num', field: f, op: numOp ?? 'eq', n, neq } : { t: 'num', field: f, op: numOp ?? 'eq', n, part, neq });
  }
  const cased = has('cased');
  const op: 'eq' | 'contains' | 'prefix' | 'suffix' = has('contains') ? 'contains' : has('startswith') ? 'prefix' : has('endswith') ? 'suffix' : 'eq';
  if (has('fieldref')) {
    if (field === null || typeof v !== 'string') throw new ModifierError('ERR_SIGMA_RULE', '"fieldref" needs a field and a field name as value');
    return leaf({ t: 'fieldref', field: f, other: v, op, cased, neq });
  }
  if (v === null) {
    if (field === null) throw new ModifierError('ERR_SIGMA_RULE', 'null is not a keyword');
    return neq ? leaf({ t: 'exists', field: f, want: true }) : leaf({ t: 'null', field: f });
  }
  if (typeof v === 'object') throw new ModifierError('ERR_SIGMA_RULE', `a value must be a string, number, boolean or null, got ${Array.isArray(v) ? 'a nested list' : 'a map'}`);
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new ModifierError('ERR_SIGMA_RULE', 'unsupported value type');
  const s = typeof v === 'string' ? v : String(v);
  if (has('re')) {
    let src = s;
    let flags = has('i') ? 'i' : '';
    if (src.startsWith('(?i)')) { src = src.slice(4); flags = 'i'; }
    if (has('m')) flags += 'm';
    if (has('s')) flags += 's';
    let re: RegExp;
    try { re = new RegExp(src, flags); } catch (e) {
      throw new ModifierError('ERR_SIGMA_UNSUPPORTED', `regular expression not supported by the JavaScript engine: ${(e as Error).message}`);
    }
    return leaf({ t: 'str', field, op: 're', lit: '', re, cased: !flags.includes('i'), neq });
  }
  if (['i', 'm', 's'].some(has)) throw new ModifierError('ERR_SIGMA_RULE', 'the i, m and s modifiers only follow "re"');
  let strings = [s];
  if (has('expand')) strings = strings.flatMap((x) => expand(x, ph));
  if (has('windash')) {
    strings = strings.flatMap((x) => {
      const w = windash(x);
      if (!w) throw new ModifierError('ERR_SIGMA_UNSUPPORTED', 'windash would create more than 3125 variants');
      return w;
    });
  }
  const enc: TextEncoding | undefined = has('utf16le') || has('wide') ? 'utf16le' : has('utf16be') ? 'utf16be' : has('utf16') ? 'utf16' : undefined;
  const b64 = has('base64offset') ? 'offset' : has('base64') ? 'plain' : undefined;
  if (enc !== undefined && b64 === undefined) throw new ModifierError('ERR_SIGMA_RULE', 'utf16 encodings must be followed by base64 or base64offset');
  let tokens: Token[][];
  if (b64 !== undefined) {
    if (b64 === 'offset' && op !== 'contains') throw new ModifierError('ERR_SIGMA_RULE', '"base64offset" must be combined with "contains"');
    tokens = strings.flatMap((x) => {
      const bytes = encodeText(x, enc ?? 'utf8');
      return (b64 === 'offset' ? base64offset(bytes) : [base64(bytes)]).map(literal);
    });
  } else tokens = strings.map(tokenize);
  // With an implicit full-text search, a keyword is found anywhere in the event.
  const around = field === null && op === 'eq' ? 'contains' : op;
  const exprs = tokens.map((t) => {
    const p = toPattern(wrap(t, around === 'contains' || around === 'suffix', around === 'contains' || around === 'prefix'), cased);
    return leaf(p.re ? { t: 'str', field, op: p.op, lit: p.lit, re: p.re, cased, neq } : { t: 'str', field, op: p.op, lit: p.lit, cased, neq });
  });
  return or(exprs);
}

function expand(s: string, ph: Placeholders | undefined): string[] {
  const m = /%([^%\s]+)%/.exec(s);
  if (!m) return [s];
  const vals = ph?.get(m[1]!);
  if (!vals) throw new ModifierError('ERR_SIGMA_RULE', `placeholder %${m[1]!}% is not defined (pass --expand FILE)`);
  return vals.flatMap((v) => expand(s.slice(0, m.index) + v + s.slice(m.index + m[0].length), ph));
}
