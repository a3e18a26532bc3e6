/**
 * The quarantine: every line ingest could not accept, as NDJSON records
 * `{file, line, reason, message, excerpt}` (excerpt = the line's first 200 characters). It is an
 * output artifact beside the input, not a log: it holds the user's data, as the input does.
 */
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { BreachwatchError } from '../model/index.js';

/** One quarantined line. */
export interface QuarantineRecord {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  readonly message: string;
  readonly excerpt: string;
}

const FLUSH_AT = 1 << 16;
const KEEP_IN_MEMORY = 10_000;

/**
 * Writes quarantine records to a file (or keeps the first 10 000 in memory when built without
 * a path, for tests and embedding) and counts them per reason.
 */
export class QuarantineWriter {
  /** Records kept in memory (only when there is no file). */
  readonly records: QuarantineRecord[] = [];
  private readonly counts = new Map<string, number>();
  private readonly out: WriteStream | undefined;
  private buf = '';
  private failure: Error | undefined;
  private total = 0;

  constructor(readonly path?: string) {
    if (path !== undefined) {
      // Owner-only: quarantined lines are the user's data (tokens, personal fields).
      this.out = createWriteStream(path, { mode: 0o600 });
      this.out.on('error', (e) => { this.failure = e; });
    }
  }

  /** Adds one record. Buffered: call {@link drain} now and then, and {@link close} at the end. */
  write(r: QuarantineRecord): void {
    this.total++;
    this.counts.set(r.reason, (this.counts.get(r.reason) ?? 0) + 1);
    if (this.out === undefined) {
      if (this.records.length < KEEP_IN_MEMORY) this.records.push(r);
      return;
    }
    this.buf += `${JSON.stringify({ file: r.file, line: r.line, reason: r.reason, message: r.message, excerpt: r.excerpt.slice(0, 200) })}\n`;
    if (this.buf.length >= FLUSH_AT) this.push();
  }

  /** Records written so far. */
  get count(): number {
    return this.total;
  }

  /** Records per reason. */
  byReason(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  private push(): boolean {
    if (this.out === undefined || this.buf.length === 0) return true;
    const ok = this.out.write(this.buf);
    this.buf = '';
    return ok;
  }

  /** Hands buffered records to the file and waits if the file is behind (backpressure). */
  async drain(): Promise<void> {
    this.check();
    if (this.push() || this.out === undefined) return;
    const out = this.out;
    await new Promise<void>((res) => { out.once('drain', res); out.once('close', res); });
    this.check();
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    this.push();
    const out = this.out;
    if (out !== undefined && !out.closed) {
      await new Promise<void>((res) => { out.once('close', res); out.end(); });
    }
    this.check();
  }

  private check(): void {
    if (this.failure !== undefined) {
      throw new BreachwatchError('ERR_CONFIG', `cannot write quarantine file ${this.path ?? ''}: ${this.failure.message}`, { cause: this.failure });
    }
  }
}
