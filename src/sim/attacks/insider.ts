/**
 * `insider-console`: an analyst from the data team — not support — signs in to the support
 * console with their own, legitimately issued tokens and reads thousands of customers'
 * profiles and address lists from the HQ egress during working hours. Every token is in the
 * ledger; only who is reading, and how much, is wrong.
 */
import { DAY, HOUR } from '../../model/index.js';
import { consoleDay } from '../console.js';
import { INSIDER } from '../reference.js';
import { isWeekend } from '../world.js';
import type { Attack, AttackContext } from './attack.js';

/** Creates the insider-console attack. */
export function insiderConsoleAttack(ctx: AttackContext): Attack {
  const w = ctx.world;
  const perDay = Math.max(200, Math.min(3000, Math.round(w.pop.n / 60)));
  let days = 0;
  return {
    kind: 'insider-console',
    slice(t: number): void {
      // Working days start at UTC midnight (09:00 KST): every one inside the window.
      if ((t - w.start) % DAY !== 0 || t < ctx.window.from || t + 10 * HOUR > ctx.window.to) return;
      if (isWeekend(t + HOUR)) return;
      days++;
      consoleDay(w, {
        staff: INSIDER, dayStart: t, lookups: Math.round(perDay * (0.6 + 0.8 * w.rng.float())),
        attacker: true, pAddresses: 0.9, pOrders: 0.1,
      });
    },
    details: () => ({ insider: INSIDER, team: 'data', client_id: 'cs-console', working_days: days }),
  };
}
