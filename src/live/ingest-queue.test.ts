/** Bounded ingest queue: capacity in events, an oversized entry fits an empty queue, batching. */
import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../model/index.js';
import { IngestQueue, type QueueEntry } from './ingest-queue.js';

const entry = (n: number, bytes = 10): QueueEntry => ({
  source: 's', access: [], bytes, resolve: () => undefined, reject: () => undefined,
  ledger: Array.from({ length: n }, (_, i): LedgerEvent => ({ kind: 'ledger', t: i, type: 'issue', jti: `j${i}`, ref: { file: 'f', line: i } })),
});

describe('IngestQueue', () => {
  it('refuses entries once full and takes batches up to a size', () => {
    const q = new IngestQueue({ maxEvents: 10, maxBytes: 1000 });
    expect(q.offer(entry(4))).toBe(true);
    expect(q.offer(entry(4))).toBe(true);
    expect(q.offer(entry(4))).toBe(false);
    expect(q.full).toBe(false);
    expect(q.offer(entry(2))).toBe(true);
    expect(q.full).toBe(true);
    expect(q.take(8, 1000).map((e) => e.ledger.length)).toEqual([4, 4]);
    expect(q.depth).toBe(2);
    expect(q.take(8, 1000).map((e) => e.ledger.length)).toEqual([2]);
    expect(q.empty).toBe(true);
  });

  it('lets one oversized entry into an empty queue, and counts bytes', () => {
    const q = new IngestQueue({ maxEvents: 10, maxBytes: 100 });
    expect(q.offer(entry(50))).toBe(true);
    expect(q.full).toBe(true);
    q.take(1, 1);
    expect(q.offer(entry(1, 80))).toBe(true);
    expect(q.offer(entry(1, 80))).toBe(false);
  });
});
