/**
 * `forged-token` and `forged-token-swarm`: the departed custodian signs tokens with the
 * never-rotated sig-2019-01 (so kid and claims look right) whose jti the auth server never
 * issued, and reads ~95% of all customers' profile, addresses and orders, once or twice each,
 * evenly over months. Plain: from 3–5 foreign hosting addresses. Swarm: through thousands of
 * domestic residential proxies, each used for only a few victims.
 *
 * With `faults` (the feed-fault scenario) the attacker knows the ledger's blind spots and
 * aims `iat` at them: 15% of tokens claim an issuance inside the last ledger gap already past,
 * 10% one before the ledger's start, each with an `exp` still valid at use (the key's usual
 * hour after use). Such tokens are used during normal ledger traffic, so they must still be
 * judged forged.
 */
import { SECOND } from '../../model/index.js';
import { clientId, userAgent } from '../agents.js';
import { authFrag, source, tokenJson, uuid, type Source } from '../emit.js';
import { HOSTING, ISPS, ipString, residentialIp } from '../network.js';
import { Permutation } from '../permutation.js';
import { accountId } from '../population.js';
import { CUSTOMER_KID, DEPARTED_CUSTODIAN } from '../reference.js';
import { hex8, permute32 } from '../rng.js';
import { blindIssuance, type FeedFaults } from '../faults.js';
import type { Attack, AttackContext } from './attack.js';
import { harvest } from './harvest.js';
import { Slots } from './slots.js';

const VICTIM_SHARE = 0.95;
const REVISIT_SHARE = 0.3;

/** Creates the forged-token attack (`swarm` spreads it over residential proxies). */
export function forgedTokenAttack(ctx: AttackContext, swarm: boolean, faults: FeedFaults | null = null): Attack {
  const w = ctx.world;
  const { rng } = w;
  const n = w.pop.n;
  const first = new Permutation(n, rng);
  const again = new Permutation(n, rng);
  const victimKey = rng.u32();
  const revisitKey = rng.u32();
  const firstSlots = new Slots(n, ctx.window);
  const againSlots = new Slots(n, ctx.window);
  const hosts = HOSTING.slice(0, 3 + rng.int(3));
  const proxyCount = swarm ? Math.max(2000, Math.ceil((n * VICTIM_SHARE * (1 + REVISIT_SHARE)) / 4)) : 0;
  const proxyIp = new Uint32Array(proxyCount);
  const proxyIsp = new Uint8Array(proxyCount);
  for (let k = 0; k < proxyCount; k++) {
    proxyIsp[k] = rng.int(ISPS.length);
    proxyIp[k] = residentialIp(rng, proxyIsp[k] ?? 0);
  }
  let forged = 0;
  let blindIat = 0;
  const isVictim = (a: number): boolean => permute32(a, victimKey) / 4294967296 < VICTIM_SHARE;
  const revisits = (a: number): boolean => permute32(a, revisitKey) / 4294967296 < REVISIT_SHARE;

  const visit = (a: number, t: number): void => {
    const kind = rng.int(2);
    let src: Source;
    const device = 'd-' + hex8(rng.u32());
    if (swarm) {
      const p = rng.int(proxyCount);
      src = source(ipString(proxyIp[p] ?? 0), userAgent(kind, rng.int(8)), device, 'KR', ISPS[proxyIsp[p] ?? 0]?.asn ?? 'AS4766');
    } else {
      const h = rng.pick(hosts);
      src = source(h.ip, userAgent(kind, rng.int(8)), device, h.country, h.asn);
    }
    // Minted shortly before use, valid for the key's usual hour (or aimed at a blind spot).
    let iat = Math.floor(t / SECOND) - rng.int(600);
    let exp = iat + 3600;
    if (faults !== null) {
      const u = rng.float();
      const aim = u < 0.25 ? blindIssuance(faults, t, rng.float(), u >= 0.15) : undefined;
      if (aim !== undefined) {
        iat = Math.floor(aim / SECOND);
        exp = Math.floor(t / SECOND) + 3600;
        blindIat++;
      }
    }
    const sub = accountId(a);
    const tok = tokenJson({ jti: uuid(rng), kid: CUSTOMER_KID, sub, iat, exp, client: clientId(kind) });
    forged++;
    harvest(w, { victim: a, at: t, src, auth: authFrag(sub, tok) });
  };

  return {
    kind: swarm ? 'forged-token-swarm' : 'forged-token',
    slice(from: number, to: number): void {
      if (to <= ctx.window.from || from >= ctx.window.to) return;
      firstSlots.drain(from, to, rng, (k, t) => {
        const a = first.at(k);
        if (isVictim(a)) visit(a, t);
      });
      againSlots.drain(from, to, rng, (k, t) => {
        const a = again.at(k);
        if (isVictim(a) && revisits(a)) visit(a, t);
      });
    },
    details: () => ({
      forged_jtis_count: forged,
      kid: CUSTOMER_KID,
      key_custodian: DEPARTED_CUSTODIAN,
      proxies: swarm ? proxyCount : undefined,
      ...(faults !== null && { tokens_with_blind_iat: blindIat }),
    }),
  };
}
