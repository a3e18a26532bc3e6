/**
 * One notice start to end (what each render thread does), on the calling thread and on a pool
 * of two: the message file parses back with the person's own fields, the mail-merge text
 * completed with an evidence index is exactly the full row in CSV and JSON, files are 0600,
 * and the pool answers the same rows, in order, as the calling thread.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIncidentFile } from './incident-info.js';
import { loadNoticeKit, type NoticeKit } from './kit.js';
import { MERGE_COLUMNS, type MergeRow } from './render-folder.js';
import { startRenderer } from './render-pool.js';
import type { IncidentInfo } from './incident-info.js';
import type { PlannedNotice } from './types.js';

const FIX = new URL('../../../test/fixtures/notice/', import.meta.url).pathname;
let dir: string;
let incident: IncidentInfo;
let kit: NoticeKit;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-render-one-'));
  incident = await loadIncidentFile(join(FIX, 'incident.yaml'));
  kit = await loadNoticeKit(incident);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const T0 = Date.parse('2025-06-24T00:00:00Z');
function planned(i: number, contact: Partial<PlannedNotice['contact'] & object> | undefined, fields: string[]): PlannedNotice {
  return {
    kind: 'initial', reason: 'first', account_id: `m-${String(i).padStart(4, '0')}`, fields, new_fields: [],
    first_access: T0 + i, last_access: T0 + i + 3_600_000,
    contact: contact === undefined ? undefined : { account_id: `m-${i}`, name: '', email: '', phone: '', locale: '', ...contact },
  };
}

const notices = [
  planned(1, { name: '김테스트', email: 'kim@test.example.org', locale: 'ko' }, ['address', 'entrance_code', 'name']),
  planned(2, { name: 'Doe, "Test" Person', email: 'doe@test.example.org', locale: 'en' }, ['email', 'phone']),
  planned(3, { name: '박문자', phone: '010-0000-0003', locale: 'ko' }, ['phone']),
  planned(4, undefined, ['name']),
];

describe('NoticeRenderer', () => {
  it('writes a message that parses back and mail-merge text that completes to the full row', async () => {
    const out = join(dir, 'inline');
    const r = startRenderer(kit, incident, { now: new Date('2025-11-20T00:00:00Z'), dir: out, threads: 0 });
    const rows = await r.render(notices);
    expect(rows.map((x) => x.row.channel)).toEqual(['email', 'email', 'sms', 'posting']);
    for (const [i, { row, csv, json }] of rows.entries()) {
      const full: MergeRow = { ...row, evidence_index: 10 + i };
      expect(`${csv},${10 + i}\n`).toBe(stringify([MERGE_COLUMNS.map((c) => full[c])]));
      expect(`${json},"evidence_index":${10 + i}}`).toBe(JSON.stringify(full));
    }
    const ko = rows[0]!.row;
    const file = join(out, ko.eml);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const raw = await readFile(file);
    expect(ko.bytes).toBe(raw.length);
    const m = await simpleParser(raw);
    expect(m.messageId).toBe(ko.message_id);
    expect(m.subject).toBe(ko.subject);
    // Only the person's own fields, by label, in both parts.
    for (const label of ko.fields.split(';')) {
      expect(m.text).toContain(label);
      expect(m.html).toContain(label);
    }
    expect(m.text).toContain('김테스트');
    const en = await simpleParser(await readFile(join(out, rows[1]!.row.eml)));
    expect(en.html).toContain('Doe, &quot;Test&quot; Person');
    expect(Array.isArray(en.to) ? undefined : en.to?.value[0]).toEqual({ name: 'Doe, "Test" Person', address: 'doe@test.example.org' });
    await r.close();
  });

  it('renders the same rows, in order, on two threads as on the calling thread', async () => {
    const now = new Date('2025-11-20T00:00:00Z');
    const many = Array.from({ length: 40 }, (_, i) => notices[i % notices.length]!).map((n, i) => ({ ...n, account_id: `m-${String(i).padStart(4, '0')}` }));
    const inline = startRenderer(kit, incident, { now, dir: join(dir, 'a'), threads: 0 });
    const pool = startRenderer(kit, incident, { now, dir: join(dir, 'b'), threads: 2 });
    try {
      const batches = [many.slice(0, 15), many.slice(15, 16), many.slice(16)];
      const fromPool = (await Promise.all(batches.map((b) => pool.render(b)))).flat();
      const fromInline = (await Promise.all(batches.map((b) => inline.render(b)))).flat();
      expect(fromPool).toEqual(fromInline);
      const eml = fromPool.find((x) => x.row.eml !== '')!.row.eml;
      expect((await readFile(join(dir, 'b', eml))).equals(await readFile(join(dir, 'a', eml)))).toBe(true);
    } finally {
      await pool.close();
    }
    await expect(pool.render(many)).rejects.toMatchObject({ code: 'ERR_INTERNAL' });
    expect(() => startRenderer(kit, incident, { now, dir, threads: -1 })).toThrow(/threads/);
  });
});
