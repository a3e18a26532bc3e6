/**
 * One person's notice, start to end, synchronously: the wording in their locale, the email
 * message (see compose.ts), its SHA-256, the message stored — appended to the batch's block of
 * mbox text ({@link RenderedBatch.mbox}, which the main thread appends to `notices.mbox`), or
 * written to its own file under `eml/` (0600, in the background until
 * the batch is answered) — and its mail-merge row already formatted for both files, all but
 * the columns only the main thread knows (the message's offset in the mbox, and the evidence
 * index: it appends the batches and entries in order). What goes back to the main thread is
 * kept to that text and a few facts: a row object per notice cost more to copy between the
 * threads than the text. A render thread (render-worker.ts) holds one {@link NoticeRenderer}.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFile } from 'node:fs';
import { dirname, join } from 'node:path';
import { toRfc3339 } from '../../model/index.js';
import { ByteBlock, composeInto, domainOf, MBOX_TRAILER, mboxFromLine, mboxrdQuote } from '../mail/index.js';
import { ContentBuilder } from './content.js';
import { textFor, type IncidentInfo } from './incident-info.js';
import type { NoticeKit } from './kit.js';
import { emlPath, messageIdOf, noticeId } from './notice-id.js';
import { csvRecord, RENDER_FILES, THREAD_COLUMNS, type MergeRow } from './render-folder.js';
import type { MessageFormat, NoticeChannel, PlannedNotice } from './types.js';

/** A mail-merge row without the columns the main thread fills in. */
type RowBody = Omit<MergeRow, 'message_offset' | 'evidence_index'>;

/** What a `notice_rendered` evidence entry records of a notice besides what {@link RenderedRow} has. */
export type NoticeFacts = Pick<MergeRow, 'notice_id' | 'message_id' | 'account_id' | 'kind' | 'reason' | 'template' | 'sha256'>;

/** A rendered notice: what the main thread counts, and its row's text in both files up to `message_offset`. */
export interface RenderedRow {
  readonly channel: NoticeChannel;
  readonly locale: string;
  /** Bytes of the message (email) or the SMS text (sms); 0 for posting. */
  readonly bytes: number;
  /**
   * Where the message starts in its batch's {@link RenderedBatch.mbox} (the main thread adds
   * where the batch lands in `notices.mbox`); 0 for an `.eml` and without a message.
   */
  readonly offset: number;
  /** The row's `message_length`. */
  readonly length: number;
  /** With the renderer's `facts` (a render that records evidence). */
  readonly facts?: NoticeFacts;
  /** The CSV line up to `message_file` (`,<offset>,<length>,<index>\n` completes it). */
  readonly csv: string;
  /** The NDJSON object up to `message_file`, without its closing brace. */
  readonly json: string;
}

/** A batch of rendered notices. */
export interface RenderedBatch {
  readonly rows: readonly RenderedRow[];
  /** Format `mbox`: the batch's messages in mbox form (separator, quoted message, empty line each), in row order. */
  readonly mbox: Uint8Array | undefined;
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** A batch block's first size: a batch of 128 messages of 13–16 KB fits without growing. */
const BLOCK_BYTES = 4 << 20;

/** Written blocks kept to be written again (a thread has at most a few batches in flight). */
const SPARE_BLOCKS = 8;

/** Renders notices into the render folder `dir` (which exists), storing messages in `format`. */
export class NoticeRenderer {
  private readonly content: ContentBuilder;
  private readonly domain: string;
  private readonly madeDirs = new Set<string>();
  private readonly fromLine: Buffer;
  private readonly trailer = Buffer.from(MBOX_TRAILER, 'latin1');
  /** Message files of the batch being rendered. */
  private writing: Promise<void>[] = [];
  /** The batch's messages (format `mbox`: in mbox form), composed one after another. */
  private block = new ByteBlock(BLOCK_BYTES);
  /** Blocks' memory handed back once written (see {@link recycle}). */
  private readonly spare: ArrayBuffer[] = [];
  /** A person's bodies in UTF-8, emptied for every person. */
  private readonly scratch = new ByteBlock(1 << 15);

  /** `facts`: answer each row's {@link NoticeFacts} too. */
  constructor(private readonly kit: NoticeKit, private readonly incident: IncidentInfo, private readonly opts: { readonly now: Date; readonly dir: string; readonly format: MessageFormat; readonly facts: boolean }) {
    this.content = new ContentBuilder(kit, incident, opts.now.getTime());
    this.domain = domainOf(incident.sender.email);
    this.fromLine = Buffer.from(mboxFromLine(incident.sender.email, opts.now), 'latin1');
  }

