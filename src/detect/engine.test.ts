/** Engine: watermark/timers, late flag, the full default set end to end, snapshot/restore. */
import { describe, expect, it } from 'vitest';
import { at, issue, ledgerTraffic, ref, use } from '../../test/fixtures/detect/builders.js';
import { fastHarvest, natCrowd } from '../../test/fixtures/detect/crowds.js';
import type { PipelineEvent } from '../model/index.js';
import type { DetectContext, Detector } from './detector.js';
import { Engine } from './engine.js';
import { createDetectors } from './index.js';

class Probe implements Detector {
  readonly name = 'probe';
  marks: number[] = [];
  lates: boolean[] = [];
  onEvent(_e: PipelineEvent, _c: DetectContext, late: boolean): void { this.lates.push(late); }
  onWatermark(t: number): void { this.marks.push(t); }
  finish(): void {}
  snapshot(): unknown { return {}; }
  restore(): void {}
}

const anon = (t: number): PipelineEvent => ({ kind: 'access', t, src_ip: '192.0.2.1', method: 'GET', route: '/', status: 200, ref: { file: 'f', line: 1 } });

describe('Engine', () => {
  it('ticks at most once per second of event time and flags late events', () => {
    const p = new Probe();
    const eng = new Engine({ detectors: [p], ref });
    eng.push([anon(0), anon(100), anon(999), anon(1000), anon(1500), anon(500), anon(2600)]);
    expect(p.marks).toEqual([0, 1000, 2600]);
    expect(p.lates).toEqual([false, false, false, false, false, true, false]);
    expect(eng.watermark).toBe(2600);
  });

  it('fires a pending deadline before the first event that crosses it, even between ticks', () => {
    const eng = new Engine({ detectors: createDetectors({ only: ['unissued-token'] }), ref, settings: { allowedLatenessMs: 30_000, clockMinSamples: 0 } });
    const t0 = at(0);
    const forged = use(0, 'j-f', 'm-1', { kid: 'sig-2019-01' });
    // the ledger records others before and after the token's claimed issuance
    eng.push([...ledgerTraffic(-1, 0.2, 0.1, 0), forged, anon(t0 + 29_999.5), anon(t0 + 30_000.2)].sort((a, b) => a.t - b.t));
    expect(eng.alerts()[0]?.detected_at).toBe(new Date(t0 + 30_000.2).toISOString());
  });

  const scenario: PipelineEvent[] = [
    ...Array.from({ length: 40 }, (_, i) => issue(1 + i, `j-c${i}`, `m-${2000 + i}`, { src_ip: '198.51.100.1', device_id: `d-c${i}` })),
    ...natCrowd(1),
    ...fastHarvest(5).map((e) => ({ ...e, token: { ...(e.token as NonNullable<typeof e.token>), kid: 'sig-2019-01' } })),
  ].sort((a, b) => a.t - b.t);

  it('the default set turns a forged-token harvest into a handful of alerts', () => {
    const eng = new Engine({ detectors: createDetectors(), ref });
    eng.push(scenario);
    eng.finish();
    const got = eng.alerts().map((a) => `${a.detector}|${a.entity.type}:${a.entity.id}|${a.severity}`).sort();
    expect(got).toContain('unissued-token|key:sig-2019-01|critical');
    expect(got).toContain('key-custody|key:sig-2019-01|critical');
    expect(got).toContain('many-accounts-per-source|ip:203.0.113.66|high');
    expect(got.filter((g) => g.startsWith('unissued-token'))).toHaveLength(1);
    expect(got.some((g) => g.includes('198.51.100.1'))).toBe(false);
    expect(eng.drainIndicators().filter((i) => i.type === 'token')).toHaveLength(25);
    expect(eng.stateBytes()).toBeGreaterThan(0);
  });

  it('snapshot → JSON → restore in a fresh engine continues identically (whole default set)', () => {
    const whole = new Engine({ detectors: createDetectors(), ref });
    whole.push(scenario);
    whole.finish();
    for (const cut of [10, 80, 150]) {
      const a = new Engine({ detectors: createDetectors(), ref });
      a.push(scenario.slice(0, cut));
      const snap = JSON.parse(JSON.stringify(a.snapshot())) as ReturnType<Engine['snapshot']>;
      const b = Engine.restore({ detectors: createDetectors(), ref }, snap);
      b.push(scenario.slice(cut));
      b.finish();
      expect(b.alerts()).toEqual(whole.alerts());
      expect(b.indicators()).toEqual(whole.indicators());
    }
  });

  it('rejects a snapshot from a different detector set', () => {
    const a = new Engine({ detectors: createDetectors({ only: ['key-state'] }), ref });
    const b = new Engine({ detectors: createDetectors({ only: ['unissued-token'] }), ref });
    expect(() => b.restore(a.snapshot())).toThrow(/lacks detector/);
  });

  it('refuses a snapshot of another version (v2 held the feed state or the exposure state, not both) with ERR_STATE', () => {
    const a = new Engine({ detectors: createDetectors(), ref });
    a.push(scenario.slice(0, 10));
    const old = { ...a.snapshot(), v: 2 } as unknown as ReturnType<Engine['snapshot']>;
    expect(() => new Engine({ detectors: createDetectors(), ref }).restore(old)).toThrow(expect.objectContaining({ code: 'ERR_STATE' }));
  });
});

describe('Engine settings reach detectors built without them', () => {
  it('unissued-token uses the engine allowedLatenessMs (2 min)', () => {
    const eng = new Engine({ detectors: createDetectors(), ref, settings: { allowedLatenessMs: 120_000, clockMinSamples: 0 } });
    eng.push([...ledgerTraffic(-1, 0.5), use(0, 'j-f', 'm-1', { kid: 'sig-2019-01' }), anon(at(1)), anon(at(2.5))].sort((a, b) => a.t - b.t));
    const a = eng.alerts().find((x) => x.detector === 'unissued-token');
    expect(a?.detected_at).toBe(new Date(at(2.5)).toISOString());
  });
});
