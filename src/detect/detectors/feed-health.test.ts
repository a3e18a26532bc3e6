/** feed-health: one alert per gap with its extent, an edge only when it matters; contract suite. */
import { describe, expect, it } from 'vitest';
import { at } from '../../../test/fixtures/detect/builders.js';
import { feedRef, signIns } from '../../../test/fixtures/detect/feeds.js';
import { runDetectorContract } from '../detector.contract.js';
import { Engine } from '../engine.js';
import { FeedHealthDetector } from './feed-health.js';

/** Steady sign-ins for two hours; the ledger loses everything from minute 30 to 60. */
const fixture = signIns({ from: 0, to: 120, everySec: 20, ledgerDown: (t) => t >= at(30) && t < at(60) });

describe('feed-health', () => {
  it('reports the gap while it is open, then its whole extent, once', () => {
    const seen: string[] = [];
    const eng = new Engine({ detectors: [new FeedHealthDetector()], ref: feedRef, onAlert: (a) => seen.push(`${a.entity.id} ${a.status}`) });
    eng.push(fixture.filter((e) => e.t < at(45)));
    const open = eng.alerts()[0];
    expect(open?.details).toMatchObject({ kind: 'ledger_gap', open: true, to: null });
    eng.push(fixture.filter((e) => e.t >= at(45)));
    eng.finish();
    const [gap, ...rest] = eng.alerts();
    expect(rest).toEqual([]);
    expect(gap?.details).toMatchObject({ kind: 'ledger_gap', open: false });
    expect(Number(gap?.details.duration_ms)).toBeGreaterThan(30 * 60_000);
    expect(Number(gap?.details.duration_ms)).toBeLessThan(31 * 60_000);
    expect(gap?.alert_id).toBe(open?.alert_id);
    expect(seen).toEqual([`${gap?.entity.id} open`]);
  });

  it('a ledger merely quiet (no sign-ins either) is no gap', () => {
    const quiet = fixture.filter((e) => e.t < at(30) || e.t >= at(60));
    const eng = new Engine({ detectors: [new FeedHealthDetector()], ref: feedRef });
    eng.push(quiet);
    eng.finish();
    expect(eng.alerts()).toEqual([]);
  });
});

runDetectorContract('feed-health', () => new FeedHealthDetector(), fixture, feedRef);
