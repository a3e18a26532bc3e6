/**
 * Recycled 1 MB byte blocks for slice buffers and output chunks. Allocating and freeing
 * big buffers at this rate fragments the C heap (RSS climbed to 3× the live data); reusing
 * a bounded set keeps resident memory close to what is actually in flight.
 */

/** Size of one block. */
export const BLOCK = 1024 * 1024;

const free: ArrayBuffer[] = [];
const FREE_MAX = 128;

/** A block-sized buffer (contents undefined). */
export function acquireBlock(): Buffer {
  const ab = free.pop();
  return ab === undefined ? Buffer.allocUnsafeSlow(BLOCK) : Buffer.from(ab, 0, BLOCK);
}

/** Returns a buffer obtained from {@link acquireBlock} (or a view of one) to the pool. */
export function releaseBlock(b: Buffer): void {
  const ab = b.buffer;
  if (ab instanceof ArrayBuffer && ab.byteLength === BLOCK && b.byteOffset === 0 && free.length < FREE_MAX) free.push(ab);
}
