/**
 * One input file inside an event stream: reads its lines in batches, parses them, quarantines
 * bad ones, waits for the batch's JWT signature checks, and holds events in a bounded reorder
 * buffer sorted by event time. An event is released once the file's greatest time seen minus
 * the reorder bound reaches it (or at end of file). A live source (stdin, when the stream has
 * a pause flush) reads chunk by chunk and can release everything it holds when its input
 * pauses (`releaseHeld`); any source can stop reading for good (`halt`).
 */
import type { ParseResult, PipelineEvent, SourceRef } from '../model/index.js';
import { BreachwatchError } from '../model/index.js';
import { parseAccessLine } from './access.js';
import type { AccessParseOptions } from './access.js';
import type { JwtChecker } from './jwt.js';
import { parseLedgerLine } from './ledger.js';
import { isBlank, readLines } from './lines.js';
import type { LineBatch } from './lines.js';
import { eventOf, LINE } from './parsed-batch.js';
import type { ParsedBatch } from './parsed-batch.js';
import type { ParseWorkers } from './parse-workers.js';
import type { QuarantineWriter } from './quarantine.js';
import { peekLineTime } from './event-time.js';
import { isSorted, mergeInto, sortByTime, upperBound } from './sorted.js';
import { newFileStats } from './stats.js';
import type { FileStats } from './stats.js';

/** What every file of a stream shares. */
export interface SourceContext {
  readonly parse: AccessParseOptions & { readonly jwt: JwtChecker };
  readonly quarantine: QuarantineWriter;
  readonly strict: boolean;
  readonly reorderBoundMs: number;
  readonly maxLineBytes: number;
  /** Parse threads for access files (none: every line is parsed here). */
  readonly workers?: ParseWorkers;
  /** Stdin is a live feed: read it chunk by chunk, and it may pause (see `EventStreamOptions.pauseFlushMs`). */
  readonly liveStdin?: boolean;
}

const COMPACT_AT = 1 << 16;

/**
 * A line waiting in the reorder buffer. Lines whose time can be read without parsing
 * (`{"time":"…`) wait as text and are parsed only when released, so the buffer holds small
 * strings rather than parsed events (far less GC work); other lines wait parsed.
 */
interface Pending {
  readonly t: number;
  readonly line: number;
  readonly text: string;
  readonly ev: PipelineEvent | undefined;
  /** The batch a parse thread parsed the line in, and its index there (threads only). */
  readonly pb: ParsedBatch | undefined;
  readonly pi: number;
}

/** The time a parse thread peeked from line `i`, as `peekLineTime` gives it. */
function peeked(pb: ParsedBatch, i: number): number | undefined {
  const t = pb.peek[i]!;
  return Number.isNaN(t) ? undefined : t;
}

/** One file's reader and reorder buffer. */
export class FileSource {
  readonly stats: FileStats;
  bytesRead = 0;
  /** Released events, in order; consumed from `readyPos`. */
  ready: PipelineEvent[] = [];
  readyPos = 0;
  /** Reads from stdin as a live feed (chunk by chunk; may pause). */
  readonly live: boolean;
  private eof = false;
  /** Stopped reading before the end (`halt`). */
  private halted = false;
  /** The read in flight, kept across a pause of a live source. */
  private reading: Promise<IteratorResult<LineBatch | ParsedBatch>> | undefined;
  private maxSeen = -Infinity;
  private buf: Pending[] = [];
  private head = 0;
  private readonly lines: AsyncIterator<LineBatch | ParsedBatch>;

  constructor(readonly index: number, readonly file: string, readonly kind: 'access' | 'ledger', private readonly ctx: SourceContext) {
    this.stats = newFileStats(file);
    this.live = file === '-' && ctx.liveStdin === true;
    this.lines = kind === 'access' && ctx.workers !== undefined && !this.live
      ? ctx.workers.open(file, ctx.maxLineBytes)
      : readLines(file, { maxLineBytes: ctx.maxLineBytes, eachChunk: this.live });
  }

