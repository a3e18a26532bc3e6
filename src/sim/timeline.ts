/**
 * Time slices of ten minutes: generators drop lines at any event time up to a few hours
 * ahead; each slice, once complete, is sorted by time and handed out as ~1 MB buffers. Lines
 * are copied into a slice's byte blocks at once (their strings die young, which keeps GC
 * cheap), and memory stays bounded by the slices in flight.
 */
import { MINUTE } from '../model/index.js';
import { acquireBlock, BLOCK, releaseBlock } from './block-pool.js';

/** Length of one slice; generators are driven slice by slice. */
export const SLICE = 10 * MINUTE;

const IDX = 2 ** 30;

class Bucket {
  /** Lines live in fixed blocks: growing never copies, and blocks are recycled. */
  readonly blocks: Buffer[] = [];
  private cur: Buffer | undefined;
  private used = BLOCK;
  n = 0;
  bytes = 0;
  /** Where line k starts: block index * BLOCK + offset. */
  at = new Float64Array(4096);
  len = new Uint32Array(4096);
  /** Milliseconds into the slice (negative for a line that arrived late). */
  off = new Float64Array(4096);

  add(off: number, line: string): void {
    const size = line.length + 1;
    if (this.used + size > BLOCK || this.cur === undefined) {
      this.cur = size > BLOCK ? Buffer.allocUnsafe(size) : acquireBlock();
      this.blocks.push(this.cur);
      this.used = 0;
    }
    if (this.n === this.at.length) this.grow();
    this.at[this.n] = (this.blocks.length - 1) * BLOCK + this.used;
    this.len[this.n] = size;
    this.off[this.n] = off;
    this.n++;
    // Every generated line is ASCII, so latin1 is exact (and much faster than utf8).
    this.used += this.cur.write(line, this.used, 'latin1');
    this.cur[this.used++] = 10;
    this.bytes += size;
  }

  private grow(): void {
    const at = new Float64Array(this.n * 2);
    at.set(this.at);
    this.at = at;
    const len = new Uint32Array(this.n * 2);
    len.set(this.len);
    this.len = len;
    const o = new Float64Array(this.n * 2);
    o.set(this.off);
    this.off = o;
  }

  release(): void {
    for (const b of this.blocks) releaseBlock(b);
    this.blocks.length = 0;
  }
}

/** Lines of one stream (access or ledger), bucketed by slice. */
export class Timeline {
  private readonly buckets = new Map<number, Bucket>();
  /** First slice not yet handed out. */
  private open = 0;
  /** Lines that arrived for a slice already handed out (should stay 0). */
  late = 0;

  constructor(private readonly start: number, private readonly slices: number) {}

  /** Adds a line (without newline) at event time `t`; false (dropped) when outside the run. */
  push(t: number, line: string): boolean {
    let h = Math.floor((t - this.start) / SLICE);
    if (h >= this.slices || t < this.start) return false;
    if (h < this.open) {
      this.late++;
      h = this.open;
    }
    let b = this.buckets.get(h);
    if (b === undefined) {
      b = new Bucket();
      this.buckets.set(h, b);
    }
    b.add(t - this.start - h * SLICE, line);
    return true;
  }

  /**
   * Removes slice `h` and returns its lines in time order, as views of pooled blocks: hand
   * each back with `releaseBlock` once written.
   */
  take(h: number): { chunks: Buffer[]; lines: number } {
    this.open = h + 1;
    const b = this.buckets.get(h);
    if (b === undefined) return { chunks: [], lines: 0 };
    this.buckets.delete(h);
    const n = b.n;
    // Pack (offset, index) into one double so the native numeric sort does the work.
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = ((b.off[i] ?? 0) + SLICE) * IDX + i;
    keys.sort();
    const chunks: Buffer[] = [];
    let out = acquireBlock();
    let pos = 0;
    for (let k = 0; k < n; k++) {
      const i = (keys[k] ?? 0) % IDX;
      const at = b.at[i] ?? 0;
      const len = b.len[i] ?? 0;
      const block = Math.floor(at / BLOCK);
      const s = at - block * BLOCK;
      if (pos + len > out.length) {
        chunks.push(out.subarray(0, pos));
        out = len > BLOCK ? Buffer.allocUnsafe(len) : acquireBlock();
        pos = 0;
      }
      pos += (b.blocks[block] as Buffer).copy(out, pos, s, s + len);
    }
    if (pos > 0) chunks.push(out.subarray(0, pos));
    else releaseBlock(out);
    b.release();
    return { chunks, lines: n };
  }
}
