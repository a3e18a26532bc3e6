/**
 * Honest token verdicts on faulty feeds: gaps, edges and clock skew make tokens unverifiable
 * (never critical), while a forged-token attack during normal ledger traffic is forged
 * whatever `iat`/`exp` it claims; a late ledger record retracts a verdict, sinks included.
 */
import { describe, expect, it } from 'vitest';
import { at } from '../../../test/fixtures/detect/builders.js';
import { feedRef, forgedUse, merge, signIns } from '../../../test/fixtures/detect/feeds.js';
import type { Alert, PipelineEvent } from '../../model/index.js';
import { alertId } from '../alert-id.js';
import { Engine } from '../engine.js';
import { createDetectors } from '../index.js';


function hunt(events: readonly PipelineEvent[], onAlert?: (a: Alert) => void): Engine {
  const eng = new Engine({ detectors: createDetectors(), ref: feedRef, ...(onAlert !== undefined && { onAlert }) });
  eng.push(events);
  eng.finish();
  return eng;
}

const of = (eng: Engine, detector: string): Alert[] => eng.alerts().filter((a) => a.detector === detector);
/** Loud alerts about traffic (the key registry's custody audit is loud by design here). */
const loud = (eng: Engine): Alert[] => eng.alerts().filter((a) => a.detector !== 'key-custody' && (a.severity === 'critical' || a.severity === 'high'));
const reasonsOf = (a: Alert | undefined): Record<string, number> => (a?.details.reasons ?? {}) as Record<string, number>;
const inGap = (t: number): boolean => t >= at(30) && t < at(60);

