/**
 * What every attack scenario implements, and the attack window shared by all of them:
 * it opens about one sixth into the run and lasts until shortly before the end.
 */
import { DAY, HOUR } from '../../model/index.js';
import type { FeedFaults } from '../faults.js';
import type { World } from '../world.js';

/** An attack running inside the simulated platform. */
export interface Attack {
  readonly kind: string;
  /** Emits the attack's requests that start in [`from`, `to`) (they may run a little later). */
  slice(from: number, to: number): void;
  /** Scenario-specific truth (counts, ids) added to truth.json. */
  details(): Record<string, unknown>;
}

/** The planned window, epoch ms [from, to). */
export interface AttackWindow {
  readonly from: number;
  readonly to: number;
}

/** Window for a run of `days` starting at `start`. */
export function attackWindow(start: number, days: number): AttackWindow {
  const hours = days * 24;
  const from = start + (Math.floor(hours / 6) + 3) * HOUR;
  const to = start + days * DAY - Math.max(3, Math.round(hours / 30)) * HOUR;
  return { from, to: Math.max(to, from + HOUR) };
}

/** Everything an attack factory gets. */
export interface AttackContext {
  readonly world: World;
  readonly window: AttackWindow;
  /** The run's feed faults (an attacker who knows the ledger's blind spots may aim at them). */
  readonly faults?: FeedFaults | null;
}
