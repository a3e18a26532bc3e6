/**
 * One person's notice, start to end, synchronously: the wording in their locale, the email
 * message (see compose.ts), its file under `eml/` (0600, written here in the background until
 * {@link NoticeRenderer.written}), its SHA-256, and its
 * mail-merge row already formatted for both files — all but the last column, the evidence
 * index, which only the main thread knows (it appends entries in order). A render thread
 * (render-worker.ts) holds one {@link NoticeRenderer}.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFile } from 'node:fs';
import { dirname, join } from 'node:path';
import { toRfc3339 } from '../../model/index.js';
import { composeMessage, domainOf } from '../mail/index.js';
import { ContentBuilder } from './content.js';
import { textFor, type IncidentInfo } from './incident-info.js';
import type { NoticeKit } from './kit.js';
import { emlPath, messageIdOf, noticeId } from './notice-id.js';
import { csvRecord, MERGE_COLUMNS, type MergeRow } from './render-folder.js';
import type { NoticeChannel, PlannedNotice } from './types.js';

/** A mail-merge row without its evidence index. */
export type RowBody = Omit<MergeRow, 'evidence_index'>;

/** A rendered notice: its row, and the row's text in both files up to the evidence index. */
export interface RenderedRow {
  readonly row: RowBody;
  /** The CSV line without its last cell and line end (`,<index>\n` completes it). */
  readonly csv: string;
  /** The NDJSON object without its closing brace (`,"evidence_index":<index>}\n` completes it). */
  readonly json: string;
}

const COLUMNS = MERGE_COLUMNS.filter((c): c is Exclude<typeof c, 'evidence_index'> => c !== 'evidence_index');

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** Renders notices into the render folder `dir` (which exists). */
export class NoticeRenderer {
  private readonly content: ContentBuilder;
  private readonly domain: string;
  private readonly madeDirs = new Set<string>();
  /** Message files being written since the last {@link written}. */
  private writing: Promise<void>[] = [];

  constructor(private readonly kit: NoticeKit, private readonly incident: IncidentInfo, private readonly now: Date, private readonly dir: string) {
    this.content = new ContentBuilder(kit, incident, now.getTime());
    this.domain = domainOf(incident.sender.email);
  }

  /** Renders `n`, writing its message file when it goes by email. */
  render(n: PlannedNotice): RenderedRow {
    const { incident, kit, content } = this;
    const c = n.contact;
    const locale = kit.localeFor(c?.locale ?? '');
    const channel: NoticeChannel = c === undefined ? 'posting' : c.email !== '' ? 'email' : c.phone !== '' ? 'sms' : 'posting';
    const template = content.templateFor(locale);
    const id = noticeId(incident.id, n.account_id, n.kind, n.fields);
    const messageId = messageIdOf(id, incident.id, this.domain);
    const r = content.renderBytes(n, locale);
    let eml = '';
    let hash = '';
    let bytes = 0;
    if (channel === 'email') {
      const raw = composeMessage({
        from: { name: textFor(incident.sender.name, locale), address: incident.sender.email },
        to: { name: c!.name, address: c!.email }, subject: r.subject, text: r.text, html: r.html, messageId, date: this.now,
        headers: { 'X-Breachwatch-Notice': id, 'X-Breachwatch-Incident': incident.id },
      });
      eml = emlPath(id);
      this.write(eml, raw);
      hash = sha256(raw);
      bytes = raw.length;
    } else if (channel === 'sms') {
      hash = sha256(r.sms);
      bytes = Buffer.byteLength(r.sms);
    }
    const row: RowBody = {
      notice_id: id, message_id: messageId, kind: n.kind, reason: n.reason, account_id: n.account_id, locale,
      template: `${template.template}/${template.locale}@${template.version}`, channel,
      name: c?.name ?? '', email: c?.email ?? '', phone: c?.phone ?? '', subject: r.subject,
      fields: content.labelsFor(locale, n.fields).join(';'), field_names: n.fields.join(';'),
      new_fields: content.labelsFor(locale, n.new_fields).join(';'),
      first_access: toRfc3339(n.first_access), last_access: toRfc3339(n.last_access),
      eml, sha256: hash, bytes, sms_text: channel === 'sms' ? r.sms : '',
    };
    // The evidence index is the last column (and key): the main thread appends it.
    return { row, csv: csvRecord(COLUMNS.map((k) => row[k])), json: JSON.stringify(row).slice(0, -1) };
  }

  /**
   * Resolves when every message file rendered since the last call is written (rejects with the
   * first that could not be). A batch's rows are answered only after this.
   */
  async written(): Promise<void> {
    const w = this.writing;
    this.writing = [];
    await Promise.all(w);
  }

  /**
   * Starts writing one message file. The writes of a batch run on libuv's threads while the
   * rendering goes on: creating a file is a kernel-side cost of its own (see docs/NOTICES.md),
   * which one at a time would stall the render thread on every person.
   */
  private write(rel: string, bytes: Buffer): void {
    const d = dirname(rel);
    if (!this.madeDirs.has(d)) {
      mkdirSync(join(this.dir, d), { recursive: true, mode: 0o700 });
      this.madeDirs.add(d);
    }
    const w = new Promise<void>((resolve, reject) => {
      writeFile(join(this.dir, rel), bytes, { mode: 0o600 }, (e) => { if (e === null) resolve(); else reject(e); });
    });
    w.catch(() => undefined); // awaited in written(); a render that fails before then must not leave it unhandled
    this.writing.push(w);
  }
}
