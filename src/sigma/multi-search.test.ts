/**
 * The multi-pattern search finds exactly the occurrences a naive search finds, case-insensitively.
 */
import { describe, expect, it } from 'vitest';
import { MultiSearch } from './multi-search.js';

function naive(pats: readonly string[], text: string): string[] {
  const low = text.toLowerCase();
  const out: string[] = [];
  for (let end = 1; end <= low.length; end++) pats.forEach((p, i) => { if (p.length <= end && low.slice(end - p.length, end) === p) out.push(`${i}@${end}`); });
  return out.sort();
}

describe('MultiSearch', () => {
  it('overlapping and nested patterns, ASCII and non-ASCII', () => {
    const pats = ['he', 'she', 'his', 'hers', 'é', 'ünion', 'union select', 'e'];
    const m = new MultiSearch(pats);
    for (const text of ['USHERS', 'ahishers', 'Ünion Select', 'café', 'xÉx', '', 'hhhhe']) {
      const got: string[] = [];
      m.scan(text, (p, end) => got.push(`${p}@${end}`));
      expect(got.sort()).toEqual(naive(pats, text));
    }
  });
  it('random texts over a small alphabet', () => {
    const pats = ['ab', 'aab', 'bab', 'b', 'abba', 'ä'];
    const m = new MultiSearch(pats);
    let seed = 1;
    for (let n = 0; n < 300; n++) {
      let t = '';
      for (let i = 0; i < 20; i++) { seed = (seed * 16807) % 2147483647; t += 'aAbBäÄ'[seed % 6]; }
      const got: string[] = [];
      m.scan(t, (p, end) => got.push(`${p}@${end}`));
      expect(got.sort()).toEqual(naive(pats, t));
    }
  });
});