describe('verdicts on faulty feeds', () => {
  it('a forged-token attack during normal ledger traffic is forged, whatever it claims, detected within the lateness', () => {
    const traffic = signIns({ from: 0, to: 120, ledgerDown: inGap });
    const attack = [
      forgedUse(90, 'j-now', 'm-v1'),
      // iat inside the real gap, first used 40 min later while the ledger records everyone else
      { ...forgedUse(95, 'j-gap', 'm-v2', at(55)), token: { jti: 'j-gap', kid: 'sig-2019-01', sub: 'm-v2', iat: at(55) / 1000, exp: at(55) / 1000 + 3600 } },
      // iat inside the gap with a lifetime the key never allows
      forgedUse(96, 'j-gap-long', 'm-v3', at(40)),
      // iat before the archive began, exp long past at use
      { ...forgedUse(100, 'j-old', 'm-v4'), token: { jti: 'j-old', kid: 'sig-2019-01', sub: 'm-v4', iat: at(-30) / 1000, exp: at(30) / 1000 } },
    ];
    const eng = hunt(merge(traffic, attack));
    const forged = of(eng, 'unissued-token').find((a) => a.verdict === 'forged');
    expect(forged).toMatchObject({ severity: 'critical', status: 'open', accounts: 4 });
    // the forged alert keeps the id it always had; the unverifiable one is another alert
    expect(forged?.alert_id).toBe(alertId('unissued-token', { type: 'key', id: 'sig-2019-01' }));
    expect(reasonsOf(forged)).toEqual({ unissued: 1, stale_issuance: 1, lifetime_beyond_key: 1, used_after_expiry: 1 });
    // first forged use at minute 90: judged at the first tick after 30 s
    expect(Date.parse(forged?.detected_at ?? '') - at(90)).toBeLessThanOrEqual(31_000);
    const tokens = eng.indicators(forged?.alert_id).filter((i) => i.type === 'token').map((i) => i.value);
    expect(tokens.sort()).toEqual(['j-gap', 'j-gap-long', 'j-now', 'j-old']);
  });

  it('tokens first used while the ledger was down are unverifiable (medium, apart), and feed-health names the gap', () => {
    const eng = hunt(signIns({ from: 0, to: 120, ledgerDown: inGap }));
    const token = of(eng, 'unissued-token');
    expect(token.map((a) => `${a.verdict} ${a.severity}`)).toEqual(['unverifiable medium']);
    expect(token[0]?.details.tokens).toBeGreaterThan(150);
    const gap = of(eng, 'feed-health').find((a) => a.entity.id.startsWith('ledger:gap:'));
    expect(gap?.severity).toBe('medium');
    expect(Date.parse(String(gap?.details.from))).toBeLessThan(at(30));
    expect(Date.parse(String(gap?.details.from))).toBeGreaterThan(at(29.5));
    expect(Date.parse(String(gap?.details.to))).toBeGreaterThanOrEqual(at(60));
    expect(gap?.details.unverifiable_tokens).toBe(token[0]?.details.tokens);
    expect(loud(eng)).toEqual([]);
    expect(eng.feed.report().gaps).toHaveLength(1);
  });

  it('a ledger that keeps recording everyone else never opens a gap: tokens it lacks are forged', () => {
    const traffic = signIns({ from: 0, to: 120 });
    const attack = Array.from({ length: 60 }, (_, i) => forgedUse(20 + i, `j-f${i}`, `m-v${i}`));
    const eng = hunt(merge(traffic, attack));
    expect(of(eng, 'unissued-token').map((a) => `${a.verdict} ${a.severity}`)).toEqual(['forged critical']);
    expect(of(eng, 'feed-health')).toEqual([]);
    expect(eng.feed.report().gaps).toEqual([]);
  });

  it('a gateway whose clock runs 90 s behind: its tokens wait for their records, the offset is corrected and reported', () => {
    const a = signIns({ from: 0, to: 60, file: 'gateway-a.ndjson' });
    const b = signIns({ from: 0, to: 60, file: 'gateway-b.ndjson', skewMs: -90_000, prefix: 'b', everySec: 7 });
    const eng = hunt(merge(a, b, [forgedUse(40, 'j-f', 'm-v1')]));
    expect(of(eng, 'unissued-token').map((x) => `${x.verdict} ${String(x.details.tokens)}`)).toEqual(['forged 1']);
    const clock = eng.feed.report().clocks.find((c) => c.name === 'gateway-b.ndjson');
    expect(clock?.beyond_tolerance).toBe(true);
    expect(Math.abs((clock?.corrected_ms ?? 0) - 89_000)).toBeLessThan(2_000);
    expect(eng.feed.report().clocks.find((c) => c.name === 'gateway-a.ndjson')?.corrected_ms).toBe(0);
    expect(of(eng, 'feed-health').map((x) => x.entity.id)).toEqual(['clock:gateway-b.ndjson']);
  });

  it('a ledger record arriving after its verdict retracts it: counts shrink, the alert is retracted, the sink hears it', () => {
    const seen: Alert[] = [];
    const traffic = signIns({ from: 0, to: 60 });
    const late = forgedUse(10, 'j-late', 'm-9', at(10) - 2_000);
    const tok = late.token as NonNullable<typeof late.token>;
    const record: PipelineEvent = { kind: 'ledger', t: at(14), type: 'issue', jti: 'j-late', kid: tok.kid, sub: tok.sub, exp: tok.exp, ref: { file: 'ledger.ndjson', line: 9 } };
    const eng = hunt(merge(traffic, [late, record]), (a) => seen.push(a));
    const [alert] = of(eng, 'unissued-token');
    expect(alert).toMatchObject({ status: 'retracted', verdict: 'forged', events: 0, accounts: 0, severity: 'critical' });
    expect(String(alert?.details.retracted_reason)).toContain('late_ledger_record');
    expect(eng.indicators(alert?.alert_id)).toEqual([expect.objectContaining({ value: 'j-late', retracted: true })]);
    expect(seen.filter((a) => a.detector === 'unissued-token').map((a) => a.status)).toEqual(['open', 'retracted']);
  });

  it('a ledger starting after the access feed leaves earlier tokens unverifiable and says so', () => {
    const eng = hunt(signIns({ from: 0, to: 90, ledgerDown: (t) => t < at(30) }));
    expect(of(eng, 'unissued-token').map((a) => a.verdict)).toEqual(['unverifiable']);
    const start = of(eng, 'feed-health').find((a) => a.entity.id === 'ledger:start');
    expect(start?.details).toMatchObject({ kind: 'ledger_start', ledger_from: new Date(at(30) + 100).toISOString() });
    expect(Number(start?.details.unverifiable_tokens)).toBeGreaterThan(150);
    expect(loud(eng)).toEqual([]);
  });

  it('coverage tracking off trusts the ledger as complete (every unrecorded token forged)', () => {
    const eng = new Engine({ detectors: createDetectors(), ref: feedRef, settings: { coverage: false } });
    eng.push(signIns({ from: 0, to: 60, ledgerDown: inGap }));
    eng.finish();
    expect(of(eng, 'unissued-token').map((a) => `${a.verdict} ${a.severity}`)).toEqual(['forged critical']);
  });
});
