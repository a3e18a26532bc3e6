/**
 * A commit in the making: entries staged as the bytes they will have on disk (the entries
 * file, room for their end offsets and for the tree's new hashes), in shared memory, so that
 * the tree hasher's thread reads the lines and writes the offsets and the hashes without a
 * copy, and one commit is three appends and three fdatasyncs however many entries it holds.
 * Byte 0 of the entry buffer is reserved: the hasher sets the byte before each line to 0x00
 * for its leaf hash. Staging a line records only where it ends (`ends`).
 */
import type { FileHandle } from 'node:fs/promises';
import { COMMIT_BYTES, COMMIT_ENTRIES, MAX_ENTRY_BYTES } from './defaults.js';
import { HASH_BYTES } from './merkle.js';

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
  /** Entry lines in bytes [1, used). */
  readonly shared = new SharedArrayBuffer(1 + COMMIT_BYTES + 3 * MAX_ENTRY_BYTES + 1);
  /** Room for every tree hash the chunk's leaves can complete. */
  readonly treeShared = new SharedArrayBuffer((2 * COMMIT_ENTRIES + 64) * HASH_BYTES);
  /** Where each staged line ends in `shared` (past its newline), as 32-bit integers. */
  readonly endsShared = new SharedArrayBuffer(4 * COMMIT_ENTRIES);
  /** Room for the entries file's end offset of each line (8 bytes little-endian), which the hasher writes. */
  readonly offsetsShared = new SharedArrayBuffer(8 * COMMIT_ENTRIES);
  private readonly bytes = Buffer.from(this.shared);
  private readonly tree = Buffer.from(this.treeShared);
  private readonly ends = new Int32Array(this.endsShared);
  private readonly offsets = Buffer.from(this.offsetsShared);
  /** End of the staged lines in the shared buffer. */
  used = 1;
  /** Entries staged. */
  count = 0;

  /**
   * True when the chunk holds what one commit takes: commit it before staging more. A chunk
   * that is not full has room for any entry of up to MAX_ENTRY_BYTES (3 bytes per UTF-16 unit).
   */
  get full(): boolean {
    return this.count >= COMMIT_ENTRIES || this.used - 1 >= COMMIT_BYTES;
  }

  /**
   * Stages canonical entry `text` (at most MAX_ENTRY_BYTES, no raw newline) and returns its
   * line's length in bytes. The chunk must not be full.
   */
  add(text: string): number {
    const n = this.bytes.write(text, this.used);
    this.bytes[this.used + n] = NL;
    this.used += n + 1;
    this.ends[this.count++] = this.used;
    return n + 1;
  }

  /**
   * Appends the staged bytes, the offsets and the `treeBytes` of tree hashes the hasher wrote
   * to the files, and makes them durable; then the chunk is empty.
   */
  async write(files: DataFiles, treeBytes: number): Promise<void> {
    await Promise.all([
      writeAll(files.entries, this.bytes, 1, this.used - 1),
      writeAll(files.offsets, this.offsets, 0, 8 * this.count),
      writeAll(files.tree, this.tree, 0, treeBytes),
    ]);
    await Promise.all([files.entries.datasync(), files.offsets.datasync(), files.tree.datasync()]);
    this.used = 1;
    this.count = 0;
  }
}
