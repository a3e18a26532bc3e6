/**
 * Sigma string values: `*` (any run), `?` (one character) and their escapes (`\*`, `\?`, `\\`;
 * a backslash before anything else is itself). Turns a value into the cheapest exact test:
 * equality, prefix, suffix, substring, or an anchored regular expression as a last resort.
 */
import type { StrOp } from './types.js';

/** A value split into literal runs and wildcards. */
export type Token = string | { readonly w: '*' | '?' };

const STAR = { w: '*' } as const;

/** Splits a Sigma value into tokens, resolving escapes. */
export function tokenize(value: string): Token[] {
  const out: Token[] = [];
  let lit = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      const n = value[i + 1];
      if (n === '*' || n === '?' || n === '\\') { lit += n; i++; } else lit += '\\';
    } else if (c === '*' || c === '?') {
      if (lit) { out.push(lit); lit = ''; }
      out.push({ w: c });
    } else lit += c;
  }
  if (lit) out.push(lit);
  return out;
}

/** Literal tokens (no wildcard meaning), e.g. for encoded values. */
export function literal(value: string): Token[] {
  return value ? [value] : [];
}

/** `contains` / `startswith` / `endswith` add wildcards around the value. */
export function wrap(tokens: readonly Token[], before: boolean, after: boolean): Token[] {
  return [...(before ? [STAR] : []), ...tokens, ...(after ? [STAR] : [])];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The compiled form of one string pattern. */
export interface StrPattern {
  readonly op: StrOp;
  /** The literal for eq/prefix/suffix/contains; for `re`, the longest literal any match must contain. */
  readonly lit: string;
  readonly re?: RegExp;
}

/** Chooses the cheapest test equivalent to the tokens. */
export function toPattern(tokens: readonly Token[], cased: boolean): StrPattern {
  // Collapse runs of '*'; a lone literal between optional leading/trailing '*' needs no regex.
  const t: Token[] = [];
  for (const x of tokens) {
    const prev = t[t.length - 1];
    if (typeof x !== 'string' && x.w === '*' && prev !== undefined && typeof prev !== 'string' && prev.w === '*') continue;
    if (typeof x === 'string' && typeof prev === 'string') { t[t.length - 1] = prev + x; continue; }
    t.push(x);
  }
  const isStar = (x: Token | undefined): boolean => x !== undefined && typeof x !== 'string' && x.w === '*';
  const lits = t.filter((x): x is string => typeof x === 'string');
  const wild = t.length - lits.length;
  const lead = isStar(t[0]);
  const trail = isStar(t[t.length - 1]) && t.length > 1;
  if (t.length === 0) return { op: 'eq', lit: '' };
  if (t.length === 1 && isStar(t[0])) return { op: 'contains', lit: '' };
  if (lits.length === 1 && wild === Number(lead) + Number(trail)) {
    const lit = cased ? lits[0]! : lits[0]!.toLowerCase();
    return { op: lead && trail ? 'contains' : lead ? 'suffix' : trail ? 'prefix' : 'eq', lit };
  }
  const src = t.map((x) => (typeof x === 'string' ? escapeRe(x) : x.w === '*' ? '.*' : '.')).join('');
  const longest = lits.reduce((a, b) => (b.length > a.length ? b : a), '');
  return { op: 're', lit: cased ? longest : longest.toLowerCase(), re: new RegExp(`^${src}$`, cased ? 's' : 'is') };
}
