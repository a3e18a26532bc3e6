/**
 * Lines to an append-only file, written together at the end of the event-loop turn: under
 * load one write carries every request of the turn instead of one write per line. A crash
 * loses at most that turn's lines. The journal and the audit trail both write through one.
 */
import { writeSync } from 'node:fs';

/** A buffer of lines bound for one file descriptor (which its owner may replace). */
export class TurnWriter {
  private pending = '';
  private flushing: NodeJS.Immediate | undefined;

  /** `fd` is where the lines go; -1 while there is no file (lines are then dropped at flush). */
  constructor(public fd: number) {}

  /** Queues `text` (whole lines) for the end of the turn. */
  append(text: string): void {
    this.pending += text;
    this.flushing ??= setImmediate(() => this.flush());
  }

  /** Writes what is queued now. */
  flush(): void {
    const text = this.discard();
    if (text !== '' && this.fd >= 0) writeSync(this.fd, text);
  }

  /** Drops what is queued (its owner has it elsewhere) and returns it. */
  discard(): string {
    if (this.flushing !== undefined) clearImmediate(this.flushing);
    this.flushing = undefined;
    const text = this.pending;
    this.pending = '';
    return text;
  }
}
