/** Journal: records round-trip (raw lines kept verbatim), torn tails are ignored, rotation trims. */
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAccessLine } from '../ingest/index.js';
import type { AccessEvent } from '../model/index.js';
import { Journal, decodeRecord, encodeRecord } from './journal.js';

const line = '{"time":"2025-06-24T03:12:45.123Z","request_id":"r-1","src_ip":"203.0.113.7","method":"GET","route":"/v1/x","status":200}';
const access = (): AccessEvent => {
  const r = parseAccessLine(line, { file: 'http-access:1', line: 3 });
  if (!r.ok) throw new Error('fixture');
  return r.value;
};
let dir = '';
afterEach(async () => { if (dir !== '') await rm(dir, { recursive: true, force: true }); });

describe('Journal', () => {
  it('encodes and decodes a record, verbatim lines included', () => {
    const e = access();
    const { raw: _raw, ...rest } = e;
    const noRaw: AccessEvent = { ...rest, request_id: 'r-2' };
    const rec = { seq: 4, groups: [{ source: 'http-access', key: 'nats:S:9', access: [e, noRaw], ledger: [] }] };
    const back = decodeRecord(encodeRecord(rec).trim());
    expect(back?.seq).toBe(4);
    expect(back?.groups[0]?.key).toBe('nats:S:9');
    expect(back?.groups[0]?.access.map((a) => [a.t, a.request_id, a.ref.file, a.ref.line])).toEqual([
      [e.t, 'r-1', 'http-access:1', 3], [e.t, 'r-2', 'http-access:1', 3],
    ]);
  });

  it('reads records after a seq, stops at a torn line, and drops old segments on rotation', async () => {
    dir = await mkdtemp(join(tmpdir(), 'bw-journal-'));
    const j = new Journal(dir);
    await j.rotate(1);
    for (let s = 1; s <= 3; s++) await j.append({ seq: s, groups: [{ source: 'a', access: [access()], ledger: [] }] });
    await appendFile(join(dir, 'journal-000000000001.ndjson'), '{"v":2,"seq":4,"g":');
    expect((await j.readAfter(1)).map((r) => r.seq)).toEqual([2, 3]);
    await j.rotate(4);
    expect(await readdir(dir)).toEqual(['journal-000000000004.ndjson']);
    await j.close();
  });

  it('refuses a whole record of another format version', () => {
    const v1 = '{"seq":5,"ab":10,"g":[]}';
    expect(() => decodeRecord(v1)).toThrow(expect.objectContaining({ code: 'ERR_STATE' }));
    expect(() => decodeRecord(v1)).toThrow(/format version 1; this build reads version 2/);
  });
});