  /** True when nothing is left to read or release. */
  get done(): boolean {
    return (this.eof || this.halted) && this.readyPos >= this.ready.length && this.head >= this.buf.length;
  }

  /** The next read (the one in flight, if any): resolves when input has come (or the file ended). */
  read(): Promise<unknown> {
    this.reading ??= this.lines.next();
    return this.reading;
  }

  /** True when a released event is waiting. */
  get hasReady(): boolean {
    return this.readyPos < this.ready.length;
  }

  /**
   * Stops reading (closes the file). A read still waiting for input (a halted live feed) is
   * not waited for: the reader closes once it returns, or with the process.
   */
  async close(): Promise<void> {
    if (this.reading !== undefined) { void this.lines.return?.(undefined); return; }
    await this.lines.return?.(undefined);
  }

  /**
   * Stops reading for good. A live source releases what it holds (`releaseHeld`: its lines are
   * gone from the pipe). A file drops what it holds, released or not, uncounted (`lines` counts
   * only the lines taken), so that what the stream has yielded is a prefix of what a whole read
   * yields: a re-run over the same files goes on from there.
   */
  async halt(): Promise<void> {
    this.halted = true;
    if (this.live) { await this.releaseHeld(); return; }
    for (let i = this.head; i < this.buf.length; i++) {
      this.stats.lines--;
      if (this.buf[i]!.ev !== undefined) this.stats.accepted--;
    }
    const released = this.ready.length - this.readyPos;
    this.stats.lines -= released;
    this.stats.accepted -= released;
    this.buf = [];
    this.head = 0;
    this.ready = [];
    this.readyPos = 0;
  }

  /**
   * Releases every event the reorder buffer holds, ripe or not (the input paused, or reading
   * stopped). A later line older than what the stream has emitted since will be late.
   */
  async releaseHeld(): Promise<void> {
    const released: PipelineEvent[] = [];
    for (let i = this.head; i < this.buf.length; i++) this.finish(this.buf[i]!, released);
    this.head = this.buf.length;
    this.compact();
    if (this.ctx.parse.jwt.pendingCount > 0) await this.ctx.parse.jwt.settle();
    this.addReady(released);
  }

  /**
   * Records a bad line, or throws in strict mode. The thrown message names only the place,
   * reason and field (`file:line: reason (path)`): it may reach a log, the line's data may not.
   */
  reject(line: number, reason: string, message: string, excerpt: string, path?: string): void {
    if (this.ctx.strict) {
      const where = path === undefined || path === '$' ? '' : ` (${path})`;
      throw new BreachwatchError('ERR_STRICT_BAD_LINE', `${this.file}:${line}: ${reason}${where}`);
    }
    this.stats.quarantined++;
    this.stats.byReason[reason] = (this.stats.byReason[reason] ?? 0) + 1;
    this.ctx.quarantine.write({ file: this.file, line, reason, message, excerpt: excerpt.slice(0, 200) });
  }

  /**
   * Reads one batch. Lines older than `lastEmitted` (the stream's output time) can no longer
   * be placed in order: they are parsed at once and go to `late`. The rest enter the reorder
   * buffer; what is ripe is parsed (JWT signatures awaited) and released to `ready`.
   */
  async pull(lastEmitted: number, late: PipelineEvent[]): Promise<void> {
    const r = await (this.reading ?? this.lines.next());
    this.reading = undefined;
    let inLate: Pending[] = [];
    if (r.done === true) this.eof = true;
    else inLate = this.accept(r.value, lastEmitted);
    const n = this.ripe();
    const released: PipelineEvent[] = [];
    for (const p of inLate) this.finish(p, late);
    for (let i = this.head; i < n; i++) this.finish(this.buf[i]!, released);
    this.head = n;
    this.compact();
    if (this.ctx.parse.jwt.pendingCount > 0) await this.ctx.parse.jwt.settle();
    this.addReady(released);
  }