  /**
   * Renders a batch: its rows, and (format `mbox`) its block of mbox text in one buffer that
   * owns its memory (a thread hands it over without a copy). Format `eml` resolves once every
   * message file of the batch is written (rejects with the first that could not be). Batches
   * may overlap: each takes what it rendered before its first wait.
   */
  async renderBatch(notices: readonly PlannedNotice[]): Promise<RenderedBatch> {
    const rows = notices.map((n) => this.render(n));
    // The .eml files being written hold views of the block: it is never reused, only replaced.
    const block = this.takeBlock();
    const mbox = this.opts.format === 'mbox' ? block : undefined;
    const writing = this.writing;
    this.writing = [];
    await Promise.all(writing);
    return { rows, mbox };
  }

  /** Renders `n`, storing its message when it goes by email. */
  private render(n: PlannedNotice): RenderedRow {
    const { incident, kit, content } = this;
    const c = n.contact;
    const locale = kit.localeFor(c?.locale ?? '');
    const channel: NoticeChannel = c === undefined ? 'posting' : c.email !== '' ? 'email' : c.phone !== '' ? 'sms' : 'posting';
    const template = content.templateFor(locale);
    const id = noticeId(incident.id, n.account_id, n.kind, n.fields);
    const messageId = messageIdOf(id, incident.id, this.domain);
    this.scratch.length = 0;
    const r = content.renderBytes(n, locale, this.scratch);
    let file = '';
    let offset = 0;
    let length = 0;
    let hash = '';
    let bytes = 0;
    if (channel === 'email') {
      const { block } = this;
      const mbox = this.opts.format === 'mbox';
      if (mbox) block.append(this.fromLine);
      const start = composeInto({
        from: { name: textFor(incident.sender.name, locale), address: incident.sender.email },
        to: { name: c!.name, address: c!.email }, subject: r.subject, text: r.text, html: r.html, messageId, date: this.opts.now,
        headers: { 'X-Breachwatch-Notice': id, 'X-Breachwatch-Incident': incident.id },
      }, block);
      const raw = block.view(start);
      hash = sha256(raw);
      bytes = raw.length;
      if (mbox) {
        file = RENDER_FILES.mbox;
        const stored = mboxrdQuote(raw);
        if (stored !== raw) {
          block.length = start;
          block.append(stored);
        }
        offset = start;
        length = stored.length;
        block.append(this.trailer);
      } else {
        file = emlPath(id);
        length = bytes;
        this.write(file, raw);
      }
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
      sha256: hash, bytes, sms_text: channel === 'sms' ? r.sms : '', message_file: file, message_length: length,
    };
    const json = JSON.stringify(row);
    const facts: NoticeFacts | undefined = this.opts.facts
      ? { notice_id: id, message_id: messageId, account_id: n.account_id, kind: n.kind, reason: n.reason, template: row.template, sha256: hash }
      : undefined;
    return {
      channel, locale, bytes, offset, length, ...(facts !== undefined && { facts }), csv: csvRecord(THREAD_COLUMNS.map((k) => row[k])),
      // JSON.stringify keeps the key order above: message_length is last, and the main thread writes it again after the offset.
      json: json.slice(0, json.lastIndexOf(',"message_length":')),
    };
  }

  /**
   * Takes back the memory of a batch's mbox block once the main thread has written it, to
   * compose later batches into: a fresh block per batch, handed to the main thread and
   * dropped there, made its collector run a full collection every few dozen batches.
   */
  recycle(memory: ArrayBuffer): void {
    if (this.spare.length < SPARE_BLOCKS) this.spare.push(memory);
  }

  /** The messages composed since the last call (in memory of their own), and a block for the next batch. */
  private takeBlock(): Buffer {
    const done = this.block.view();
    const memory = this.opts.format === 'mbox' ? this.spare.pop() : undefined;
    this.block = new ByteBlock(BLOCK_BYTES, memory);
    return done;
  }

  /**
   * Starts writing one message file. The writes of a batch run on libuv's threads while the
   * rendering goes on: creating a file is a kernel-side cost of its own (see docs/NOTICES.md),
   * which one at a time would stall the render thread on every person.
   */
  private write(rel: string, bytes: Buffer): void {
    const d = dirname(rel);
    if (!this.madeDirs.has(d)) {
      mkdirSync(join(this.opts.dir, d), { recursive: true, mode: 0o700 });
      this.madeDirs.add(d);
    }
    const w = new Promise<void>((resolve, reject) => {
      writeFile(join(this.opts.dir, rel), bytes, { mode: 0o600 }, (e) => { if (e === null) resolve(); else reject(e); });
    });
    w.catch(() => undefined); // awaited in renderBatch(); a render that fails before then must not leave it unhandled
    this.writing.push(w);
  }
}
