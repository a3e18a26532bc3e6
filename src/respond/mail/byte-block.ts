/**
 * A growable block of bytes that messages are written into one after another. A bulk render
 * composes a whole batch of messages into one block instead of a buffer each: a buffer of a
 * message's size is a memory allocation of its own outside the JavaScript heap, and allocating
 * (and collecting) one per message cost more than composing it. The block's memory is its own,
 * so a thread can hand it to another without a copy, and get it back to write again.
 */

/** Bytes written one after another into memory that grows as needed. */
export class ByteBlock {
  private buf: Buffer;
  /** Bytes written so far. */
  length = 0;

  /** A block of `capacity` bytes, or over `memory` (a block handed back to be written again). */
  constructor(capacity = 1 << 16, memory?: ArrayBuffer) {
    this.buf = memory === undefined ? Buffer.allocUnsafeSlow(Math.max(64, capacity)) : Buffer.from(memory);
  }

  /** The memory written into (valid up to {@link length}; replaced when the block grows). */
  get memory(): Buffer {
    return this.buf;
  }

  /** Makes room for `n` more bytes after {@link length}; returns the memory to write them into. */
  reserve(n: number): Buffer {
    const need = this.length + n;
    if (need > this.buf.length) {
      // The old memory stays valid for views taken of it before (a file still being written from one).
      const grown = Buffer.allocUnsafeSlow(Math.max(need, 2 * this.buf.length));
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    return this.buf;
  }

  /** Appends `bytes`. */
  append(bytes: Uint8Array): void {
    this.reserve(bytes.length).set(bytes, this.length);
    this.length += bytes.length;
  }

  /** The bytes from `start` to `end` (default: what is written), without a copy. */
  view(start = 0, end = this.length): Buffer {
    return this.buf.subarray(start, end);
  }
}
