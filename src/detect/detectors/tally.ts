/**
 * The running totals behind one alert of the exposure detectors (unauthenticated-exposure,
 * cross-account-access, honey-account-read): event-time window, requests, distinct accounts
 * and sources, a sample of request ids, and when it was last emitted. Findings report these
 * as running totals, so an alert's counts and title grow with the attack.
 */
import { hash30 } from '../hash.js';
import { DistinctCounter, type DistinctCounterState } from '../sketch/distinct-counter.js';
import { TopK } from '../sketch/top-k.js';

const MAX_EVIDENCE = 20;

/** How often a growing exposure alert is re-emitted, in event time (default of all three detectors). */
export const DEFAULT_EXPOSURE_EMIT_EVERY_MS = 60_000;

/** `1 account`, `3 accounts`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
const TOP_SOURCES = 16;

/** JSON form of a {@link Tally}. */
export interface TallyState {
  readonly first: number; readonly last: number; readonly events: number; readonly other: number;
  readonly accounts: DistinctCounterState; readonly sources: DistinctCounterState; readonly top: [string, number][];
  readonly evidence: string[]; readonly lastEmit: number | null; readonly sent: number;
}

/** Running totals of one alert. */
export class Tally {
  events = 0;
  /** A second, detector-defined count (denied attempts, responses without an account id, …). */
  other = 0;
  accounts = new DistinctCounter();
  sources = new DistinctCounter();
  top = new TopK(TOP_SOURCES);
  evidence: string[] = [];
  lastEmit = -Infinity;
  /** `events` at the last emit: unchanged means nothing new to report. */
  sent = 0;

  constructor(public first: number, public last: number) {}

  /** Counts one request at `t` from `ip` (account undefined when the response named none). */
  add(t: number, ip: string, account: string | undefined, requestId: string | undefined): void {
    if (t < this.first) this.first = t;
    if (t > this.last) this.last = t;
    this.events++;
    if (account !== undefined) this.accounts.add(hash30(account));
    this.sources.add(hash30(ip));
    this.top.add(ip);
    if (requestId !== undefined && this.evidence.length < MAX_EVIDENCE) this.evidence.push(requestId);
  }

  /** True when something was counted since the last emit. */
  get dirty(): boolean {
    return this.events !== this.sent;
  }

  /** Marks an emit at event time `at`. */
  emitted(at: number): void {
    this.lastEmit = at;
    this.sent = this.events;
  }

  /** The busiest sources, for alert details. */
  topSources(n = 10): { ip: string; requests: number }[] {
    return this.top.top(n).map((x) => ({ ip: x.key, requests: x.count }));
  }

  bytes(): number {
    return 200 + this.accounts.bytes() + this.sources.bytes() + this.top.bytes() + this.evidence.length * 40;
  }

  snapshot(): TallyState {
    return {
      first: this.first, last: this.last, events: this.events, other: this.other,
      accounts: this.accounts.snapshot(), sources: this.sources.snapshot(), top: this.top.snapshot(),
      evidence: [...this.evidence], lastEmit: Number.isFinite(this.lastEmit) ? this.lastEmit : null, sent: this.sent,
    };
  }

  /** Rebuilds from {@link Tally.snapshot} output. */
  static restore(s: TallyState): Tally {
    const t = new Tally(s.first, s.last);
    t.events = s.events;
    t.other = s.other;
    t.accounts = DistinctCounter.restore(s.accounts);
    t.sources = DistinctCounter.restore(s.sources);
    t.top = TopK.restore(s.top, TOP_SOURCES);
    t.evidence = [...s.evidence];
    t.lastEmit = s.lastEmit ?? -Infinity;
    t.sent = s.sent;
    return t;
  }
}
