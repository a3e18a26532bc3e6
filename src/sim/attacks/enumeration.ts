/**
 * `unauthenticated-enumeration`: a release left `/v1/members/{id}/profile` answering requests
 * without a token (as in the 2022 Optus breach). The attacker finds it by probing (the address
 * and order routes still answer 401) and then walks sequential member ids, anonymously, from a
 * rotating pool of residential proxy addresses, each used for a short burst. Ids past the last
 * member answer 404. The gateway logs whose profile it served (`account_id`); no token anywhere.
 */
import { SECOND } from '../../model/index.js';
import { userAgent } from '../agents.js';
import { R } from '../catalog.js';
import { ATTACKER, source, type Source } from '../emit.js';
import { ISPS, ipString, residentialIp } from '../network.js';
import { accountId } from '../population.js';
import type { Attack, AttackContext } from './attack.js';
import { Slots } from './slots.js';

/** Share of the id range walked. */
const WALK_SHARE = 0.6;
/** Requests per proxy address before the pool rotates. */
const BURST = 40;

/** Creates the unauthenticated-enumeration attack. */
export function enumerationAttack(ctx: AttackContext): Attack {
  const w = ctx.world;
  const { rng, emit } = w;
  const n = w.pop.n;
  const walk = Math.max(1, Math.round(n * WALK_SHARE));
  // Start somewhere in the range; the walk runs past the last member (404s) a little.
  const startId = rng.int(Math.max(1, n - walk + 1));
  const steps = walk + Math.max(5, Math.round(walk * 0.01));
  const slots = new Slots(steps, ctx.window);
  const proxies: Source[] = [];
  for (let k = 0; k < Math.max(20, Math.ceil(steps / BURST)); k++) {
    const isp = rng.int(ISPS.length);
    proxies.push(source(ipString(residentialIp(rng, isp)), userAgent(2, k), undefined, 'KR', ISPS[isp]?.asn ?? 'AS4766'));
  }
  let firstExposure: number | null = null;
  let probed = false;
  let served = 0;
  let notFound = 0;

  const read = (k: number, t: number): void => {
    const src = proxies[Math.floor(k / BURST) % proxies.length] as Source;
    if (!probed) {
      // The routes that kept their auth check answer 401 first.
      probed = true;
      emit.access(t, src, { route: R.addresses, status: 401 }, ATTACKER);
      emit.access(t + 700, src, { route: R.orders, status: 401 }, ATTACKER);
      t += 1500 + rng.int(2 * SECOND);
    }
    const i = startId + k;
    if (i >= n) {
      notFound++;
      emit.access(t, src, { route: R.profile, status: 404 }, ATTACKER);
      return;
    }
    served++;
    firstExposure ??= t;
    emit.access(t, src, { route: R.profile, records: 1, auth: `,"account_id":"${accountId(i)}"` }, i);
  };

  return {
    kind: 'unauthenticated-enumeration',
    slice(from: number, to: number): void {
      if (to <= ctx.window.from || from >= ctx.window.to) return;
      slots.drain(from, to, rng, read);
    },
    details: () => ({
      route: 'GET /v1/members/{id}/profile', first_id: accountId(startId), ids_walked: steps,
      profiles_served: served, not_found: notFound, proxies: proxies.length,
      first_exposure_time: firstExposure === null ? null : new Date(firstExposure).toISOString(),
    }),
  };
}
