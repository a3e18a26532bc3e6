/**
 * Canonical JSON (RFC 8785): sorted keys by UTF-16 code units, no whitespace, ECMAScript
 * number and string forms; values without a JSON form are refused with a path, never dropped.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson, isCanonicalJson } from './canonical.js';

const ok = (v: unknown): string => {
  const r = canonicalJson(v);
  if (!r.ok) throw new Error(r.issues[0]?.message);
  return r.value;
};

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units at every depth and writes no whitespace', () => {
    expect(ok({ b: 1, a: { d: [1, { z: null, y: true }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"y":true,"z":null}]},"b":1}');
    // RFC 8785 §3.2.3: code-unit order puts U+20AC (€) before U+FB33 and the surrogate pair of U+1F600 between them.
    expect(ok({ '\ufb33': 1, '\u20ac': 2, '\ud83d\ude00': 3, a: 4 })).toBe('{"a":4,"\u20ac":2,"\ud83d\ude00":3,"\ufb33":1}');
  });

  it('numbers and strings as ECMAScript writes them', () => {
    expect(ok([0, -0, 1e21, 1e-7, 0.1 + 0.2, 333333333.3333333, 4.5])).toBe('[0,0,1e+21,1e-7,0.30000000000000004,333333333.3333333,4.5]');
    expect(ok('line\nbreak "quoted" \u0001 é')).toBe('"line\\nbreak \\"quoted\\" \\u0001 é"');
  });

  it('refuses what has no JSON form, naming where', () => {
    const cases: [unknown, string, string][] = [
      [{ a: [1, Number.NaN] }, 'not_finite', '$.a[1]'],
      [{ a: Infinity }, 'not_finite', '$.a'],
      [{ s: 'x\ud800' }, 'lone_surrogate', '$.s'],
      [{ u: undefined }, 'not_json', '$.u'],
      [{ d: new Date(0) }, 'not_plain_object', '$.d'],
      [{ n: 1n }, 'not_json', '$.n'],
      [{ f: () => 1 }, 'not_json', '$.f'],
    ];
    for (const [v, code, path] of cases) {
      const r = canonicalJson(v);
      expect(r.ok ? null : [r.issues[0]?.code, r.issues[0]?.path]).toEqual([code, path]);
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(canonicalJson(cyclic).ok).toBe(false);
  });

  it('isCanonicalJson accepts only the one canonical spelling', () => {
    expect(isCanonicalJson('{"a":1,"b":[true]}')).toBe(true);
    for (const t of ['{"b":1,"a":1}', '{"a": 1}', '{"a":1.0}', '{"a":1,"a":1}', '{"a":"\\u0041"}', ' {"a":1}', '{"a":1']) expect([t, isCanonicalJson(t)]).toEqual([t, false]);
  });
});
