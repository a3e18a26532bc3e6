/**
 * The folder a render writes (`--out DIR`; see docs/NOTICES.md): the email messages — all in
 * one `notices.mbox` (format `mbox`, written here in large appends) or one `.eml` each under
 * `eml/` (format `eml`, written by the render threads) — the mail-merge file in two forms
 * (`mail-merge.csv`, `mail-merge.ndjson`; each email row names its message by file, byte
 * offset and length), the website posting pages, the quarantine, and `manifest.json` last — a
 * folder without a manifest is an unfinished render, and `notice send` refuses it. Everything
 * is 0600 in a 0700 folder: it holds the personal data of every person it notifies.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { BreachwatchError } from '../../model/index.js';
import type { MessageFormat, NoticeChannel, NoticeKind, NoticeReason } from './types.js';

/** Version of the folder's format (manifest and mail-merge columns; 2: messages by file, offset and length). */
export const RENDER_FORMAT_VERSION = 2;

/** One notice in the mail-merge file. Lists are `;`-separated in the CSV. */
export interface MergeRow {
  readonly notice_id: string;
  readonly message_id: string;
  readonly kind: NoticeKind;
  readonly reason: NoticeReason;
  readonly account_id: string;
  readonly locale: string;
  readonly template: string;
  readonly channel: NoticeChannel;
  readonly name: string;
  readonly email: string;
  readonly phone: string;
  readonly subject: string;
  /** Labels of the person's own fields, in their locale. */
  readonly fields: string;
  /** The catalog names of the same fields. */
  readonly field_names: string;
  readonly new_fields: string;
  readonly first_access: string;
  readonly last_access: string;
  /** SHA-256 of the message (email) or of the SMS text (sms); empty for posting. */
  readonly sha256: string;
  /** Bytes of the message (email; what is sent and hashed) or of the SMS text (sms). */
  readonly bytes: number;
  readonly sms_text: string;
  /** The file holding the message (email channel), relative to the folder (`notices.mbox` or `eml/…`), else empty. */
  readonly message_file: string;
  /** Where the message starts in that file (0 for an `.eml`, and without a message). */
  readonly message_offset: number;
  /** Bytes it takes there (in an mbox, with its mboxrd quoting; 0 without a message). */
  readonly message_length: number;
  /** The `notice_rendered` entry in the evidence log, or -1 without one. */
  readonly evidence_index: number;
}

/** The mail-merge columns, in order. */
export const MERGE_COLUMNS = [
  'notice_id', 'message_id', 'kind', 'reason', 'account_id', 'locale', 'template', 'channel', 'name', 'email', 'phone',
  'subject', 'fields', 'field_names', 'new_fields', 'first_access', 'last_access', 'sha256', 'bytes', 'sms_text',
  'message_file', 'message_offset', 'message_length', 'evidence_index',
] as const satisfies readonly (keyof MergeRow)[];

/** The columns a render thread formats (the main thread appends offset, length and evidence index, which only it knows). */
export const THREAD_COLUMNS = MERGE_COLUMNS.slice(0, MERGE_COLUMNS.indexOf('message_offset')) as Exclude<(typeof MERGE_COLUMNS)[number], 'message_offset' | 'message_length' | 'evidence_index'>[];

/** Names of the folder's files. */
export const RENDER_FILES = {
  manifest: 'manifest.json', csv: 'mail-merge.csv', ndjson: 'mail-merge.ndjson', quarantine: 'quarantine.ndjson', mbox: 'notices.mbox',
} as const;

const FLUSH_AT = 1 << 16;

/** A cell csv-stringify quotes with its defaults: one holding a quote, a comma or a line break. */
const NEEDS_QUOTES = /[",\n\r]/;

/**
 * One CSV record (no line end) as csv-stringify writes it with its defaults — a cell holding
 * a quote, a comma or a line break quoted, its quotes doubled — for the hot path of the
 * render, where csv-stringify's option handling per row cost more than the rest of the row.
 */
export function csvRecord(cells: readonly (string | number)[]): string {
  let out = '';
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    const s = typeof c === 'number' ? String(c) : NEEDS_QUOTES.test(c) ? `"${c.replaceAll('"', '""')}"` : c;
    out += i === 0 ? s : `,${s}`;
  }
  return out;
}

/** A file written in large chunks, honouring backpressure. */
class ChunkedFile {
  private buf = '';
  private readonly out: WriteStream;
  private failure: Error | undefined;
  /** Bytes handed to the file so far (its size once written). */
  private size = 0;

