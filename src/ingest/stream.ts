/**
 * The event stream: every access and ledger file, each through its own reorder buffer,
 * k-way merged by event time into batches of ~1–4k events.
 *
 * Order: output is in non-decreasing `t` (ties: file index, then line) as long as each file's
 * disorder is within `reorderBoundMs`. An event that arrives after the stream has already
 * emitted a later time is emitted at once, out of order, and counted as `late` — so a consumer
 * recognises a late event exactly by `e.t` being below the greatest `t` it has seen.
 * Duplicate `request_id`s (within `dedupHorizonMs` of event time) are quarantined on output.
 *
 * A live feed on stdin (`pauseFlushMs`): when it brings nothing for that long, everything read
 * so far leaves the reorder buffer and the merge and is yielded (`atPause()`), so a quiet feed
 * is not held back until more input comes. `stop` ends the stream early (see `stop`).
 */
import { stat } from 'node:fs/promises';
import type { KeyRecord, PipelineEvent } from '../model/index.js';
import { BreachwatchError, DEFAULTS } from '../model/index.js';
import type { Catalog } from './catalog.js';
import { DEFAULT_DEDUP_HORIZON_MS, RequestIdDedup } from './dedup.js';
import { FileSource } from './file-source.js';
import type { SourceContext } from './file-source.js';
import { JwtChecker } from './jwt.js';
import { ParseWorkers } from './parse-workers.js';
import type { QuarantineWriter } from './quarantine.js';
import { summarize } from './stats.js';
import type { IngestStats } from './stats.js';

/** Progress of a stream, reported once per output batch. */
export interface IngestProgress {
  readonly bytesRead: number;
  readonly bytesTotal: number;
  readonly events: number;
}

/** Settings of {@link openEventStream}. */
export interface EventStreamOptions {
  readonly access: readonly string[];
  readonly ledger: readonly string[];
  readonly catalog: Catalog;
  readonly keys: readonly KeyRecord[];
  /** How far back in event time a file's lines may be out of order (default 60 s). */
  readonly reorderBoundMs?: number;
  /** Throw `ERR_STRICT_BAD_LINE` at the first bad line instead of quarantining it. */
  readonly strict: boolean;
  readonly maxLineBytes?: number;
  readonly dedupHorizonMs?: number;
  /**
   * Threads that read and parse access lines beside this one (default 0: all on this thread);
   * see `parse-workers.ts`. The events, their order and the quarantine are the same.
   */
  readonly parseThreads?: number;
  readonly quarantine: QuarantineWriter;
  readonly onProgress?: (p: IngestProgress) => void;
  /**
   * Stdin is a live feed: it is read chunk by chunk, and once it has brought nothing for this
   * long (wall clock) every event read so far is released, ripe or not, and yielded; the batch
   * yielded then has `atPause()` true (it may be empty). A line that comes later and is older
   * than what was released is late. Unset: stdin is read like a file. Files never pause.
   */
  readonly pauseFlushMs?: number;
  /**
   * When aborted, reading stops and the stream ends (`stopped()`) with what was merged in order
   * so far: a prefix of what the whole input yields (events a file's reorder buffer still held
   * are dropped and not counted; a live stdin feed's are released, as at a pause).
   */
  readonly stop?: AbortSignal;
}

/** An async iterable of event batches (iterate once) with counts. */
export interface EventStream extends AsyncIterable<PipelineEvent[]> {
  /** Counts so far; final once iteration has ended. */
  stats(): IngestStats;
  /** True while the batch just yielded is the last before a pause of a live feed (everything read is out). */
  atPause(): boolean;
  /** True when `stop` ended the stream before the end of its input. */
  stopped(): boolean;
}

const MAX_BATCH = 4096;
const MIN_BATCH = 1024;

/**
 * Opens all files as one event-time-ordered stream. Missing files fail at the start of
 * iteration with `ERR_INPUT_UNREADABLE`; bad lines are quarantined (or throw in strict mode).
 * @example
 * const s = openEventStream({ access, ledger, catalog, keys, strict: false, quarantine });
 * for await (const batch of s) engine.push(batch);
 * console.log(s.stats().totals);
 */
