/** SingleAccountTable: insert/find, growth, tombstones, sweep by age, snapshot. */
import { describe, expect, it } from 'vitest';
import { hash32 } from '../hash.js';
import { keyHash, SingleAccountTable } from './single-account-table.js';

describe('SingleAccountTable', () => {
  it('finds what it holds through growth, forgets removed and idle entries', () => {
    const t = new SingleAccountTable(8);
    const k = (i: number): number => keyHash(hash32(`d-${i}`));
    for (let i = 0; i < 1000; i++) t.insert(k(i), i, i < 500 ? 10 : 20);
    expect(t.size).toBe(1000);
    for (let i = 0; i < 1000; i++) expect(t.accts[t.find(k(i))]).toBe(i);
    t.remove(t.find(k(7)));
    expect(t.find(k(7))).toBe(-1);
    expect(t.find(k(8))).toBeGreaterThanOrEqual(0);
    expect(t.sweep(15)).toBe(499);
    expect(t.size).toBe(500);
    expect(t.find(k(3))).toBe(-1);
    const r = SingleAccountTable.restore(JSON.parse(JSON.stringify(t.snapshot())) as ReturnType<SingleAccountTable['snapshot']>);
    expect(r.mins[r.find(k(600))]).toBe(20);
    expect(r.size).toBe(500);
  });
});
