/**
 * The main thread's side of rendering: a few worker threads (render-worker.ts), each with its
 * own copy of the notice kit, sent batches of planned notices in turn and answering with the
 * rendered rows and, in format `mbox`, the batch's messages in one block handed over without a
 * copy (or, with no threads, the calling thread itself). Batches are handed back in the order they were sent, so the mail-merge files
 * and the evidence log stay in account order. Under the TypeScript sources (tests, tsx) the
 * workers load through tsx's require hook; the built package runs the compiled file.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BreachwatchError } from '../../model/index.js';
import type { IncidentInfo } from './incident-info.js';
import type { NoticeKit } from './kit.js';
import { NoticeRenderer, type RenderedBatch } from './render-one.js';
import type { MessageFormat, PlannedNotice } from './types.js';

/** What a render thread starts from (the kit is reloaded from the same data). */
export interface RenderInit {
  readonly incident: IncidentInfo;
  readonly rules: string;
  readonly dataDir: string;
  /** The render's time (epoch ms): every message's Date and the notice date. */
  readonly now: number;
  /** The render folder. */
  readonly dir: string;
  readonly format: MessageFormat;
  /** Answer each row's evidence facts (the render records evidence). */
  readonly facts: boolean;
}

/** A batch of notices to render, or the memory of a written mbox block to compose into again. */
export type RenderRequest = { readonly id: number; readonly notices: readonly PlannedNotice[] } | { readonly recycle: ArrayBuffer };

/** The rendered batch, or why it failed. */
export type RenderReply = { readonly id: number; readonly batch: RenderedBatch } | { readonly id: number; readonly error: string };

function spawn(init: RenderInit): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const req = createRequire(here);
    const worker = fileURLToPath(new URL('./render-worker.ts', here));
    const code = `require(${JSON.stringify(req.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(worker)});`;
    return new Worker(code, { eval: true, workerData: init, execArgv: [] });
  }
  // No inherited flags: the worker needs none, and some (--input-type, a loader) would break it.
  return new Worker(new URL('./render-worker.js', here), { workerData: init, execArgv: [] });
}

interface Waiting {
  resolve: (batch: RenderedBatch) => void;
  reject: (e: Error) => void;
}

/** Renders batches of notices, in the order given. */
export interface BatchRenderer {
  /** Threads rendering (0: the calling thread). */
  readonly threads: number;
  render(notices: readonly PlannedNotice[]): Promise<RenderedBatch>;
  /** Hands back a batch's mbox block once it is written (it must not be used after). */
  recycle(mbox: Uint8Array): void;
  close(): Promise<void>;
}

/** What {@link startRenderer} takes. */
export interface RendererOptions {
  readonly now: Date;
  readonly dir: string;
  readonly format: MessageFormat;
  /** Answer each row's evidence facts (see `NoticeFacts`). */
  readonly facts: boolean;
  /** Render threads; 0 renders on the calling thread (small renders, measurements). */
  readonly threads: number;
}

/** A renderer for `kit` and `incident`: a pool of threads, or the calling thread when `threads` is 0. */
export function startRenderer(kit: NoticeKit, incident: IncidentInfo, opts: RendererOptions): BatchRenderer {
  if (!Number.isSafeInteger(opts.threads) || opts.threads < 0) throw new BreachwatchError('ERR_USAGE', `render threads must be a whole number ≥ 0, not ${opts.threads}`);
  if (opts.threads > 0) return new RenderPool(kit, incident, opts);
  const r = new NoticeRenderer(kit, incident, opts);
  return {
    threads: 0,
    render: (notices) => r.renderBatch(notices),
    recycle: (mbox) => { r.recycle(mbox.buffer as ArrayBuffer); },
    close: () => Promise.resolve(),
  };
}

/** Render threads, fed in turn. */
class RenderPool implements BatchRenderer {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Waiting>();
  private nextId = 0;
  private recycled = 0;
  private failure: Error | undefined;

  /** Starts `opts.threads` (≥ 1) render threads for `kit` and `incident`. */
  constructor(kit: NoticeKit, incident: IncidentInfo, opts: RendererOptions) {
    const init: RenderInit = { incident, rules: kit.rules.id, dataDir: kit.dataDir, now: opts.now.getTime(), dir: opts.dir, format: opts.format, facts: opts.facts };
    for (let i = 0; i < opts.threads; i++) {
      const w = spawn(init);
      w.on('message', (r: RenderReply) => {
        const p = this.pending.get(r.id);
        this.pending.delete(r.id);
        if ('error' in r) p?.reject(new BreachwatchError('ERR_INTERNAL', `notice render failed: ${r.error}`));
        else p?.resolve(r.batch);
      });
      w.on('error', (e: unknown) => this.fail(e instanceof Error ? e : new Error(String(e))));
      w.on('exit', (code) => this.fail(new Error(`a render thread exited (${code})`)));
      this.workers.push(w);
    }
  }

  /** Threads in the pool. */
  get threads(): number {
    return this.workers.length;
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(new BreachwatchError('ERR_INTERNAL', `notice render failed: ${e.message}`, { cause: e }));
    this.pending.clear();
  }

  /** Renders `notices` on the next thread in turn. */
  render(notices: readonly PlannedNotice[]): Promise<RenderedBatch> {
    if (this.failure !== undefined) return Promise.reject(new BreachwatchError('ERR_INTERNAL', `notice render failed: ${this.failure.message}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const batch: RenderRequest = { id, notices };
      this.workers[id % this.workers.length]!.postMessage(batch);
    });
  }

  /** Hands `mbox`'s memory to the threads in turn. */
  recycle(mbox: Uint8Array): void {
    if (this.failure !== undefined) return;
    const memory = mbox.buffer as ArrayBuffer;
    const r: RenderRequest = { recycle: memory };
    this.workers[this.recycled++ % this.workers.length]!.postMessage(r, [memory]);
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    this.failure ??= new Error('closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
