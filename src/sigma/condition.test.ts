/**
 * Spec clause: conditions — and/or/not precedence, parentheses, `1 of`/`all of` with patterns and
 * `them` (leaving out `_` names), lists of conditions, keyword lists, lists of maps, errors.
 */
import { describe, expect, it } from 'vitest';
import { hits, rule, rulesFrom } from '../../test/fixtures/sigma/helpers.js';

const base = "a:\n  x: 1\nb:\n  y: 1\nc:\n  z: 1\n";
const ev = (x: number, y: number, z: number) => ({ x, y, z });
const all8 = [ev(0, 0, 0), ev(1, 0, 0), ev(0, 1, 0), ev(0, 0, 1), ev(1, 1, 0), ev(1, 0, 1), ev(0, 1, 1), ev(1, 1, 1)];
const truth = (f: (x: boolean, y: boolean, z: boolean) => boolean) => all8.map((e) => f(e.x === 1, e.y === 1, e.z === 1));

describe('condition grammar', () => {
  it('not binds tighter than and, and tighter than or', () => {
    expect(hits(`${base}condition: a or b and not c`, all8)).toEqual(truth((a, b, c) => a || (b && !c)));
    expect(hits(`${base}condition: not a and b`, all8)).toEqual(truth((a, b) => !a && b));
  });
  it('parentheses group', () => {
    expect(hits(`${base}condition: (a or b) and not c`, all8)).toEqual(truth((a, b, c) => (a || b) && !c));
    expect(hits(`${base}condition: not (a or b)`, all8)).toEqual(truth((a, b) => !(a || b)));
  });
  it('keywords are case-insensitive', () => {
    expect(hits(`${base}condition: a AND NOT b Or c`, all8)).toEqual(truth((a, b, c) => (a && !b) || c));
  });
  it('1 of / all of with a pattern, and N of', () => {
    const d = "sel_a:\n  x: 1\nsel_b:\n  y: 1\nother:\n  z: 1\n";
    expect(hits(`${d}condition: 1 of sel_*`, all8)).toEqual(truth((a, b) => a || b));
    expect(hits(`${d}condition: all of sel_*`, all8)).toEqual(truth((a, b) => a && b));
    expect(hits(`${d}condition: any of sel_*`, all8)).toEqual(truth((a, b) => a || b));
    expect(hits(`${d}condition: 2 of them`, all8)).toEqual(truth((a, b, c) => Number(a) + Number(b) + Number(c) >= 2));
  });
  it('them leaves out identifiers starting with _', () => {
    const d = "a:\n  x: 1\n_b:\n  y: 1\n";
    expect(hits(`${d}condition: all of them`, all8)).toEqual(truth((a) => a));
    expect(hits(`${d}condition: all of them and _b`, all8)).toEqual(truth((a, b) => a && b));
  });
  it('a list of conditions matches when any does', () => {
    expect(hits(`${base}condition:\n  - a and b\n  - c`, all8)).toEqual(truth((a, b, c) => (a && b) || c));
  });
  it('a map is AND of its fields; a list of maps is OR', () => {
    expect(hits("s:\n  x: 1\n  y: 1\ncondition: s", all8)).toEqual(truth((a, b) => a && b));
    expect(hits("s:\n  - x: 1\n  - y: 1\ncondition: s", all8)).toEqual(truth((a, b) => a || b));
  });
  it('keyword lists search every string value of the event', () => {
    const d = "k:\n  - 'union select'\n  - '<script'\ncondition: k";
    expect(hits(d, [{ route: '/q?x=UNION SELECT 1' }, { nested: { ua: 'a<SCRIPT>' } }, { route: '/ok' }])).toEqual([true, true, false]);
    expect(hits("k:\n  '|all':\n    - foo\n    - bar\ncondition: k", [{ a: 'foo', b: 'bar' }, { a: 'foo' }])).toEqual([true, false]);
  });
});

describe('condition errors are located', () => {
  it('unknown identifier: the column of the token', () => {
    const { refused } = rulesFrom(rule("a:\n  x: 1\ncondition: a and nope"));
    expect(refused[0]).toMatchObject({ line: 8, column: 20, code: 'ERR_SIGMA_RULE' });
    expect(refused[0]?.reason).toMatch(/unknown search identifier "nope"/);
  });
  it('pattern matching nothing, missing ), dangling operator', () => {
    expect(rulesFrom(rule("a:\n  x: 1\ncondition: 1 of sel*")).refused[0]?.reason).toMatch(/matches no search identifier/);
    expect(rulesFrom(rule("a:\n  x: 1\ncondition: (a")).refused[0]?.reason).toMatch(/missing "\)"/);
    expect(rulesFrom(rule("a:\n  x: 1\ncondition: a and")).refused[0]?.reason).toMatch(/ends too early/);
  });
  it('the v1 aggregation syntax is refused as unsupported, pointing at the pipe', () => {
    const { refused } = rulesFrom(rule("a:\n  x: 1\ncondition: a | count() > 5"));
    expect(refused[0]).toMatchObject({ code: 'ERR_SIGMA_UNSUPPORTED', line: 8, column: 16 });
  });
});
