/**
 * Which customers start a session when, for one day: a Poisson draw per account from its
 * activity level, scaled by weekday/weekend and shaped by the Korean time of day (evenings
 * busiest). Sessions are grouped by time slice so each slice can be expanded on its own.
 */
import { DAY, HOUR } from '../model/index.js';
import { SLICE } from './timeline.js';
import { ACTIVITY_RATE } from './population.js';
import { isWeekend, type World } from './world.js';

/** Relative session starts by Korean hour (0–23). */
const KST_HOUR_WEIGHT = [
  3.2, 2.0, 1.2, 0.7, 0.5, 0.6, 1.0, 1.8, 2.6, 3.2, 3.6, 3.9,
  4.6, 4.2, 3.8, 3.8, 3.9, 4.1, 4.4, 5.0, 5.8, 6.4, 6.2, 4.8,
];

/** Cumulative weights by UTC hour (KST = UTC + 9). */
const UTC_CUMULATIVE: number[] = (() => {
  const w = Array.from({ length: 24 }, (_, h) => KST_HOUR_WEIGHT[(h + 9) % 24] ?? 1);
  const total = w.reduce((a, b) => a + b, 0);
  let acc = 0;
  return w.map((x) => (acc += x / total));
})();

/** Session starts of one day, grouped by time slice. */
export interface DayPlan {
  /** Account index of each session, slice-major. */
  readonly account: Uint32Array;
  /** Start time (epoch ms) of each session. */
  readonly t: Float64Array;
  /** `offsets[s]`..`offsets[s+1]` are slice s's sessions. */
  readonly offsets: Uint32Array;
}

/** Time slices per hour and per day. */
const PER_HOUR = HOUR / SLICE;
export const SLICES_PER_DAY = DAY / SLICE;

function drawHour(u: number): number {
  let h = 0;
  while (h < 23 && u > (UTC_CUMULATIVE[h] ?? 1)) h++;
  return h;
}

/** Plans day `d` (0-based). */
export function planDay(w: World, d: number): DayPlan {
  const dayStart = w.start + d * DAY;
  const rng = w.rng;
  // Weekends are busier; each day also wobbles a little.
  const factor = (isWeekend(dayStart + 12 * HOUR) ? 1.2 : 1) * (0.93 + 0.14 * rng.float());
  const l = ACTIVITY_RATE.map((r) => Math.exp(-r * factor));
  const n = w.pop.n;
  let cap = Math.max(1024, Math.ceil(n * 0.25));
  let acc = new Uint32Array(cap);
  let slot = new Uint8Array(cap);
  let k = 0;
  const activity = w.pop.activity;
  for (let i = 0; i < n; i++) {
    const c = rng.poissonL(l[activity[i] ?? 0] ?? 1);
    if (w.honey[i] === 1) continue; // planted: never signs in
    for (let j = 0; j < c; j++) {
      if (k === cap) {
        cap *= 2;
        const a2 = new Uint32Array(cap);
        a2.set(acc);
        acc = a2;
        const s2 = new Uint8Array(cap);
        s2.set(slot);
        slot = s2;
      }
      acc[k] = i;
      slot[k] = drawHour(rng.float()) * PER_HOUR + rng.int(PER_HOUR);
      k++;
    }
  }
  const offsets = new Uint32Array(SLICES_PER_DAY + 1);
  for (let s = 0; s < k; s++) {
    const h = (slot[s] ?? 0) + 1;
    offsets[h] = (offsets[h] ?? 0) + 1;
  }
  for (let h = 0; h < SLICES_PER_DAY; h++) offsets[h + 1] = (offsets[h + 1] ?? 0) + (offsets[h] ?? 0);
  const fill = offsets.slice(0, SLICES_PER_DAY);
  const account = new Uint32Array(k);
  const t = new Float64Array(k);
  for (let s = 0; s < k; s++) {
    const h = slot[s] ?? 0;
    const pos = fill[h] ?? 0;
    fill[h] = pos + 1;
    account[pos] = acc[s] ?? 0;
    t[pos] = dayStart + h * SLICE + rng.int(SLICE);
  }
  return { account, t, offsets };
}
