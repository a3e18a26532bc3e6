/**
 * Reads one notice's message back out of a finished render folder for `notice send`, by the
 * file, offset and length its mail-merge row names: a range of `notices.mbox` (one handle kept
 * open for the run; only that range is read, never the whole file), unquoted from mboxrd, or a
 * whole `.eml`. A row can only name a file of its render's own format inside the folder.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { mboxrdUnquote } from '../mail/index.js';
import { RENDER_FILES, type MergeRow } from './render-folder.js';
import type { MessageFormat } from './types.js';

/** What an `.eml` row may name (see `emlPath`). */
const EML_PATH = /^eml\/[0-9a-f]{2}\/n-[0-9a-f]{24}\.eml$/;

/** Messages of one render folder. */
export class MessageReader {
  private mbox: Promise<FileHandle | undefined> | undefined;

  constructor(private readonly folder: string, private readonly format: MessageFormat) {}

  /** The message of `row`, or why it cannot be read (a missing file, a range outside it, a path of another form). */
  async read(row: Pick<MergeRow, 'message_file' | 'message_offset' | 'message_length'>): Promise<Buffer | string> {
    if (this.format === 'eml') {
      if (!EML_PATH.test(row.message_file)) return 'message file not of this render';
      return (await readFile(join(this.folder, row.message_file)).catch(() => undefined)) ?? 'message file missing';
    }
    if (row.message_file !== RENDER_FILES.mbox) return 'message file not of this render';
    const { message_offset: at, message_length: length } = row;
    if (!Number.isSafeInteger(at) || !Number.isSafeInteger(length) || at < 0 || length <= 0) return 'message range not valid';
    this.mbox ??= open(join(this.folder, RENDER_FILES.mbox), 'r').catch(() => undefined);
    const fh = await this.mbox;
    if (fh === undefined) return 'message file missing';
    const buf = Buffer.allocUnsafe(length);
    const { bytesRead } = await fh.read(buf, 0, length, at);
    if (bytesRead !== length) return 'message range past the end of the file';
    return mboxrdUnquote(buf);
  }

  /** Closes the mbox, if it was opened. */
  async close(): Promise<void> {
    const fh = await this.mbox;
    this.mbox = undefined;
    await fh?.close();
  }
}
