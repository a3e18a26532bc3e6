/**
 * Placeholders in template wording: `{name}` is replaced by a value, `{{` and `}}` are literal
 * braces. A string is split once, when the template loads, into literal text and value
 * references, and an unknown name fails the load — never a notice with `{nmae}` in it.
 */
import type { Issue, ParseResult } from '../../model/index.js';

/** A compiled string: literals at even positions, value names at odd ones. */
export type Pieces = readonly string[];

const TOKEN = /\{\{|\}\}|\{([a-z_][a-z0-9_]*)\}|[{}]/g;

/** Splits `s` into {@link Pieces}; every name must be in `known`. */
export function compilePieces(s: string, known: ReadonlySet<string>): ParseResult<Pieces> {
  const out: string[] = [];
  const issues: Issue[] = [];
  let lit = '';
  let last = 0;
  for (const m of s.matchAll(TOKEN)) {
    lit += s.slice(last, m.index);
    last = m.index + m[0].length;
    if (m[0] === '{{') lit += '{';
    else if (m[0] === '}}') lit += '}';
    else if (m[1] === undefined) issues.push({ code: 'bad_placeholder', message: `a lone '${m[0]}' (write {{ or }} for a brace)` });
    else if (!known.has(m[1])) issues.push({ code: 'unknown_placeholder', message: `unknown placeholder {${m[1]}}` });
    else {
      out.push(lit, m[1]);
      lit = '';
    }
  }
  out.push(lit + s.slice(last));
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: out };
}

/** The names a compiled string uses. */
export function namesIn(p: Pieces): string[] {
  return p.filter((_, i) => i % 2 === 1);
}

/** Fills a compiled string; `value` gives each name's text (already HTML when rendering HTML). */
export function fill(p: Pieces, value: (name: string) => string): string {
  let s = p[0] ?? '';
  for (let i = 1; i < p.length; i += 2) s += value(p[i]!) + p[i + 1]!;
  return s;
}