  private addReady(released: PipelineEvent[]): void {
    if (released.length === 0) return;
    this.ready = this.readyPos < this.ready.length ? this.ready.slice(this.readyPos).concat(released) : released;
    this.readyPos = 0;
  }

  /**
   * Sorts a batch's lines into the buffer; returns those already too late to be ordered. A
   * batch from a parse thread carries each line's peeked time and parse result, used exactly
   * where this thread would have computed them, so the order of everything is the same.
   */
  private accept(batch: LineBatch | ParsedBatch, lastEmitted: number): Pending[] {
    this.bytesRead = batch.bytesRead;
    const inc: Pending[] = [];
    const late: Pending[] = [];
    const { texts, bad } = batch;
    const pb = 'state' in batch ? batch : undefined;
    let b = 0;
    let max = this.maxSeen;
    for (let i = 0; i < texts.length; i++) {
      const line = batch.firstLine + i;
      const text = texts[i]!;
      this.stats.lines++;
      const badLine = bad[b];
      if (badLine !== undefined && badLine.line === line) {
        b++;
        this.reject(line, badLine.reason, badLine.message, badLine.excerpt);
        continue;
      }
      if (isBlank(text)) {
        this.stats.blank++;
        continue;
      }
      // Strict mode parses at once, so that the first bad line is the one reported.
      let t = this.ctx.strict ? undefined : pb === undefined ? peekLineTime(text) : peeked(pb, i);
      let ev: PipelineEvent | undefined;
      if (t === undefined) {
        ev = this.parse(text, line, undefined, pb, i);
        if (ev === undefined) continue;
        t = ev.t;
      }
      if (t > max) max = t;
      (t < lastEmitted ? late : inc).push({ t, line, text, ev, pb, pi: i });
    }
    this.maxSeen = max;
    // Stable sort: equal times keep line order.
    if (!isSorted(inc)) sortByTime(inc);
    mergeInto(this.buf, this.head, inc);
    return late;
  }

  /** Parses a line; a bad one is quarantined and gives `undefined`. */
  private parse(text: string, line: number, peeked: number | undefined, pb: ParsedBatch | undefined, pi: number): PipelineEvent | undefined {
    const ref: SourceRef = { file: this.file, line };
    const state = pb === undefined ? LINE.main : pb.state[pi];
    const res: ParseResult<PipelineEvent> = state === LINE.ok ? { ok: true, value: eventOf(pb!, pi, ref) }
      : state === LINE.refused ? { ok: false, issues: pb!.issues[pi] ?? [] }
      : this.kind === 'access' ? parseAccessLine(text, ref, this.ctx.parse) : parseLedgerLine(text, ref);
    if (!res.ok) {
      const msg = res.issues.map((x) => (x.path === undefined || x.path === '$' ? x.message : `${x.path}: ${x.message}`)).join('; ');
      const first = res.issues[0];
      this.reject(line, first?.code ?? 'invalid', msg, text, first?.path);
      return undefined;
    }
    if (peeked !== undefined && res.value.t !== peeked) {
      // Only a line with two different `time` keys can get here.
      this.reject(line, 'bad_time', 'time is given more than once, with different values', text);
      return undefined;
    }
    this.stats.accepted++;
    return res.value;
  }

  /** Parses (if needed) a released line and appends its event to `out`. */
  private finish(p: Pending, out: PipelineEvent[]): void {
    const ev = p.ev ?? this.parse(p.text, p.line, p.t, p.pb, p.pi);
    if (ev !== undefined) out.push(ev);
  }

  /** Index in the buffer up to which lines are ripe for release. */
  private ripe(): number {
    const wm = this.eof ? Infinity : this.maxSeen - this.ctx.reorderBoundMs;
    return upperBound(this.buf, wm, this.head);
  }

  private compact(): void {
    if (this.head === this.buf.length) {
      this.buf = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AT && this.head * 2 >= this.buf.length) {
      this.buf = this.buf.slice(this.head);
      this.head = 0;
    }
  }
}