  constructor(path: string) {
    this.out = createWriteStream(path, { mode: 0o600 });
    this.out.on('error', (e) => { this.failure = e; });
  }

  async write(s: string): Promise<void> {
    this.buf += s;
    if (this.buf.length >= FLUSH_AT) await this.push();
  }

  /**
   * Appends `bytes` (already a large block) after what is buffered; returns the offset it
   * starts at. `written` is called once the bytes are in the file (not before: until then the
   * memory must not change).
   */
  async append(bytes: Uint8Array, written?: () => void): Promise<number> {
    await this.push();
    if (this.failure !== undefined) throw this.failure;
    const at = this.size;
    this.size += bytes.byteLength;
    if (!this.out.write(bytes, (e) => { if (e == null) written?.(); })) await once(this.out, 'drain');
    return at;
  }

  private async push(): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (this.buf === '') return;
    this.size += Buffer.byteLength(this.buf);
    const ok = this.out.write(this.buf);
    this.buf = '';
    if (!ok) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    await this.push();
    this.out.end();
    await once(this.out, 'close');
    if (this.failure !== undefined) throw this.failure;
  }
}

/** A render folder being written. */
export class RenderFolder {
  private readonly csv: ChunkedFile;
  private readonly ndjson: ChunkedFile;
  private readonly mbox: ChunkedFile | undefined;

  private constructor(readonly dir: string, readonly format: MessageFormat) {
    this.csv = new ChunkedFile(join(dir, RENDER_FILES.csv));
    this.ndjson = new ChunkedFile(join(dir, RENDER_FILES.ndjson));
    this.mbox = format === 'mbox' ? new ChunkedFile(join(dir, RENDER_FILES.mbox)) : undefined;
  }

  /**
   * Creates `dir` (or takes an empty one; a quarantine file is allowed) for messages in `format`.
   * @throws BreachwatchError `ERR_USAGE` when it holds anything else.
   */
  static async create(dir: string, format: MessageFormat): Promise<RenderFolder> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // The caller may have opened the quarantine inside already (it comes before the render).
    if ((await readdir(dir)).some((n) => n !== RENDER_FILES.quarantine)) throw new BreachwatchError('ERR_USAGE', `--out ${dir} is not empty (a render writes a new folder)`);
    const f = new RenderFolder(dir, format);
    await f.csv.write(stringify([MERGE_COLUMNS]));
    return f;
  }

  /**
   * Appends a batch of messages, already in mbox form (see `RenderedBatch` in render-one.ts), to
   * `notices.mbox`; returns the offset the batch starts at. `written` is called once they are
   * in the file.
   */
  async appendMessages(mbox: Uint8Array, written?: () => void): Promise<number> {
    if (this.mbox === undefined) throw new BreachwatchError('ERR_INTERNAL', `a render in format ${this.format} has no ${RENDER_FILES.mbox}`);
    return this.mbox.append(mbox, written);
  }

  /**
   * Appends one notice to both mail-merge files, given as its CSV line and NDJSON object up to
   * `message_offset` (see `RenderedRow` in render-one.ts), and the three columns only the main
   * thread knows.
   */
  async addRow(csv: string, json: string, last: { readonly offset: number; readonly length: number; readonly evidenceIndex: number }): Promise<void> {
    await this.csv.write(`${csv},${last.offset},${last.length},${last.evidenceIndex}\n`);
    await this.ndjson.write(`${json},"message_offset":${last.offset},"message_length":${last.length},"evidence_index":${last.evidenceIndex}}\n`);
  }

  /** Writes a small file whole (posting pages). */
  async writeText(name: string, text: string): Promise<void> {
    await writeFile(join(this.dir, name), text, { mode: 0o600 });
  }

  /** Closes the message and mail-merge files and writes the manifest last (atomically). */
  async finish(manifest: object): Promise<void> {
    await this.mbox?.close();
    await this.csv.close();
    await this.ndjson.close();
    const tmp = join(this.dir, `.${RENDER_FILES.manifest}.tmp`);
    await writeFile(tmp, `${JSON.stringify({ v: RENDER_FORMAT_VERSION, ...manifest }, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, join(this.dir, RENDER_FILES.manifest));
  }

  /** Closes the files of a render that failed (no manifest: the folder stays unfinished). */
  async abandon(): Promise<void> {
    await this.mbox?.close().catch(() => undefined);
    await this.csv.close().catch(() => undefined);
    await this.ndjson.close().catch(() => undefined);
  }
}
