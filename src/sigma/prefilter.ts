/**
 * Literal prefilters: the longest literal any match of a regular expression must contain, and
 * the set of indexed leaves at least one of which must hold for an expression to hold.
 */
import type { Expr, Leaf } from './types.js';

/**
 * The longest run of literal characters every match of `src` contains (lower-cased), or ''
 * when none of at least 3 characters can be proven (alternation at top level, etc.).
 */
export function regexLiteral(src: string): string {
  let depth = 0;
  let inClass = false;
  let run = '';
  let best = '';
  const end = (): void => { if (run.length > best.length) best = run; run = ''; };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (inClass) { if (c === '\\') i++; else if (c === ']') inClass = false; continue; }
    if (c === '\\') {
      const n = src[i + 1];
      i++;
      if (depth === 0 && n !== undefined && !/[A-Za-z0-9]/.test(n)) {
        run += n;
        if (optional(src, i + 1)) { run = run.slice(0, -1); end(); }
        continue;
      }
      if (depth === 0) end();
      continue;
    }
    if (c === '[') { inClass = true; if (depth === 0) end(); continue; }
    if (c === '(') { depth++; if (depth === 1) end(); continue; }
    if (c === ')') { depth--; continue; }
    if (c === '|' && depth === 0) return '';
    if (depth > 0) continue;
    if ('.^$'.includes(c)) { end(); continue; }
    if ('*+?{'.includes(c)) { end(); if (c === '{') i = Math.max(i, src.indexOf('}', i)); continue; }
    run += c;
    if (optional(src, i + 1)) { run = run.slice(0, -1); end(); }
  }
  end();
  return best.length >= 3 ? best.toLowerCase() : '';
}

/** True when the character ending at `i - 1` is quantified as optional or repeated. */
function optional(src: string, i: number): boolean {
  const q = src[i];
  return q === '?' || q === '*' || q === '{' || q === '+';
}

/**
 * Leaves (by the caller's id) of which at least one must be true for `e` to be true, or
 * undefined when no such set exists (then the rule is evaluated for every event).
 */
export function necessary(e: Expr, idOf: (l: Leaf) => number | undefined): Set<number> | undefined {
  switch (e.k) {
    case 'const': return e.v ? undefined : new Set();
    case 'not': return undefined;
    case 'leaf': { const id = idOf(e.leaf); return id === undefined ? undefined : new Set([id]); }
    case 'and': {
      let best: Set<number> | undefined;
      for (const x of e.xs) {
        const s = necessary(x, idOf);
        if (s && (!best || s.size < best.size)) best = s;
      }
      return best;
    }
    case 'or': {
      const out = new Set<number>();
      for (const x of e.xs) {
        const s = necessary(x, idOf);
        if (!s) return undefined;
        for (const id of s) out.add(id);
      }
      return out;
    }
  }
}
