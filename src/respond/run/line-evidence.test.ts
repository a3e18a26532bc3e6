/**
 * An affected account's evidence entries: its exposure in each, its lines in parts of at most
 * LINES_PER_ENTRY with only file, line and hash (a read-back problem stays in the store), one
 * entry with no lines for an account without any.
 */
import { describe, expect, it } from 'vitest';
import type { AffectedAccount, LineHash } from '../../store/index.js';
import { accountEvidenceEntries, LINES_PER_ENTRY } from './line-evidence.js';

const acc: AffectedAccount = { account_id: 'm-1', fields: ['name', 'phone'], first_access: Date.UTC(2025, 5, 24), last_access: Date.UTC(2025, 5, 25), accesses: 3, src_ips: ['203.0.113.9'] };
const lines = (n: number): LineHash[] => Array.from({ length: n }, (_, i) => (i === 1
  ? { file: 'a.ndjson', line: i + 1, sha256: null, problem: 'line_missing' }
  : { file: 'a.ndjson', line: i + 1, sha256: i.toString(16).padStart(64, '0') }));

describe('accountEvidenceEntries', () => {
  it('lists the lines in parts of LINES_PER_ENTRY, each part with the exposure', () => {
    const es = [...accountEvidenceEntries('inc-1', 'run-1', acc, lines(LINES_PER_ENTRY + 5))];
    expect(es.map((e) => [e.payload.part, e.payload.parts, e.payload.lines.length])).toEqual([[1, 2, LINES_PER_ENTRY], [2, 2, 5]]);
    expect(es[1]!.payload.lines[0]!.line).toBe(LINES_PER_ENTRY + 1);
    for (const e of es) {
      expect(e).toMatchObject({
        kind: 'account_evidence',
        payload: { incident_id: 'inc-1', run_id: 'run-1', account_id: 'm-1', fields: ['name', 'phone'], first_access: '2025-06-24T00:00:00.000Z', last_access: '2025-06-25T00:00:00.000Z', accesses: 3 },
      });
    }
  });

  it('keeps file, line and hash of each line, a line not read back with a null hash', () => {
    const [e] = [...accountEvidenceEntries('inc-1', 'run-1', acc, lines(3))];
    expect(e!.payload.lines).toEqual([
      { file: 'a.ndjson', line: 1, sha256: '0'.repeat(64) },
      { file: 'a.ndjson', line: 2, sha256: null },
      { file: 'a.ndjson', line: 3, sha256: '2'.padStart(64, '0') },
    ]);
  });

  it('an account without lines still gets one entry', () => {
    const es = [...accountEvidenceEntries('inc-1', 'run-1', acc, [])];
    expect(es.map((e) => [e.payload.part, e.payload.parts, e.payload.lines])).toEqual([[1, 1, []]]);
  });
});
