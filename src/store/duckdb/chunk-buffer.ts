/**
 * NDJSON lines encoded straight into ~1 MiB buffers: a line given in pieces is UTF-8 encoded
 * piece by piece, with no joined copy, and filled buffers wait to be written to a staging file.
 */

/** Bytes encoded in JavaScript before they are written out. */
const CHUNK_BYTES = 1 << 20;

/** Filled chunks and the chunk being filled. */
export class ChunkBuffer {
  private full: Buffer[] = [];
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private pos = 0;

  /** True when at least one chunk is full and can be written. */
  get hasFull(): boolean {
    return this.full.length > 0;
  }

  /** Filled chunks waiting (an index into what {@link takeFull} returns next). */
  get fullCount(): number {
    return this.full.length;
  }

  /** True when nothing is buffered. */
  get empty(): boolean {
    return this.pos === 0 && this.full.length === 0;
  }

  /** Adds one line given as pieces (no trailing newline). */
  push(head: string, body?: string, tail?: string): void {
    this.put(head);
    if (body !== undefined) this.put(body);
    if (tail !== undefined) this.put(tail);
    this.put('\n');
  }

  private put(s: string): void {
    // A UTF-16 code unit is at most 3 UTF-8 bytes.
    if (this.pos + s.length * 3 > this.chunk.length) {
      if (this.pos > 0) this.full.push(this.chunk.subarray(0, this.pos));
      this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, s.length * 3));
      this.pos = 0;
    }
    this.pos += this.chunk.write(s, this.pos, 'utf8');
  }

  /** The filled chunks (the one being filled stays). */
  takeFull(): Buffer[] {
    const out = this.full;
    this.full = [];
    return out;
  }

  /** Moves the chunk being filled to the filled ones; the next line starts a fresh chunk. */
  seal(): void {
    if (this.pos === 0) return;
    this.full.push(this.chunk.subarray(0, this.pos));
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.pos = 0;
  }

  /** Everything buffered; the next line starts a fresh chunk. */
  takeAll(): Buffer[] {
    this.seal();
    return this.takeFull();
  }

  /** Drops everything buffered. */
  clear(): void {
    this.full = [];
    this.pos = 0;
  }
}
