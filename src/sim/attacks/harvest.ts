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

/** Emits the reads of `victim`'s data at `t` with the given auth fragment; returns the end time. */
export function harvest(w: World, victim: number, t: number, src: Source, auth: string, pOrderDetail = 0.2): number {
  const { rng, emit, pop } = w;
  const routes: SimRoute[] = [R.profile, R.addresses, R.orders];
  if (rng.chance(pOrderDetail)) routes.push(R.order);
  for (const route of routes) {
    const records = route === R.addresses ? (pop.addrCount[victim] ?? 1) : route === R.orders ? (pop.orderCount[victim] ?? 0) : 1;
    emit.access(t, src, route, status(rng.float()), records, auth, victim);
    t += 800 + rng.int(5 * SECOND);
  }
  return t;
}
