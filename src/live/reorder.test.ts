/** Per-source watermarks: release up to the slowest active source, idle sources, bounds, snapshot. */
import { describe, expect, it } from 'vitest';
import type { LedgerEvent, PipelineEvent } from '../model/index.js';
import { Reorder } from './reorder.js';

const ev = (t: number): LedgerEvent => ({ kind: 'ledger', t, type: 'issue', jti: `j${t}`, ref: { file: 'x', line: t } });
const times = (es: readonly PipelineEvent[]): number[] => es.map((e) => e.t);

describe('Reorder', () => {
  it('releases, sorted, only up to the minimum watermark of active sources', () => {
    let now = 0;
    const r = new Reorder({ idleMs: 1000, maxEvents: 100, now: () => now });
    r.push('access', [ev(30), ev(10), ev(20)]);
    expect(times(r.release())).toEqual([10, 20, 30]);
    r.push('access', [ev(50), ev(40)]);
    r.push('ledger', [ev(35)]);
    expect(times(r.release())).toEqual([35]);
    r.push('ledger', [ev(60)]);
    expect(times(r.release())).toEqual([40, 50]);
    // The access source goes idle: it no longer holds the ledger back.
    now = 2000;
    r.push('ledger', [ev(70)]);
    expect(times(r.release())).toEqual([60, 70]);
  });

  it('holds everything until an expected source delivers or goes idle', () => {
    let now = 0;
    const r = new Reorder({ idleMs: 1000, maxEvents: 100, now: () => now });
    r.expect('ledger');
    r.push('access', [ev(10)]);
    expect(r.release()).toEqual([]);
    now = 1500;
    r.push('access', [ev(20)]);
    expect(times(r.release())).toEqual([10, 20]);
  });

  it('releases the oldest when over its bound', () => {
    const r = new Reorder({ idleMs: 1000, maxEvents: 2, now: () => 0 });
    r.expect('ledger');
    r.push('access', [ev(1), ev(2), ev(3), ev(4)]);
    expect(times(r.release())).toEqual([1, 2]);
    expect(r.size).toBe(2);
  });

  it('restores buffered events and watermarks from a snapshot', () => {
    const a = new Reorder({ idleMs: 1000, maxEvents: 100, now: () => 0 });
    a.push('access', [ev(5), ev(9)]);
    a.push('ledger', [ev(7)]);
    expect(times(a.release())).toEqual([5, 7]);
    const b = new Reorder({ idleMs: 1000, maxEvents: 100, now: () => 0 });
    b.restore(JSON.parse(JSON.stringify(a.snapshot())) as ReturnType<Reorder['snapshot']>);
    expect(b.size).toBe(1);
    b.push('ledger', [ev(10)]);
    expect(times(b.release())).toEqual([9]);
  });
});
