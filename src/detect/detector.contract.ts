/**
 * The shared contract every Detector passes (run from each detector's test): deterministic
 * output, empty input, late events (anonymous and token-bearing), the same input in different
 * batches, `nextDeadline` (every due deadline has fired once an event crosses it), and
 * snapshot/restore mid-stream, at every cut, continuing identically.
 */
import { describe, expect, it } from 'vitest';
import type { AccessEvent, Alert, PipelineEvent, ReferenceData } from '../model/index.js';
import type { Detector, DetectSettings } from './detector.js';
import { Engine, type DeadlineAware } from './engine.js';

/** What a run produced, in comparable form. */
interface RunOutput {
  readonly alerts: Alert[];
  readonly indicators: string[];
}

function run(
  factory: () => Detector, events: readonly PipelineEvent[], ref: ReferenceData, settings?: Partial<DetectSettings>, cut?: number, batch?: number,
): RunOutput {
  let eng = new Engine({ detectors: [factory()], ref, ...(settings ? { settings } : {}) });
  if (batch !== undefined) {
    for (let i = 0; i < events.length; i += batch) eng.push(events.slice(i, i + batch));
  } else if (cut === undefined) {
    eng.push(events);
  } else {
    eng.push(events.slice(0, cut));
    const snap = JSON.parse(JSON.stringify(eng.snapshot())) as ReturnType<Engine['snapshot']>;
    eng = Engine.restore({ detectors: [factory()], ref, ...(settings ? { settings } : {}) }, snap);
    eng.push(events.slice(cut));
  }
  eng.finish();
  return {
    alerts: eng.alerts(),
    indicators: eng.indicators().map((i) => `${i.alert_id} ${i.type} ${i.value} ${i.first_seen} ${i.last_seen}`),
  };
}

/**
 * Registers the contract tests for one detector. `fixture` must be sorted by `t` and should
 * make the detector fire at least once.
 */
export function runDetectorContract(
  name: string, factory: () => Detector, fixture: readonly PipelineEvent[], ref: ReferenceData,
  settings?: Partial<DetectSettings>,
): void {
  describe(`Detector contract: ${name}`, () => {
    it('fires on its fixture, and the same input twice gives the same alerts and ids', () => {
      const a = run(factory, fixture, ref, settings);
      const b = run(factory, fixture, ref, settings);
      expect(a.alerts.length).toBeGreaterThan(0);
      expect(b).toEqual(a);
      for (const al of a.alerts) expect(al.detector).toBe(name);
    });

    it('empty input gives no alerts and does not crash', () => {
      const eng = new Engine({ detectors: [factory()], ref });
      eng.push([]);
      eng.finish();
      expect(eng.alerts()).toEqual([]);
    });

    it('late events (older than the watermark) do not crash and leave the alerts as they were', () => {
      const base = run(factory, fixture, ref, settings);
      const eng = new Engine({ detectors: [factory()], ref, ...(settings ? { settings } : {}) });
      eng.push(fixture);
      // replay the first anonymous event (no token, no account) far in the past: flagged late
      const first = fixture[0];
      if (first !== undefined) eng.push([{ kind: 'access', t: first.t - 86_400_000, src_ip: '192.0.2.1', method: 'GET', route: '/health', status: 200, ref: { file: 'late', line: 1 } }]);
      eng.finish();
      expect(eng.alerts()).toEqual(base.alerts);
    });

    it('snapshot mid-stream → JSON → restore → continue equals an uninterrupted run, at every cut', () => {
      const whole = run(factory, fixture, ref, settings);
      // every cut for a small fixture, about 40 spread over a large one
      const step = Math.max(1, Math.floor(fixture.length / 40));
      for (let cut = 1; cut < fixture.length; cut += step) expect(run(factory, fixture, ref, settings, cut)).toEqual(whole);
    });

    it('the same input in different batches gives the same alerts', () => {
      const whole = run(factory, fixture, ref, settings);
      for (const batch of [1, 3, 17]) expect(run(factory, fixture, ref, settings, undefined, batch)).toEqual(whole);
    });

    it('a late token event (older than the watermark) is handled: no crash, deterministic, restorable', () => {
      const tokenEvent = fixture.find((e): e is AccessEvent => e.kind === 'access' && e.token !== undefined);
      if (tokenEvent === undefined) return;
      const mid = Math.floor(fixture.length / 2);
      const late: AccessEvent = {
        ...tokenEvent, t: (fixture[mid]?.t ?? tokenEvent.t) - 3_600_000, request_id: 'r-late-token',
        token: { ...(tokenEvent.token as NonNullable<AccessEvent['token']>), jti: 'j-late-token' },
      };
      const events = [...fixture.slice(0, mid), late, ...fixture.slice(mid)];
      const a = run(factory, events, ref, settings);
      expect(run(factory, events, ref, settings)).toEqual(a);
      expect(run(factory, events, ref, settings, mid + 1)).toEqual(a);
      const base = run(factory, fixture, ref, settings);
      // what the late event does not touch stays as it was
      const ids = new Set(a.alerts.map((x) => x.alert_id));
      for (const x of base.alerts) expect(ids.has(x.alert_id)).toBe(true);
    });

    it('nextDeadline: once an event crosses a deadline, that deadline has fired', () => {
      const d = factory();
      const timed = typeof (d as Partial<DeadlineAware>).nextDeadline === 'function' ? (d as Detector & DeadlineAware) : undefined;
      const eng = new Engine({ detectors: [d], ref, ...(settings ? { settings } : {}) });
      for (const e of fixture) {
        eng.push([e]);
        if (timed === undefined) continue;
        const next = timed.nextDeadline();
        expect(Number.isNaN(next)).toBe(false);
        expect(next).toBeGreaterThan(eng.watermark ?? -Infinity);
      }
      eng.finish();
      if (timed !== undefined) expect(timed.nextDeadline()).toBe(Infinity);
    });
  });
}
