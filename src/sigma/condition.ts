/**
 * The condition grammar of Sigma rules:
 *   expr  := and ('or' and)*          and := unary ('and' unary)*
 *   unary := 'not' unary | '(' expr ')' | quant | NAME
 *   quant := ('1' | 'any' | 'all' | N) 'of' (PATTERN | 'them')
 * `not` binds tighter than `and`, `and` tighter than `or`. Keywords are case-insensitive.
 * `them` leaves out identifiers starting with `_`. A pattern may use `*` (and `?`).
 * The deprecated aggregation syntax (`| count() by x > 5`) is refused: use correlation rules.
 */
import type { Expr } from './types.js';

/** A condition error at `offset` (0-based, inside the condition string). */
export class ConditionError extends Error {
  constructor(message: string, readonly offset: number, readonly unsupported = false) {
    super(message);
  }
}

interface Tok { readonly s: string; readonly at: number }

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(\(|\)|\||[^\s()|]+)/y;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < src.length && (m = re.exec(src)) !== null) {
    out.push({ s: m[1]!, at: m.index + m[0].length - m[1]!.length });
  }
  return out;
}

function globRe(p: string): RegExp {
  return new RegExp(`^${p.replace(/[.+^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** Parses `src` against the rule's search identifiers. */
export function parseCondition(src: string, idents: ReadonlyMap<string, Expr>): Expr {
  const toks = lex(src);
  let i = 0;
  const peek = (): Tok | undefined => toks[i];
  const kw = (t: Tok | undefined, w: string): boolean => t !== undefined && t.s.toLowerCase() === w;
  const endAt = src.length;
  const fail = (msg: string, t?: Tok): never => { throw new ConditionError(msg, t ? t.at : endAt); };

  const quant = (countTok: Tok): Expr => {
    i++; // count
    if (!kw(peek(), 'of')) fail(`expected "of" after "${countTok.s}"`, peek());
    i++;
    const target = peek();
    if (!target || ['(', ')', '|'].includes(target.s)) return fail('expected an identifier pattern or "them" after "of"', target);
    i++;
    const names = kw(target, 'them')
      ? [...idents.keys()].filter((n) => !n.startsWith('_'))
      : [...idents.keys()].filter((n) => globRe(target.s).test(n));
    if (names.length === 0) fail(`"${target.s}" matches no search identifier`, target);
    const xs = names.map((n) => idents.get(n)!);
    const c = countTok.s.toLowerCase();
    if (c === 'all') return xs.length === 1 ? xs[0]! : { k: 'and', xs };
    const n = c === 'any' ? 1 : Number(c);
    if (n === 1) return xs.length === 1 ? xs[0]! : { k: 'or', xs };
    if (n > xs.length) return { k: 'const', v: false };
    // N of: some N-subset holds. Build OR over AND of combinations (small N only).
    const combos: Expr[] = [];
    const pick = (start: number, acc: Expr[]): void => {
      if (acc.length === n) { combos.push({ k: 'and', xs: [...acc] }); return; }
      for (let j = start; j < xs.length; j++) pick(j + 1, [...acc, xs[j]!]);
    };
    if (combinations(xs.length, n) > 1000) throw new ConditionError(`"${countTok.s} of" over ${xs.length} identifiers is too large`, countTok.at, true);
    pick(0, []);
    return { k: 'or', xs: combos };
  };

  const unary = (): Expr => {
    const t = peek();
    if (!t) return fail('condition ends too early');
    if (kw(t, 'not')) { i++; return { k: 'not', x: unary() }; }
    if (t.s === '(') {
      i++;
      const e = orExpr();
      if (peek()?.s !== ')') fail('missing ")"', peek());
      i++;
      return e;
    }
    if (/^(\d+|all|any)$/i.test(t.s) && kw(toks[i + 1], 'of')) return quant(t);
    if (t.s === ')' || t.s === '|' || kw(t, 'and') || kw(t, 'or')) fail(`unexpected "${t.s}"`, t);
    const e = idents.get(t.s);
    if (!e) fail(`unknown search identifier "${t.s}"`, t);
    i++;
    return e!;
  };
  const andExpr = (): Expr => {
    const xs = [unary()];
    while (kw(peek(), 'and')) { i++; xs.push(unary()); }
    return xs.length === 1 ? xs[0]! : { k: 'and', xs };
  };
  function orExpr(): Expr {
    const xs = [andExpr()];
    while (kw(peek(), 'or')) { i++; xs.push(andExpr()); }
    return xs.length === 1 ? xs[0]! : { k: 'or', xs };
  }
  const e = orExpr();
  const rest = peek();
  if (rest?.s === '|') throw new ConditionError('aggregation expressions ("| count() ...") are the deprecated Sigma v1 syntax; write a correlation rule', rest.at, true);
  if (rest) fail(`unexpected "${rest.s}"`, rest);
  return e;
}

function combinations(n: number, k: number): number {
  let r = 1;
  for (let j = 1; j <= k; j++) r = (r * (n - k + j)) / j;
  return r;
}
