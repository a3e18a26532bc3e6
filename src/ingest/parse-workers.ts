/**
 * Parse threads for access files (`hunt --threads N` starts N − 1 of them). Each access file
 * is given to one thread (round robin), which reads, cuts and parses its lines and posts them
 * as columns; the main thread keeps the reorder buffer, the merge, dedup, the quarantine and
 * everything after, in the same order as without threads, so the output is the same. Lines
 * with a `jwt` are parsed on the main thread (their signatures are checked against the key
 * registry there); ledger files are read there too (they are a small share of the lines).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CatalogRoute } from '../model/index.js';
import { BreachwatchError } from '../model/index.js';
import { receiveBatch } from './parsed-batch.js';
import type { ParsedBatch, PostedBatch } from './parsed-batch.js';

/** Batches a file's thread may run ahead of the main thread (about 2k lines each). */
export const PARSE_CREDIT = 8;

/** Messages to a parse thread. */
export type ToWorker =
  | { readonly kind: 'open'; readonly id: number; readonly file: string; readonly maxLineBytes: number }
  | { readonly kind: 'more' | 'close'; readonly id: number };

/** Messages from a parse thread. */
export type ToMain =
  | { readonly kind: 'batch'; readonly id: number; readonly batch: PostedBatch }
  | { readonly kind: 'end'; readonly id: number }
  | { readonly kind: 'error'; readonly id: number; readonly code: string; readonly message: string };

function spawn(routes: readonly CatalogRoute[]): Worker {
  const here = import.meta.url;
  const workerData = { routes };
  if (here.endsWith('.ts')) {
    const req = createRequire(here);
    const worker = fileURLToPath(new URL('./parse-worker.ts', here));
    const code = `require(${JSON.stringify(req.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(worker)});`;
    return new Worker(code, { eval: true, workerData, execArgv: [] });
  }
  // No inherited flags: the worker needs none, and some (--input-type, a loader) would break it.
  return new Worker(new URL('./parse-worker.js', here), { workerData, execArgv: [] });
}

/** One file's batches as they arrive. */
class FileFeed implements AsyncIterator<ParsedBatch> {
  private readonly queue: ToMain[] = [];
  private waiting: ((m: ToMain) => void) | undefined;
  private over = false;

  constructor(readonly id: number, private readonly worker: Worker, private readonly file: string, private readonly onDone: (id: number) => void) {}

  receive(m: ToMain): void {
    const w = this.waiting;
    this.waiting = undefined;
    if (w !== undefined) w(m);
    else this.queue.push(m);
  }

  async next(): Promise<IteratorResult<ParsedBatch>> {
    if (this.over) return { done: true, value: undefined };
    const m = this.queue.shift() ?? await new Promise<ToMain>((res) => { this.waiting = res; });
    if (m.kind === 'batch') {
      this.worker.postMessage({ kind: 'more', id: this.id } satisfies ToWorker);
      return { done: false, value: receiveBatch(m.batch) };
    }
    this.finish();
    if (m.kind === 'end') return { done: true, value: undefined };
    throw new BreachwatchError(m.code === 'ERR_INPUT_UNREADABLE' ? 'ERR_INPUT_UNREADABLE' : 'ERR_INTERNAL', m.code === 'ERR_INPUT_UNREADABLE' ? m.message : `parse thread failed on ${this.file}: ${m.message}`);
  }

  return(): Promise<IteratorResult<ParsedBatch>> {
    if (!this.over) this.worker.postMessage({ kind: 'close', id: this.id } satisfies ToWorker);
    this.finish();
    return Promise.resolve({ done: true, value: undefined });
  }

  private finish(): void {
    if (this.over) return;
    this.over = true;
    this.onDone(this.id);
  }
}

/** A pool of parse threads; stops its threads once every file it opened is done. */
export class ParseWorkers {
  private readonly workers: Worker[] = [];
  private readonly feeds = new Map<number, FileFeed>();
  private seq = 0;

  constructor(private readonly threads: number, private readonly routes: readonly CatalogRoute[]) {
    if (!Number.isSafeInteger(threads) || threads < 1) throw new BreachwatchError('ERR_USAGE', `parse threads must be a whole number ≥ 1 (got ${threads})`);
  }

  /** The batches of `file`, parsed on one of the threads. */
  open(file: string, maxLineBytes: number): AsyncIterator<ParsedBatch> {
    const id = this.seq++;
    const worker = this.worker(id % this.threads);
    const feed = new FileFeed(id, worker, file, (done) => this.done(done));
    this.feeds.set(id, feed);
    worker.postMessage({ kind: 'open', id, file, maxLineBytes } satisfies ToWorker);
    return feed;
  }

  /** Stops every thread (their files' feeds end with an error if still read). */
  async close(): Promise<void> {
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }

  private worker(i: number): Worker {
    let w = this.workers[i];
    if (w !== undefined) return w;
    w = spawn(this.routes);
    w.unref();
    w.on('message', (m: ToMain) => this.feeds.get(m.id)?.receive(m));
    const fail = (message: string): void => {
      for (const f of this.feeds.values()) f.receive({ kind: 'error', id: f.id, code: 'ERR_INTERNAL', message });
    };
    w.on('error', (e: unknown) => fail(e instanceof Error ? e.message : String(e)));
    w.on('exit', (code) => { if (code !== 0 && this.feeds.size > 0) fail(`exited with ${code}`); });
    this.workers[i] = w;
    return w;
  }

  private done(id: number): void {
    this.feeds.delete(id);
    if (this.feeds.size === 0) void this.close();
  }
}
