/**
 * Ground truth, gathered as attacker requests are emitted: which accounts' personal data
 * reached the attacker (per-account route mask), from which addresses, and when.
 */
import { fieldsOfMask } from './catalog.js';
import { accountId } from './population.js';

/** What the tracker knows at the end of a run. */
export interface AttackTotals {
  readonly requests: number;
  readonly first: number | null;
  readonly last: number | null;
  readonly ips: string[];
  readonly affected: string[];
  readonly fields: string[];
  /** Accounts that lost fewer fields than `fields`. */
  readonly partial: Record<string, string[]>;
  /** Planted honey accounts whose data the attacker received, and when the first was. */
  readonly honeyRead: string[];
  readonly firstHoneyRead: number | null;
}

/** Accumulates truth for one attack. */
export class AttackTracker {
  readonly mask: Uint8Array;
  private readonly ips = new Set<string>();
  requests = 0;
  private first = Infinity;
  private last = -Infinity;
  private firstHoney = Infinity;

  constructor(accounts: number, private readonly honey: Uint8Array = new Uint8Array(accounts)) {
    this.mask = new Uint8Array(accounts);
  }

  /** An attacker request at `t` from `ip`; `victim` ≥ 0 with `bit` ≠ 0 marks exposed data. */
  record(t: number, ip: string, victim: number, bit: number): void {
    this.requests++;
    if (t < this.first) this.first = t;
    if (t > this.last) this.last = t;
    this.ips.add(ip);
    if (victim >= 0 && bit !== 0) {
      this.mask[victim] = (this.mask[victim] ?? 0) | bit;
      if (this.honey[victim] === 1 && t < this.firstHoney) this.firstHoney = t;
    }
  }

  /** Number of accounts exposed so far. */
  affectedCount(): number {
    let c = 0;
    for (let i = 0; i < this.mask.length; i++) if (this.mask[i] !== 0) c++;
    return c;
  }

  /** Final figures (affected sorted; account ids sort as their indices do). */
  totals(): AttackTotals {
    let union = 0;
    for (let i = 0; i < this.mask.length; i++) union |= this.mask[i] ?? 0;
    const fields = fieldsOfMask(union);
    const affected: string[] = [];
    const honeyRead: string[] = [];
    const partial: Record<string, string[]> = {};
    const fullCount = fields.length;
    const cache = new Map<number, string[]>();
    for (let i = 0; i < this.mask.length; i++) {
      const m = this.mask[i] ?? 0;
      if (m === 0) continue;
      const id = accountId(i);
      affected.push(id);
      if (this.honey[i] === 1) honeyRead.push(id);
      let f = cache.get(m);
      if (f === undefined) {
        f = fieldsOfMask(m);
        cache.set(m, f);
      }
      if (f.length < fullCount) partial[id] = f;
    }
    return {
      requests: this.requests,
      first: Number.isFinite(this.first) ? this.first : null,
      last: Number.isFinite(this.last) ? this.last : null,
      ips: [...this.ips].sort(),
      affected,
      fields,
      partial,
      honeyRead,
      firstHoneyRead: Number.isFinite(this.firstHoney) ? this.firstHoney : null,
    };
  }
}