export function openEventStream(opts: EventStreamOptions): EventStream {
  const ctx: SourceContext = {
    parse: { catalog: opts.catalog, jwt: new JwtChecker(opts.keys) },
    quarantine: opts.quarantine,
    strict: opts.strict,
    reorderBoundMs: opts.reorderBoundMs ?? DEFAULTS.ingest.reorderBoundMs,
    maxLineBytes: opts.maxLineBytes ?? 1 << 20,
    liveStdin: opts.pauseFlushMs !== undefined,
    ...((opts.parseThreads ?? 0) > 0 && opts.access.length > 0 && { workers: new ParseWorkers(opts.parseThreads!, opts.catalog.routes) }),
  };
  const sources = [
    ...opts.access.map((f, i) => new FileSource(i, f, 'access', ctx)),
    ...opts.ledger.map((f, i) => new FileSource(opts.access.length + i, f, 'ledger', ctx)),
  ];
  const merger = new Merger(sources, ctx, opts);
  let started = false;
  return {
    stats: () => summarize(sources.map((s) => s.stats), merger.late),
    atPause: () => merger.pausing,
    stopped: () => merger.stopped,
    [Symbol.asyncIterator]() {
      if (started) throw new BreachwatchError('ERR_STATE', 'an event stream can be iterated only once');
      started = true;
      return merger.run();
    },
  };
}

