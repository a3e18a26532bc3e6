/**
 * The attacker's read of one victim: profile, address list, order list (sometimes an order's
 * detail), a few seconds apart, with the status mix a busy gateway shows (rare 429/5xx).
 */
import { SECOND } from '../../model/index.js';
import { R, type SimRoute } from '../catalog.js';
import type { Source } from '../emit.js';
import type { World } from '../world.js';

function status(u: number): number {
  if (u < 0.008) return 429;
  if (u < 0.011) return 502;
  return 200;
}

/** One victim's read by the attacker. */
export interface VictimRead {
  readonly victim: number;
  /** When the read starts (epoch ms). */
  readonly at: number;
  readonly src: Source;
  /** The attacker's `account_id` + `token` fragment. */
  readonly auth: string;
  /** Chance that an order's detail is read too (default 0.2). */
  readonly pOrderDetail?: number;
}

/** Emits the reads of a victim's data; returns the end time. */
export function harvest(w: World, read: VictimRead): number {
  const { rng, emit, pop } = w;
  const { victim, src, auth, pOrderDetail = 0.2 } = read;
  let t = read.at;
  const routes: SimRoute[] = [R.profile, R.addresses, R.orders];
  if (rng.chance(pOrderDetail)) routes.push(R.order);
  for (const route of routes) {
    const records = route === R.addresses ? (pop.addrCount[victim] ?? 1) : route === R.orders ? (pop.orderCount[victim] ?? 0) : 1;
    emit.access(t, src, { route, status: status(rng.float()), records, auth }, victim);
    t += 800 + rng.int(5 * SECOND);
  }
  return t;
}
