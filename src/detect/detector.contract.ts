/**
 * The shared contract every Detector passes (run from each detector's test):
 * deterministic output, empty input, late events, and snapshot/restore mid-stream.
 */
import { describe, expect, it } from 'vitest';
import type { Alert, PipelineEvent, ReferenceData } from '../model/index.js';
import type { Detector, DetectSettings } from './detector.js';
import { Engine } from './engine.js';

/** What a run produced, in comparable form. */
interface RunOutput {
  readonly alerts: Alert[];
  readonly indicators: string[];
}

function run(factory: () => Detector, events: readonly PipelineEvent[], ref: ReferenceData, settings?: Partial<DetectSettings>, cut?: number): RunOutput {
  let eng = new Engine({ detectors: [factory()], ref, ...(settings ? { settings } : {}) });
  if (cut === undefined) {
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

    it('snapshot mid-stream → JSON → restore → continue equals an uninterrupted run', () => {
      const whole = run(factory, fixture, ref, settings);
      for (const frac of [0.3, 0.5, 0.8]) {
        const cut = Math.floor(fixture.length * frac);
        expect(run(factory, fixture, ref, settings, cut)).toEqual(whole);
      }
    });
  });
}