/** Sum of the sizes of the files (stdin counts 0); a missing file is `ERR_INPUT_UNREADABLE`. */
async function totalBytes(files: readonly string[]): Promise<number> {
  let total = 0;
  for (const f of files) {
    if (f === '-') continue;
    try {
      const st = await stat(f);
      if (!st.isFile()) throw new Error('not a regular file');
      total += st.size;
    } catch (e) {
      throw new BreachwatchError('ERR_INPUT_UNREADABLE', `${f}: cannot read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  return total;
}

/** The k-way merge over the files' released events. */
class Merger {
  late = 0;
  /** The batch being yielded ends a pause of the live sources. */
  pausing = false;
  stopped = false;
  /** Live sources whose input paused (everything they held is released). */
  private readonly paused = new Set<FileSource>();
  private events = 0;
  private lastEmitted = -Infinity;
  private out: PipelineEvent[] = [];
  private readonly dedup: RequestIdDedup;
  private readonly byFile = new Map<string, FileSource>();

  constructor(private readonly sources: readonly FileSource[], private readonly ctx: SourceContext, private readonly opts: EventStreamOptions) {
    this.dedup = new RequestIdDedup(opts.dedupHorizonMs ?? DEFAULT_DEDUP_HORIZON_MS);
    for (const s of [...sources].reverse()) this.byFile.set(s.file, s);
  }

  async *run(): AsyncGenerator<PipelineEvent[]> {
    const bytesTotal = await totalBytes(this.sources.map((s) => s.file));
    const lateNow: PipelineEvent[] = [];
    try {
      yield* this.merge(bytesTotal, lateNow);
    } finally {
      await Promise.all(this.sources.map((s) => s.close()));
    }
  }

  private async *merge(bytesTotal: number, lateNow: PipelineEvent[]): AsyncGenerator<PipelineEvent[]> {
    for (;;) {
      for (const s of this.sources) {
        while (!s.hasReady && !s.done && !this.paused.has(s)) {
          if (this.out.length >= MIN_BATCH) yield await this.flush(bytesTotal);
          const got = await this.wait([s]);
          if (got === 'stop') { await this.halt(); break; }
          if (got === 'pause') { await s.releaseHeld(); this.paused.add(s); break; }
          await s.pull(this.lastEmitted, lateNow);
          for (const e of lateNow) this.emit(e, true);
          lateNow.length = 0;
        }
      }
      if (!this.emitRun()) {
        if (this.paused.size === 0) break;
        // Every source left is a quiet live feed and all that was read is out: hand it on,
        // then wait for input (or the stop).
        this.pausing = true;
        yield await this.flush(bytesTotal);
        this.pausing = false;
        const got = await this.wait([...this.paused], true);
        if (got === 'stop') await this.halt();
        else if (got !== 'pause') this.paused.delete(got);
        continue;
      }
      if (this.out.length >= MAX_BATCH) yield await this.flush(bytesTotal);
    }
    if (this.out.length > 0) yield await this.flush(bytesTotal);
    await this.ctx.quarantine.drain();
  }

  /**
   * Waits until one of `sources` has input (that source), or the pause flush passes with none
   * for a live source ('pause'; not when `paused`: they are waited for without limit), or the
   * stream is stopped ('stop'). A source that needs no race is returned at once (`pull` waits).
   */
  private async wait(sources: readonly FileSource[], paused = false): Promise<FileSource | 'pause' | 'stop'> {
    const { stop } = this.opts;
    if (stop?.aborted === true) return 'stop';
    const pauseMs = !paused && sources[0]!.live ? this.opts.pauseFlushMs : undefined;
    if (!paused && pauseMs === undefined && stop === undefined) return sources[0]!;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      return await Promise.race([
        // a failed read fails in `pull`, where it is reported
        ...sources.map(async (s) => { await s.read().catch(() => undefined); return s; }),
        new Promise<'pause' | 'stop'>((res) => {
          if (pauseMs !== undefined) timer = setTimeout(() => res('pause'), pauseMs);
          if (stop !== undefined) { onAbort = () => res('stop'); stop.addEventListener('abort', onAbort, { once: true }); }
        }),
      ]);
    } finally {
      clearTimeout(timer);
      if (onAbort !== undefined) stop?.removeEventListener('abort', onAbort);
    }
  }

  /** Stops reading: no source reads more (see `FileSource.halt`). */
  private async halt(): Promise<void> {
    this.stopped = true;
    this.paused.clear();
    for (const s of this.sources) if (!s.done) await s.halt();
  }

  /** Emits from the file with the earliest head until another file's head comes first. */
  private emitRun(): boolean {
    let best: FileSource | undefined;
    let bestT = Infinity;
    let nextT = Infinity;
    let nextIdx = Infinity;
    for (const s of this.sources) {
      if (!s.hasReady) continue;
      const t = s.ready[s.readyPos]!.t;
      if (best === undefined || t < bestT) {
        if (best !== undefined) { nextT = bestT; nextIdx = best.index; }
        best = s;
        bestT = t;
      } else if (t < nextT || (t === nextT && s.index < nextIdx)) {
        nextT = t;
        nextIdx = s.index;
      }
    }
    if (best === undefined) return false;
    const { ready } = best;
    let i = best.readyPos;
    // Ties go to the lower file index: stop at nextT itself when the next file wins ties.
    const stopAtEqual = best.index > nextIdx;
    while (i < ready.length && this.out.length < MAX_BATCH) {
      const e = ready[i]!;
      if (e.t > nextT || (stopAtEqual && e.t === nextT)) break;
      this.emit(e, false);
      i++;
    }
    best.readyPos = i;
    return true;
  }

  private emit(e: PipelineEvent, late: boolean): void {
    if (e.kind === 'access' && e.request_id !== undefined && this.dedup.isDuplicate(e.request_id, e.t)) {
      const src = this.byFile.get(e.ref.file);
      if (src !== undefined) {
        src.stats.accepted--;
        src.reject(e.ref.line, 'duplicate_request_id', `request_id ${e.request_id} already seen`, e.raw ?? JSON.stringify(e));
      }
      return;
    }
    if (late) this.late++;
    else this.lastEmitted = e.t;
    this.out.push(e);
  }

  private async flush(bytesTotal: number): Promise<PipelineEvent[]> {
    const batch = this.out;
    this.out = [];
    this.events += batch.length;
    await this.ctx.quarantine.drain();
    if (this.opts.onProgress !== undefined) {
      let bytesRead = 0;
      for (const s of this.sources) bytesRead += s.bytesRead;
      this.opts.onProgress({ bytesRead, bytesTotal, events: this.events });
    }
    return batch;
  }
}
