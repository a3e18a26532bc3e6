/**
 * The folder a render writes (`--out DIR`; see docs/NOTICES.md): one `.eml` per email notice
 * under `eml/`, the mail-merge file in two forms (`mail-merge.csv`, `mail-merge.ndjson`), the
 * website posting pages, the quarantine, and `manifest.json` last — a folder without a
 * manifest is an unfinished render, and `notice send` refuses it. Everything is 0600 in a 0700
 * folder: it holds the personal data of every person it notifies.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { BreachwatchError } from '../../model/index.js';
import type { NoticeChannel, NoticeKind, NoticeReason } from './types.js';

/** Version of the folder's format (manifest and mail-merge columns). */
export const RENDER_FORMAT_VERSION = 1;

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
  /** The message file (email channel), relative to the folder, else empty. */
  readonly eml: string;
  /** SHA-256 of the message file (email) or of the SMS text (sms); empty for posting. */
  readonly sha256: string;
  readonly bytes: number;
  readonly sms_text: string;
  /** The `notice_rendered` entry in the evidence log, or -1 without one. */
  readonly evidence_index: number;
}

/** The mail-merge columns, in order. */
export const MERGE_COLUMNS = [
  'notice_id', 'message_id', 'kind', 'reason', 'account_id', 'locale', 'template', 'channel', 'name', 'email', 'phone',
  'subject', 'fields', 'field_names', 'new_fields', 'first_access', 'last_access', 'eml', 'sha256', 'bytes', 'sms_text',
  'evidence_index',
] as const satisfies readonly (keyof MergeRow)[];

/** Names of the folder's files. */
export const RENDER_FILES = {
  manifest: 'manifest.json', csv: 'mail-merge.csv', ndjson: 'mail-merge.ndjson', quarantine: 'quarantine.ndjson',
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

  constructor(path: string) {
    this.out = createWriteStream(path, { mode: 0o600 });
    this.out.on('error', (e) => { this.failure = e; });
  }

  async write(s: string): Promise<void> {
    this.buf += s;
    if (this.buf.length >= FLUSH_AT) await this.push();
  }

  private async push(): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
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
  private readonly madeDirs = new Set<string>();

  private constructor(readonly dir: string) {
    this.csv = new ChunkedFile(join(dir, RENDER_FILES.csv));
    this.ndjson = new ChunkedFile(join(dir, RENDER_FILES.ndjson));
  }

  /**
   * Creates `dir` (or takes an empty one; a quarantine file is allowed).
   * @throws BreachwatchError `ERR_USAGE` when it holds anything else.
   */
  static async create(dir: string): Promise<RenderFolder> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // The caller may have opened the quarantine inside already (it comes before the render).
    if ((await readdir(dir)).some((n) => n !== RENDER_FILES.quarantine)) throw new BreachwatchError('ERR_USAGE', `--out ${dir} is not empty (a render writes a new folder)`);
    const f = new RenderFolder(dir);
    await f.csv.write(stringify([MERGE_COLUMNS]));
    return f;
  }

  /** Writes one message file (`rel` as {@link emlPath} gives it). */
  async writeMessage(rel: string, bytes: Buffer): Promise<void> {
    const d = dirname(rel);
    if (!this.madeDirs.has(d)) {
      await mkdir(join(this.dir, d), { recursive: true, mode: 0o700 });
      this.madeDirs.add(d);
    }
    await writeFile(join(this.dir, rel), bytes, { mode: 0o600 });
  }

  /**
   * Appends one notice to both mail-merge files, given as its CSV line and NDJSON object up to
   * the last column, `evidence_index` (see `RenderedRow` in render-one.ts).
   */
  async addRow(csv: string, json: string, evidenceIndex: number): Promise<void> {
    await this.csv.write(`${csv},${evidenceIndex}\n`);
    await this.ndjson.write(`${json},"evidence_index":${evidenceIndex}}\n`);
  }

  /** Writes a small file whole (posting pages). */
  async writeText(name: string, text: string): Promise<void> {
    await writeFile(join(this.dir, name), text, { mode: 0o600 });
  }

  /** Closes the mail-merge files and writes the manifest last (atomically). */
  async finish(manifest: object): Promise<void> {
    await this.csv.close();
    await this.ndjson.close();
    const tmp = join(this.dir, `.${RENDER_FILES.manifest}.tmp`);
    await writeFile(tmp, `${JSON.stringify({ v: RENDER_FORMAT_VERSION, ...manifest }, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, join(this.dir, RENDER_FILES.manifest));
  }

  /** Closes the files of a render that failed (no manifest: the folder stays unfinished). */
  async abandon(): Promise<void> {
    await this.csv.close().catch(() => undefined);
    await this.ndjson.close().catch(() => undefined);
  }
}
