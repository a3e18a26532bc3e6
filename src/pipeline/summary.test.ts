import { describe, expect, it } from 'vitest';
import { summarizeRun } from './summary.js';

describe('the hunt summary', () => {
  it('counts a line the store refused as quarantined, not accepted, so the counts add up', () => {
    const s = summarizeRun({
      stats: {
        late: 0,
        files: [
          { file: 'a.ndjson', lines: 10, blank: 1, accepted: 8, quarantined: 1, byReason: { bad_json: 1 } },
          { file: 'b.ndjson', lines: 4, blank: 0, accepted: 4, quarantined: 0, byReason: {} },
        ],
      },
      alerts: [], quarantinePath: 'q.ndjson', store: 'duckdb:x', window: null, seconds: 1, stateBytes: 0,
      refused: [{ file: 'a.ndjson' }, { file: 'a.ndjson' }],
    });
    expect(s.totals).toEqual({ lines: 14, blank: 1, accepted: 10, quarantined: 3, late: 0 });
    expect(s.quarantinedByReason).toEqual({ bad_json: 1, store_refused: 2 });
    for (const f of s.files) expect(f.blank + f.accepted + f.quarantined).toBe(f.lines);
    expect(s.files[0]?.byReason).toEqual({ bad_json: 1, store_refused: 2 });
  });
});
