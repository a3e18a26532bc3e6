/**
 * The main thread's side of the tree hasher: one worker thread per writer, fed the staged
 * chunks through shared memory (nothing is copied), answering with the tree's new size and
 * root. The worker holds the event loop open only while a chunk is being hashed, so a log
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

/** One chunk to hash: entry lines in `bytes[1, used)`, tree hashes to be written into `tree`. */
export interface HashRequest {
  readonly id: number;
  readonly bytes: SharedArrayBuffer;
  readonly used: number;
  readonly tree: SharedArrayBuffer;
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

  /** Hashes the lines staged in `bytes[1, used)`, writing the new tree hashes into `tree`. */
  hash(bytes: SharedArrayBuffer, used: number, tree: SharedArrayBuffer): Promise<ChunkTree> {
    if (this.failure !== undefined) return Promise.reject(new BreachwatchError('ERR_INTERNAL', `tree hashing failed: ${this.failure.message}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      const req: HashRequest = { id, bytes, used, tree };
      this.worker.postMessage(req);
    });
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    this.failure ??= new Error('closed');
    await this.worker.terminate();
  }
}
