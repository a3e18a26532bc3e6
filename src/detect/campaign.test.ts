/** CampaignBook: one finding per new campaign, batched updates, hourly indicator refresh, finish flush. */
import { describe, expect, it } from 'vitest';
import { ref } from '../../test/fixtures/detect/builders.js';
import { DEFAULT_DETECT_SETTINGS, type DetectContext } from './detector.js';
import { CampaignBook } from './campaign.js';
import { makeContext } from './context.js';
import type { Finding } from '../model/index.js';

function ctx(out: Finding[]): DetectContext {
  return makeContext(ref, DEFAULT_DETECT_SETTINGS, (f) => out.push(f));
}

describe('CampaignBook', () => {
  it('emits at once for a new campaign, then at most once a minute, refreshing token windows hourly', () => {
    const out: Finding[] = [];
    const c = ctx(out);
    const book = new CampaignBook({ detector: 'd', entityType: 'key', title: (id) => `key ${id}` });
    const H = 3_600_000;
    const exp = 10 * H / 1000;
    // 10 000 uses of one bad token over 2 hours, with a watermark tick every second
    for (let i = 0; i < 10_000; i++) {
      const t = Math.floor(i * 0.72 * 1000);
      book.hit(c, t, 'k1', 'critical', 'unissued', 'j1', exp, t, t, 1, 'm-1', '203.0.113.9', `r${i}`);
      if (i % 2 === 0) book.tick(t, c);
    }
    expect(out.length).toBeGreaterThan(100);
    expect(out.length).toBeLessThan(150);
    expect(out[0]?.at).toBe(0);
    const tokenInds = out.flatMap((f) => f.indicators ?? []).filter((i) => i.type === 'token');
    expect(tokenInds.length).toBe(2); // first sighting + one refresh after > 1 h
    book.finish(2 * H, c);
    const last = out[out.length - 1];
    expect(last?.events).toBe(10_000);
    expect(last?.indicators?.[0]?.last_seen).toBe(Math.floor(9999 * 0.72 * 1000));
  });

  it('flushes a token indicator when it is evicted after expiry', () => {
    const out: Finding[] = [];
    const c = ctx(out);
    const book = new CampaignBook({ detector: 'd', entityType: 'key', title: () => 't', keepMs: 0 });
    book.hit(c, 1000, 'k', 'high', 'x', 'j', 2, 1000, 1000, 1, undefined, undefined, undefined);
    book.hit(c, 1500, 'k', 'high', 'x', 'j', 2, 1500, 1500, 1, undefined, undefined, undefined);
    book.evict(5000);
    expect(book.hasToken('j')).toBe(false);
    book.tick(5000, c);
    // Pending indicators wait for the campaign's regular interval (60 s after its last finding).
    expect(out).toHaveLength(1);
    book.tick(61_000, c);
    expect(out[out.length - 1]?.indicators).toEqual([{ type: 'token', value: 'j', first_seen: 1000, last_seen: 1500 }]);
  });
});
