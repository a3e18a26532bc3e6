/** Display formatting of the dashboard (web/src/format.ts): UTC event time, numbers, ASNs. */
import { describe, expect, it } from 'vitest';
import { fmtAsn, fmtDuration, fmtNum, fmtTime, toMs } from '../../web/src/format.js';

describe('format', () => {
  it('shows event time in UTC to the second, from RFC 3339 or epoch ms', () => {
    expect(fmtTime('2025-06-24T03:12:45.123Z')).toBe('2025-06-24 03:12:45 UTC');
    expect(fmtTime('2025-06-24T12:12:45+09:00')).toBe('2025-06-24 03:12:45 UTC');
    expect(fmtTime(Date.parse('2025-06-24T03:00:00Z'))).toBe('2025-06-24 03:00:00 UTC');
    expect(fmtTime(null)).toBe('—');
    expect(fmtTime('yesterday')).toBe('yesterday');
    expect(toMs('2025-06-24T00:00:00Z')).toBe(Date.UTC(2025, 5, 24));
  });

  it('groups thousands and names ASNs one way', () => {
    expect(fmtNum(148_000_000)).toBe('148,000,000');
    expect(fmtNum(undefined)).toBe('—');
    expect([fmtAsn(4766), fmtAsn('4766'), fmtAsn('AS4766'), fmtAsn(undefined)]).toEqual(['AS4766', 'AS4766', 'AS4766', '—']);
  });

  it('says how long detection took in coarse words', () => {
    expect(fmtDuration(12_000)).toBe('12 s');
    expect(fmtDuration(4 * 60_000)).toBe('4 min');
    expect(fmtDuration(3 * 3_600_000 + 5 * 60_000)).toBe('3 h 5 min');
    expect(fmtDuration(5 * 86_400_000 + 3 * 3_600_000)).toBe('5 d 3 h');
    expect(fmtDuration(-1)).toBe('—');
  });
});
