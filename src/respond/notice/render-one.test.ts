/**
 * One notice start to end (what each render thread does), on the calling thread and on a pool
 * of two: the message file parses back with the person's own fields, the mail-merge text
 * completed with offset, length and evidence index is exactly the full row in CSV and JSON,
 * files are 0600, a batch's mbox block holds each message at the offset and length its row
 * names, and the pool answers the same rows and bytes, in order, as the calling thread.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIncidentFile } from './incident-info.js';
import { loadNoticeKit, type NoticeKit } from './kit.js';
import { MERGE_COLUMNS, type MergeRow } from './render-folder.js';
import { mboxrdUnquote } from '../mail/index.js';
import type { RenderedRow } from './render-one.js';
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

/** The full mail-merge row a rendered row's text completes to (what the main thread writes). */
function fullRow(r: RenderedRow, evidenceIndex = -1): MergeRow {
  return JSON.parse(`${r.json},"message_offset":${r.offset},"message_length":${r.length},"evidence_index":${evidenceIndex}}`) as MergeRow;
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
    const r = startRenderer(kit, incident, { now: new Date('2025-11-20T00:00:00Z'), dir: out, format: 'eml', facts: true, threads: 0 });
    const { rows: rendered, mbox } = await r.render(notices);
    expect(mbox).toBeUndefined();
    expect(rendered.map((x) => x.channel)).toEqual(['email', 'email', 'sms', 'posting']);
    const rows = rendered.map((x, i) => ({ row: fullRow(x, 10 + i), x }));
    for (const [i, { row, x }] of rows.entries()) {
      expect(`${x.csv},${x.offset},${x.length},${10 + i}\n`).toBe(stringify([MERGE_COLUMNS.map((c) => row[c])]));
      // What the main thread counts and records is the row's own.
      expect({ channel: x.channel, locale: x.locale, bytes: x.bytes, length: x.length }).toEqual({ channel: row.channel, locale: row.locale, bytes: row.bytes, length: row.message_length });
      expect(x.facts).toEqual({ notice_id: row.notice_id, message_id: row.message_id, account_id: row.account_id, kind: row.kind, reason: row.reason, template: row.template, sha256: row.sha256 });
    }
    const ko = rows[0]!.row;
    expect(ko.message_file).toMatch(/^eml\/[0-9a-f]{2}\/n-[0-9a-f]{24}\.eml$/);
    expect(rows[2]!.row).toMatchObject({ message_file: '', message_length: 0 });
    const file = join(out, ko.message_file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const raw = await readFile(file);
    expect(ko.bytes).toBe(raw.length);
    expect(ko.message_length).toBe(raw.length);
    const m = await simpleParser(raw);
    expect(m.messageId).toBe(ko.message_id);
    expect(m.subject).toBe(ko.subject);
    // Only the person's own fields, by label, in both parts.
    for (const label of ko.fields.split(';')) {
      expect(m.text).toContain(label);
      expect(m.html).toContain(label);
    }
    expect(m.text).toContain('김테스트');
    const en = await simpleParser(await readFile(join(out, rows[1]!.row.message_file)));
    expect(en.html).toContain('Doe, &quot;Test&quot; Person');
    expect(Array.isArray(en.to) ? undefined : en.to?.value[0]).toEqual({ name: 'Doe, "Test" Person', address: 'doe@test.example.org' });
    await r.close();
  });

  it('puts a batch\'s messages in one mbox block, each where its row says, the same bytes as the .eml', async () => {
    const now = new Date('2025-11-20T00:00:00Z');
    const eml = await startRenderer(kit, incident, { now, dir: join(dir, 'eml'), format: 'eml', facts: false, threads: 0 }).render(notices);
    const emlRows = eml.rows.map((x) => ({ row: fullRow(x) }));
    const { rows: rendered, mbox } = await startRenderer(kit, incident, { now, dir: join(dir, 'mbox'), format: 'mbox', facts: false, threads: 0 }).render(notices);
    const rows = rendered.map((x) => ({ row: fullRow(x), offset: x.offset, facts: x.facts }));
    expect(rows.every((x) => x.facts === undefined)).toBe(true);
    const block = Buffer.from(mbox!);
    const text = block.toString('latin1');
    // Two messages: each a From_ line with the envelope sender and the render's time, the message, an empty line.
    const starts = [...text.matchAll(/^From (\S+) (.+)\r\n/gm)];
    expect(starts.map((m) => [m.index, m[1], m[2]])).toEqual([
      [0, incident.sender.email, 'Thu Nov 20 00:00:00 2025'], [expect.any(Number), incident.sender.email, 'Thu Nov 20 00:00:00 2025'],
    ]);
    expect(rows.map((x) => x.row.message_file)).toEqual(['notices.mbox', 'notices.mbox', '', '']);
    for (const [i, { row, offset }] of rows.slice(0, 2).entries()) {
      expect(offset).toBe(starts[i]!.index + starts[i]![0].length);
      const stored = block.subarray(offset, offset + row.message_length);
      const raw = mboxrdUnquote(stored);
      expect(raw.equals(await readFile(join(dir, 'eml', emlRows[i]!.row.message_file)))).toBe(true);
      expect(createHash('sha256').update(raw).digest('hex')).toBe(row.sha256);
      expect(block.toString('latin1', offset + row.message_length, offset + row.message_length + 2)).toBe('\r\n');
      expect((await simpleParser(raw)).messageId).toBe(row.message_id);
    }
    expect(starts[1]!.index).toBe(rows[0]!.offset + rows[0]!.row.message_length + 2);
    expect(block.length).toBe(rows[1]!.offset + rows[1]!.row.message_length + 2);
    // Everything but where the message is kept is the same row as in format eml.
    const same = (r: MergeRow): object => ({ ...r, message_file: '', message_offset: 0, message_length: 0 });
    expect(rows.map((x) => same(x.row))).toEqual(emlRows.map((x) => same(x.row)));
  });

  it('renders the same rows and bytes, in order, on two threads as on the calling thread', async () => {
    const now = new Date('2025-11-20T00:00:00Z');
    const many = Array.from({ length: 40 }, (_, i) => notices[i % notices.length]!).map((n, i) => ({ ...n, account_id: `m-${String(i).padStart(4, '0')}` }));
    const batches = [many.slice(0, 15), many.slice(15, 16), many.slice(16)];
    for (const format of ['eml', 'mbox'] as const) {
      const inline = startRenderer(kit, incident, { now, dir: join(dir, `a-${format}`), format, facts: true, threads: 0 });
      const pool = startRenderer(kit, incident, { now, dir: join(dir, `b-${format}`), format, facts: true, threads: 2 });
      try {
        const fromPool = await Promise.all(batches.map((b) => pool.render(b)));
        const fromInline = await Promise.all(batches.map((b) => inline.render(b)));
        expect(fromPool.map((b) => b.rows)).toEqual(fromInline.map((b) => b.rows));
        expect(fromPool.map((b) => b.mbox && Buffer.from(b.mbox).toString('base64'))).toEqual(fromInline.map((b) => b.mbox && Buffer.from(b.mbox).toString('base64')));
        if (format === 'eml') {
          const file = fromPool[0]!.rows.map((x) => fullRow(x)).find((x) => x.message_file !== '')!.message_file;
          expect((await readFile(join(dir, 'b-eml', file))).equals(await readFile(join(dir, 'a-eml', file)))).toBe(true);
        } else {
          // The one-notice batch is a posting: an empty block.
          expect(fromPool.map((b) => b.mbox!.byteLength > 0)).toEqual([true, false, true]);
        }
      } finally {
        await pool.close();
      }
      await expect(pool.render(many)).rejects.toMatchObject({ code: 'ERR_INTERNAL' });
    }
    expect(() => startRenderer(kit, incident, { now, dir, format: 'mbox', facts: false, threads: -1 })).toThrow(/threads/);
  });
});
