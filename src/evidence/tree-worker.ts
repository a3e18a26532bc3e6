/**
 * The tree hasher's thread: it owns the compact range of a writer's log and, for each chunk
 * the main thread has staged (in shared memory), hashes every leaf in place and every node the
 * leaves complete, writing the new tree hashes into the chunk's shared tree buffer. Hashing
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
  const bytes = Buffer.from(req.bytes);
  const out = new HashSink(Buffer.from(req.tree));
  let start = 1; // byte 0 is reserved: it stands in for the 0x00 prefix of the first leaf
  while (start < req.used) {
    const nl = bytes.indexOf(0x0a, start);
    const before = bytes[start - 1]!;
    bytes[start - 1] = 0x00;
    const leaf = hash('sha256', bytes.subarray(start - 1, nl), 'latin1');
    bytes[start - 1] = before;
    range.push(leaf, out);
    start = nl + 1;
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
