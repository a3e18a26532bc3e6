/**
 * A commit in the making: entries staged as the bytes they will have on disk (the entries
 * file, their end offsets, the tree's new hashes), so that one commit is three appends and
 * three fdatasyncs however many entries it holds. The leaf hash is taken over the staged
 * bytes in place: the byte before an entry (the previous line's newline, or a reserved byte
 * at the start) is set to 0x00 for the hash and put back, so no entry is copied twice.
 */
import { hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { HashSink, type CompactRange } from './compact-range.js';
import { COMMIT_BYTES, COMMIT_ENTRIES, MAX_ENTRY_BYTES } from './defaults.js';

const NL = 0x0a;

/** The open data files of a log. */
export interface DataFiles {
  readonly entries: FileHandle;
  readonly offsets: FileHandle;
  readonly tree: FileHandle;
}

/** Appends `len` bytes of `buf` from `off` (files opened for appending), however many calls it takes. */
export async function writeAll(fh: FileHandle, buf: Buffer, off: number, len: number): Promise<void> {
  for (let done = 0; done < len;) {
    const { bytesWritten } = await fh.write(buf, off + done, len - done);
    done += bytesWritten;
  }
}

/** Staged entries of one commit. */
export class Chunk {
  private readonly bytes = Buffer.allocUnsafe(1 + COMMIT_BYTES + 3 * MAX_ENTRY_BYTES + 1);
  private used = 1;
  private readonly offsets = Buffer.allocUnsafe(8 * COMMIT_ENTRIES);
  private readonly tree = new HashSink(2 * COMMIT_ENTRIES + 64);
  /** Entries staged. */
  count = 0;

  /** True when `text` may not fit: commit first. */
  full(text: string): boolean {
    return this.count > 0 && (this.count >= COMMIT_ENTRIES || this.used - 1 >= COMMIT_BYTES || this.used + 3 * text.length + 1 > this.bytes.length);
  }

  /** Bytes staged for the entries file. */
  get entryBytes(): number {
    return this.used - 1;
  }

  /**
   * Stages canonical entry `text` (at most MAX_ENTRY_BYTES), whose line starts at file offset
   * `at`; pushes its leaf into `range`. Returns the line's length in bytes.
   */
  add(text: string, at: number, range: CompactRange): number {
    const start = this.used;
    const n = this.bytes.write(text, start);
    const before = this.bytes[start - 1]!;
    this.bytes[start - 1] = 0x00;
    const leaf = hash('sha256', this.bytes.subarray(start - 1, start + n), 'buffer');
    this.bytes[start - 1] = before;
    this.bytes[start + n] = NL;
    this.used = start + n + 1;
    const end = at + n + 1;
    this.offsets.writeUInt32LE(end % 0x1_0000_0000, 8 * this.count);
    this.offsets.writeUInt32LE(Math.floor(end / 0x1_0000_0000), 8 * this.count + 4);
    this.count++;
    range.push(leaf, this.tree);
    return n + 1;
  }

  /** Appends the staged bytes to the files and makes them durable; then the chunk is empty. */
  async write(files: DataFiles): Promise<void> {
    await Promise.all([
      writeAll(files.entries, this.bytes, 1, this.used - 1),
      writeAll(files.offsets, this.offsets, 0, 8 * this.count),
      writeAll(files.tree, this.tree.buf, 0, this.tree.len),
    ]);
    await Promise.all([files.entries.datasync(), files.offsets.datasync(), files.tree.datasync()]);
    this.used = 1;
    this.count = 0;
    this.tree.len = 0;
  }
}
