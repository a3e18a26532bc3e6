/** Sink queue: retries with exponential backoff, drop-oldest when full, never blocks publish. */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../model/index.js';
import { SinkQueue } from './sink-queue.js';
import { signBody, slackText } from './http-sinks.js';

const alert = (id: string): Alert => ({
  alert_id: id, detector: 'unissued-token', severity: 'critical', title: 'forged', entity: { type: 'key', id: 'k1' },
  first_seen: '2025-06-24T00:00:00.000Z', last_seen: '2025-06-24T00:00:00.000Z', detected_at: '2025-06-24T00:00:01.000Z',
  events: 3, accounts: 2, evidence: [], details: {}, status: 'open',
});

describe('SinkQueue', () => {
  it('retries with exponential backoff until delivered', async () => {
    const waits: number[] = [];
    let calls = 0;
    const q = new SinkQueue({ name: 't', max: 10, retries: 4, backoffMs: 100, sleep: (ms) => { waits.push(ms); return Promise.resolve(); } }, () => {
      if (++calls < 3) return Promise.reject(new Error('down'));
      return Promise.resolve();
    });
    q.publish(alert('a'));
    await q.close();
    expect(waits).toEqual([100, 200]);
    expect(q.stats()).toMatchObject({ delivered: 1, failed: 0, dropped: 0 });
  });

  it('drops the oldest alert when full and counts it', async () => {
    let unblock: () => void = () => undefined;
    const blocked = new Promise<void>((r) => { unblock = r; });
    const seen: string[] = [];
    const q = new SinkQueue({ name: 't', max: 2, retries: 0, backoffMs: 1 }, async (a) => { seen.push(a.alert_id); await blocked; });
    for (const id of ['a', 'b', 'c', 'd']) q.publish(alert(id));
    expect(q.stats()).toMatchObject({ dropped: 1, queued: 2 });
    unblock();
    await q.close();
    expect(seen).toEqual(['a', 'c', 'd']);
  });

  it('signs bodies with HMAC-SHA256 and writes one Slack line', () => {
    // RFC-style test vector (HMAC-SHA256, key "key").
    expect(signBody('key', 'The quick brown fox jumps over the lazy dog'))
      .toBe('sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
    expect(slackText(alert('a'))).toBe('[CRITICAL] forged (unissued-token, key k1; 3 requests, 2 accounts; detected 2025-06-24T00:00:01.000Z; alert a)');
  });
});
