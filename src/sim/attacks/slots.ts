/**
 * Evenly paced work over the attack window: slot k of n falls at from + (k + ½)·step, with
 * jitter, and each time slice takes the slots that fall inside it. Low and slow by construction.
 */
import type { Rng } from '../rng.js';
import type { AttackWindow } from './attack.js';

/** A cursor over n slots spread across a window. */
export class Slots {
  private next = 0;
  private readonly step: number;

  constructor(readonly n: number, private readonly window: AttackWindow) {
    this.step = n > 0 ? (window.to - window.from) / n : 0;
  }

  /**
   * Calls `f(slot, t)` for every slot whose time falls in [`from`, `to`). Times never
   * precede `from`, so nothing lands in a slice already written.
   */
  drain(from: number, to: number, rng: Rng, f: (slot: number, t: number) => void): void {
    while (this.next < this.n) {
      const mid = this.window.from + (this.next + 0.5) * this.step;
      if (mid >= to) break;
      const t = Math.max(from, Math.floor(mid + (rng.float() - 0.5) * Math.min(this.step, to - from) * 0.9));
      f(this.next++, Math.min(t, to - 1));
    }
  }
}
