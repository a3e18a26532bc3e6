/**
 * The compiled matcher (field indexes, one Aho–Corasick search per field, literal prefilters)
 * gives exactly the answers of evaluating every leaf directly.
 */
import { describe, expect, it } from 'vitest';
import { rulesFrom } from '../../test/fixtures/sigma/helpers.js';
import { compile } from './compile.js';
import { fieldGetter } from './fields.js';
import { leafTest, parseIp } from './leaf.js';
import { regexLiteral } from './prefilter.js';
import type { Expr } from './types.js';

function naive(e: Expr, ev: Record<string, unknown>): boolean {
  const get = (f: string) => (): unknown => (f === '*' ? Object.values(ev).filter((x) => typeof x === 'string') : fieldGetter(f, undefined)(ev));
  const getIp = (f: string) => (): unknown => parseIp(get(f)());
  switch (e.k) {
    case 'const': return e.v;
    case 'leaf': return leafTest(e.leaf, get, getIp)();
    case 'not': return !naive(e.x, ev);
    case 'and': return e.xs.every((x) => naive(x, ev));
    case 'or': return e.xs.some((x) => naive(x, ev));
  }
}

// Small deterministic generator (LCG) so failures reproduce.
let seed = 42;
const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
const WORDS = ['admin', 'etc', 'passwd', 'members', 'union', 'select', 'v1', 'ab', 'a', 'sqlmap', 'Mozilla'];
const FIELDS = ['c-uri', 'cs-user-agent', 'cs-method'];

function genSelection(): string {
  const f = pick(FIELDS);
  const w = pick(WORDS);
  switch (rnd(9)) {
    case 0: return `${f}|contains: '${w}'`;
    case 1: return `${f}|startswith: '/${w}'`;
    case 2: return `${f}|endswith: '${w}'`;
    case 3: return `${f}: '${w}'`;
    case 4: return `${f}|re: '${w}[0-9]+'`;
    case 5: return rnd(4) === 0 ? `c-ip|cidr: '2001:db8::/${112 + rnd(17)}'` : `c-ip|cidr: 10.${rnd(3)}.0.0/${8 + rnd(3) * 8}`;
    case 6: return `${f}|contains|all: ['${w}', '${pick(WORDS)}']`;
    case 7: return `${f}|cased|contains: '${w}'`;
    default: return `${f}: '*${w}?${pick(WORDS)}*'`;
  }
}

function genRules(n: number): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    const cond = pick(['a', 'a and b', 'a or b', 'a and not b', 'not a', '1 of them', 'all of them']);
    docs.push(`title: r${i}\nlogsource: {category: webserver}\ndetection:\n  a:\n    ${genSelection()}\n  b:\n    ${genSelection()}\n  condition: ${cond}\n`);
  }
  return docs.join('---\n');
}

function genEvent(): Record<string, unknown> {
  const path = Array.from({ length: 1 + rnd(4) }, () => pick(WORDS) + (rnd(3) === 0 ? String(rnd(99)) : '')).join('/');
  return { route: `/${path}`, user_agent: `${pick(WORDS)} ${pick(WORDS)}`, method: pick(['GET', 'admin', 'POST']), src_ip: rnd(6) === 0 ? `2001:db8::${rnd(9)}` : `10.${rnd(4)}.1.2` };
}

describe('compiled matching equals direct evaluation', () => {
  it('on 300 random rules × 2,000 random events', () => {
    const { rules, refused } = rulesFrom(genRules(300));
    expect(refused).toEqual([]);
    const c = compile(rules, { logsources: 'all' });
    const out: number[] = [];
    let matched = 0;
    for (let i = 0; i < 2000; i++) {
      const ev = genEvent();
      const got = [...c.match(ev, out)];
      const want = rules.detections.map((r, ri) => (naive(r.expr, ev) ? ri : -1)).filter((x) => x >= 0);
      expect(got).toEqual(want);
      matched += got.length;
    }
    expect(matched).toBeGreaterThan(1000);
  });
});

describe('regex literal prefilter', () => {
  it('finds a literal every match must contain, or none', () => {
    expect(regexLiteral('union\\s+select')).toBe('select');
    expect(regexLiteral('/etc/passwd$')).toBe('/etc/passwd');
    expect(regexLiteral('abc|def')).toBe('');
    expect(regexLiteral('(foo)+barx?')).toBe('bar');
    expect(regexLiteral('[a-z]+\\.php')).toBe('.php');
  });
});
