// The fast event-time parser must agree with parseRfc3339 on every input.
import { describe, expect, it } from 'vitest';
import { parseRfc3339 } from '../model/index.js';
import { parseEventTime, peekLineTime } from './event-time.js';

const samples = [
  '2025-06-24T03:12:45.123Z', '2025-06-24T03:12:45Z', '2025-06-24T03:59:59.999Z', '2025-06-24T04:00:00.000Z',
  '2025-06-24t03:12:45z', '2025-06-24 03:12:45Z', '2025-06-24T03:12:45.1Z', '2025-06-24T03:12:45.123456Z',
  '2025-06-24T03:12:45+09:00', '2025-06-24T03:12:45.123-02:30', '2025-06-24T03:60:00Z', '2025-06-24T03:12:60Z',
  '2025-06-24T03:1a:45Z', '2025-06-24T03:12:45,123Z', '2025-13-24T03:12:45Z', '2025-02-30T00:00:00.000Z',
  '2025-06-24T24:00:00Z', '2025-06-24T25:00:00Z', 'not a time', '', '2025-06-24T03:12:45.12aZ',
  '2025-02-29T00:00:00Z', '2024-02-29T23:59:59.999Z', '1900-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '2025-04-31T00:00:00Z',
  '2025-00-10T00:00:00Z', '2025-06-00T00:00:00Z', '2025-06-24T03:12:45+09:60',
];

describe('parseEventTime', () => {
  it('agrees with parseRfc3339', () => {
    for (const s of samples) expect([s, parseEventTime(s)]).toEqual([s, parseRfc3339(s)]);
    // Again, now with the hour cache warm for a different hour.
    for (const s of [...samples].reverse()) expect([s, parseEventTime(s)]).toEqual([s, parseRfc3339(s)]);
  });

  it('refuses calendar dates that do not exist (Date.parse would roll them over)', () => {
    for (const s of ['2025-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2025-04-31T00:00:00Z', '2025-06-00T00:00:00Z', '2025-06-24T03:12:45+09:60']) {
      expect([s, parseEventTime(s)]).toEqual([s, undefined]);
    }
    expect(parseEventTime('2000-02-29T00:00:00Z')).toBe(Date.UTC(2000, 1, 29));
  });

  it('peeks the time of lines that start with it, and only those', () => {
    expect(peekLineTime('{"time":"2025-06-24T03:12:45.123Z","x":1}')).toBe(Date.UTC(2025, 5, 24, 3, 12, 45, 123));
    expect(peekLineTime('{"x":1,"time":"2025-06-24T03:12:45.123Z"}')).toBeUndefined();
    expect(peekLineTime('{"time":"bad"}')).toBeUndefined();
    expect(peekLineTime('{"time":"2025-06-24T03:12:45\\"Z"}')).toBeUndefined();
  });
});
