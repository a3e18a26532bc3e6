/** personal-data-volume: seasonal baseline, needs two weeks, fires on a surge; contract suite. */
import { describe, expect, it } from 'vitest';
import { ref, runDetector } from '../../../test/fixtures/detect/builders.js';
import { HOUR, type AccessEvent, type PipelineEvent } from '../../model/index.js';
import { runDetectorContract } from '../detector.contract.js';
import type { Engine } from '../engine.js';
import { PersonalDataVolumeDetector } from './personal-data-volume.js';

const W0 = Date.parse('2025-06-02T00:00:00Z'); // a Monday

/** One event per hour carrying the hour's personal-data read count; day-shaped + small jitter. */
function weeks(n: number, surge?: { week: number; hourOfWeek: number; reads: number }): PipelineEvent[] {
  const out: AccessEvent[] = [];
  for (let h = 0; h < n * 168; h++) {
    const how = h % 168;
    const hod = how % 24;
    let reads = (hod >= 9 && hod <= 22 ? 400 : 80) + ((h * 37) % 11);
    if (surge && Math.floor(h / 168) === surge.week && how === surge.hourOfWeek) reads = surge.reads;
    out.push({
      kind: 'access', t: W0 + h * HOUR + 60_000, src_ip: '198.51.100.7', method: 'GET', route: '/v1/members/{id}/addresses',
      status: 200, records: reads, request_id: `r-${h}`, ref: { file: 'volume', line: h + 1 },
    });
  }
  return out;
}

function run(events: PipelineEvent[]): Engine {
  return runDetector(new PersonalDataVolumeDetector(), events);
}

describe('personal-data-volume', () => {
  it('normal weeks never fire', () => {
    expect(run(weeks(4)).alerts()).toEqual([]);
  });

  it('a night-time surge in week 3 fires at the surge hour against the slot baseline', () => {
    const [a, ...rest] = run(weeks(3, { week: 2, hourOfWeek: 3, reads: 2000 })).alerts();
    expect(rest).toEqual([]);
    expect(a?.entity).toEqual({ type: 'platform', id: 'all' });
    expect(a?.severity).toBe('high');
    expect(a?.details.reads).toBe(2000);
    expect(a?.first_seen).toBe(new Date(W0 + (2 * 168 + 3) * HOUR + 60_000).toISOString());
  });

  it('does not fire before two weeks of history', () => {
    expect(run(weeks(2, { week: 1, hourOfWeek: 3, reads: 2000 })).alerts()).toEqual([]);
  });

  it('a daytime-sized volume at night is anomalous, the same volume by day is not', () => {
    expect(run(weeks(3, { week: 2, hourOfWeek: 12, reads: 450 })).alerts()).toEqual([]);
    expect(run(weeks(3, { week: 2, hourOfWeek: 2, reads: 450 })).alerts()).toHaveLength(1);
  });
});

runDetectorContract('personal-data-volume', () => new PersonalDataVolumeDetector(), weeks(3, { week: 2, hourOfWeek: 3, reads: 2000 }), ref);
