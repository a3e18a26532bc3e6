/**
 * The tree hasher's thread: it owns the compact range of a writer's log and, for each chunk
 * the main thread has staged (in shared memory), hashes every leaf in place and every node the
 * leaves complete, writing the new tree hashes into the chunk's shared tree buffer and each
 * line's end offset in the entries file into its offsets buffer. Hashing
 * is most of an append's cost; here it runs on another core while the main thread encodes the
 * next chunk. Started by {@link TreeHasher} only.
 */
import { hash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { CompactRange, HashSink } from './compact-range.js';
import type { HashReply, HashRequest, HasherInit } from './tree-hasher.js';

const init = workerData as HasherInit;
const range = CompactRange.fromEdge(init.size, init.levels, init.hashes);

function hashChunk(req: HashRequest): HashReply {
  const c = req.chunk;
  const bytes = Buffer.from(c.shared);
  const ends = new Int32Array(c.endsShared);
  const offsets = new DataView(c.offsetsShared);
  const out = new HashSink(Buffer.from(c.treeShared));
  // Byte 0 is reserved: it stands in for the 0x00 prefix of the first leaf. Byte 1 is at file offset `base`.
  let start = 1;
  for (let i = 0; i < c.count; i++) {
    const end = ends[i]!;
    const before = bytes[start - 1]!;
    bytes[start - 1] = 0x00;
    const leaf = hash('sha256', bytes.subarray(start - 1, end - 1), 'latin1');
    bytes[start - 1] = before;
    range.push(leaf, out);
    const fileEnd = req.base + end - 1;
    offsets.setUint32(8 * i, fileEnd % 0x1_0000_0000, true);
    offsets.setUint32(8 * i + 4, Math.floor(fileEnd / 0x1_0000_0000), true);
    start = end;
  }
  return { id: req.id, treeBytes: out.len, size: range.size, root: range.root().toString('hex') };
}

parentPort!.on('message', (req: HashRequest) => {
  try {
    parentPort!.postMessage(hashChunk(req));
  } catch (e) {
    parentPort!.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) });
  }
});
