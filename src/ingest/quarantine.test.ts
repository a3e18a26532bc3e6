// Tests for the quarantine writer.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QuarantineWriter } from './quarantine.js';

describe('QuarantineWriter', () => {
  it('writes one NDJSON record per line and counts per reason', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bw-q-')), 'q.ndjson');
    const q = new QuarantineWriter(path);
    q.write({ file: 'a.ndjson', line: 3, reason: 'bad_json', message: 'Unexpected end', excerpt: '{"time":' });
    q.write({ file: 'a.ndjson', line: 9, reason: 'bad_json', message: 'x', excerpt: 'y'.repeat(500) });
    q.write({ file: 'b.ndjson', line: 1, reason: 'bad_time', message: 'z', excerpt: '{}' });
    await q.close();
    const recs = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(recs[0]).toEqual({ file: 'a.ndjson', line: 3, reason: 'bad_json', message: 'Unexpected end', excerpt: '{"time":' });
    expect((recs[1]!['excerpt'] as string).length).toBe(200);
    expect(q.byReason()).toEqual({ bad_json: 2, bad_time: 1 });
    expect(q.count).toBe(3);
  });

  it('keeps records in memory without a path', () => {
    const q = new QuarantineWriter();
    q.write({ file: 'f', line: 1, reason: 'bad_utf8', message: 'm', excerpt: 'e' });
    expect(q.records).toHaveLength(1);
  });
});
