/**
 * The main thread's side of the tree hasher: one worker thread per writer, fed the staged
 * chunks through shared memory (nothing is copied), answering with the tree's new size and
 * root once it has written the chunk's offsets and tree hashes. The worker holds the event loop open only while a chunk is being hashed, so a log
 * left open never keeps a process alive. Under the TypeScript sources (tests, tsx) the
 * worker is loaded through tsx's require hook; the built package runs the compiled file.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BreachwatchError } from '../model/index.js';
import type { CompactRange } from './compact-range.js';

/** What the worker starts from: the log's compact range (hashes as Latin-1 strings). */
export interface HasherInit {
  readonly size: number;
  readonly levels: readonly number[];
  readonly hashes: readonly string[];
}

/** The shared buffers of one staged chunk (see Chunk). */
export interface ChunkBuffers {
  /** Entry lines from byte 1 on. */
  readonly shared: SharedArrayBuffer;
  /** Where line i ends, past its newline (Int32). */
  readonly endsShared: SharedArrayBuffer;
  /** The entries file's end offset of line i goes here (8 bytes little-endian). */
  readonly offsetsShared: SharedArrayBuffer;
  /** The tree hashes the lines add go here. */
  readonly treeShared: SharedArrayBuffer;
  /** Lines staged. */
  readonly count: number;
}

/** One chunk to hash: its buffers, and the entries file's size before it (where its byte 1 goes). */
export interface HashRequest {
  readonly id: number;
  readonly chunk: ChunkBuffers;
  readonly base: number;
}

/** The tree after a chunk: `treeBytes` of new hashes were written; or why it failed. */
export type HashReply = { readonly id: number; readonly treeBytes: number; readonly size: number; readonly root: string } | { readonly id: number; readonly error: string };

/** The tree head after a chunk and the bytes of tree hashes it added. */
export interface ChunkTree {
  readonly treeBytes: number;
  readonly size: number;
  readonly root: string;
}

function spawn(init: HasherInit): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const req = createRequire(here);
    const worker = fileURLToPath(new URL('./tree-worker.ts', here));
    const code = `require(${JSON.stringify(req.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(worker)});`;
    return new Worker(code, { eval: true, workerData: init, execArgv: [] });
  }
  // No inherited flags: the worker needs none, and some (--input-type, a loader) would break it.
  return new Worker(new URL('./tree-worker.js', here), { workerData: init, execArgv: [] });
}

/** Hashes staged chunks on another thread, in order. */
export class TreeHasher {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (t: ChunkTree) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(range: CompactRange) {
    this.worker = spawn(range.edge());
    this.worker.unref();
    this.worker.on('message', (r: HashReply) => {
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      if (this.pending.size === 0) this.worker.unref();
      if ('error' in r) p?.reject(new BreachwatchError('ERR_INTERNAL', `tree hashing failed: ${r.error}`));
      else p?.resolve(r);
    });
    this.worker.on('error', (e: unknown) => this.fail(e instanceof Error ? e : new Error(String(e))));
    this.worker.on('exit', (code) => this.fail(new Error(`tree hasher exited (${code})`)));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(new BreachwatchError('ERR_INTERNAL', `tree hashing failed: ${e.message}`, { cause: e }));
    this.pending.clear();
  }

  /**
   * Hashes the lines staged in `chunk`, whose first byte goes at offset `base` of the entries
   * file, writing their end offsets and the new tree hashes into the chunk's shared buffers.
   */
  hash(chunk: ChunkBuffers, base: number): Promise<ChunkTree> {
    if (this.failure !== undefined) return Promise.reject(new BreachwatchError('ERR_INTERNAL', `tree hashing failed: ${this.failure.message}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      const { shared, endsShared, offsetsShared, treeShared, count } = chunk;
      const req: HashRequest = { id, chunk: { shared, endsShared, offsetsShared, treeShared, count }, base };
      this.worker.postMessage(req);
    });
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    this.failure ??= new Error('closed');
    await this.worker.terminate();
  }
}
