/**
 * The live groups of one correlation rule: slot (from the shared {@link GroupIndex}) →
 * {@link GroupState}. Freed groups are recycled; an expiry wheel frees a group at most 1/16
 * of the timespan after its window has passed. A state whose slot the index has since freed
 * and re-used for another key (generation changed) is stale and starts afresh.
 */
import type { CorrelationType } from '../types.js';
import type { GroupIndex } from './group-index.js';
import { ExpiryWheel } from './wheel.js';
import { newGroup, resetGroup } from './window.js';
import type { GroupState } from './window.js';

/** Per-correlation group states by slot, a pool of freed ones and the expiry wheel. */
export class GroupTable {
  private readonly states: (GroupState | undefined)[] = [];
  private readonly pool: GroupState[] = [];
  private readonly wheel: ExpiryWheel;
  private live = 0;

  constructor(readonly index: GroupIndex, private readonly type: CorrelationType, private readonly nRules: number, private readonly span: number) {
    this.wheel = new ExpiryWheel(span);
  }

  /** Number of live groups. */
  get size(): number { return this.live; }

  /** The group of slot `s` (created, recycled or renewed as needed). */
  get(s: number): GroupState {
    const gen = this.index.gens[s]!;
    let g = this.states[s];
    if (g === undefined) {
      g = this.pool.pop();
      if (g === undefined) g = newGroup(this.type, this.nRules, s, gen);
      else resetGroup(g, s, gen);
      while (this.states.length <= s) this.states.push(undefined);
      this.states[s] = g;
      this.live++;
    } else if (g.gen !== gen) {
      this.wheel.drop(s);
      resetGroup(g, s, gen);
    }
    return g;
  }

  /** Empties a live group whose window has passed (as if it had been freed and re-created). */
  renew(g: GroupState): void {
    resetGroup(g, g.slot, g.gen);
  }

  /** `g`'s newest time changed. */
  touch(g: GroupState): void { this.wheel.touch(g.slot, g.last); }

  /** Frees every group whose window has passed at watermark `w` (to 1/16 of the timespan). */
  expire(w: number): void {
    const horizon = w - this.span;
    this.wheel.expire(w, (s) => {
      const g = this.states[s];
      if (g === undefined || g.last > horizon) return;
      this.states[s] = undefined;
      this.live--;
      if (this.pool.length < Math.max(1024, this.live >> 2)) this.pool.push(g);
    });
  }

  /** Live groups with their keys (stale ones, whose slot was re-used, are skipped). */
  *entries(): Generator<[string, GroupState]> {
    for (const g of this.states) {
      if (g === undefined || g.gen !== this.index.gens[g.slot]) continue;
      const k = this.index.keys[g.slot];
      if (k !== undefined) yield [k, g];
    }
  }

  /** Adds a restored group under `key` at its newest time. */
  put(key: string, g: GroupState): void {
    const s = this.index.slot(key, g.last);
    g.slot = s;
    g.gen = this.index.gens[s]!;
    while (this.states.length <= s) this.states.push(undefined);
    if (this.states[s] === undefined) this.live++;
    this.states[s] = g;
    this.touch(g);
  }

  /** Drops everything. */
  clear(): void {
    this.states.length = 0;
    this.pool.length = 0;
    this.wheel.clear();
    this.live = 0;
  }
}
