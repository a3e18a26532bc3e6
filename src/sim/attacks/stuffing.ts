/**
 * `credential-stuffing`: a combo list walked from a handful of datacenter addresses. Most
 * logins fail (401, anonymous); for customers who reused a leaked password they succeed, so
 * the ledger records a real password-grant issue to the attacker's address and device,
 * and the token is then used to harvest that customer's personal data.
 */
import { SECOND } from '../../model/index.js';
import { SCRIPT_UAS } from '../agents.js';
import { R } from '../catalog.js';
import { ATTACKER, authFrag, source, tokenJson, uuid, type SimToken } from '../emit.js';
import { HOSTING } from '../network.js';
import { Permutation } from '../permutation.js';
import { accountId } from '../population.js';
import { CUSTOMER_KID } from '../reference.js';
import { hex8, permute32 } from '../rng.js';
import type { Attack, AttackContext } from './attack.js';
import { harvest } from './harvest.js';
import { Slots } from './slots.js';

/** Share of customers whose password is on the attacker's list. */
const REUSED_SHARE = 0.035;
/** Attempts for unknown or mistyped identities, as a share of real ones. */
const JUNK_SHARE = 0.3;

/** Creates the credential-stuffing attack. */
export function credentialStuffingAttack(ctx: AttackContext): Attack {
  const w = ctx.world;
  const { rng, emit } = w;
  const n = w.pop.n;
  const order = new Permutation(n, rng);
  const reusedKey = rng.u32();
  const slots = new Slots(Math.round(n * 0.9 * (1 + JUNK_SHARE)), ctx.window);
  const hosts = HOSTING.slice(3, 8);
  const devices = Array.from({ length: 20 }, () => 'd-' + hex8(rng.u32()));
  let attempts = 0;
  let failed = 0;
  let compromised = 0;
  const jtis: string[] = [];

  const attempt = (k: number, t: number): void => {
    const h = rng.pick(hosts);
    const device = rng.pick(devices);
    const src = source(h.ip, rng.pick(SCRIPT_UAS), device, h.country, h.asn);
    attempts++;
    // Slots past the real accounts are junk identities; some real ones are not on the list.
    const a = k < n ? order.at(k) : -1;
    const reused = a >= 0 && permute32(a, reusedKey) / 4294967296 < REUSED_SHARE;
    if (!reused) {
      failed++;
      emit.access(t, src, { route: R.login, status: rng.chance(0.05) ? 429 : 401 }, ATTACKER);
      return;
    }
    emit.access(t, src, { route: R.login }, ATTACKER);
    const ti = t + 30 + rng.int(200);
    const jti = uuid(rng);
    const iat = Math.floor(ti / SECOND);
    const sub = accountId(a);
    const claims: SimToken = { jti, kid: CUSTOMER_KID, sub, iat, exp: iat + 3600, client: 'android' };
    emit.issue(ti, claims, { grant: 'password', ip: h.ip, device });
    compromised++;
    jtis.push(jti);
    harvest(w, { victim: a, at: ti + 20 * SECOND + rng.int(300 * SECOND), src, auth: authFrag(sub, tokenJson(claims)) });
  };

  return {
    kind: 'credential-stuffing',
    slice(from: number, to: number): void {
      if (to <= ctx.window.from || from >= ctx.window.to) return;
      slots.drain(from, to, rng, attempt);
    },
    details: () => ({
      login_attempts: attempts,
      failed_logins: failed,
      compromised_accounts: compromised,
      attacker_jtis: [...jtis].sort(),
      attacker_devices: [...devices].sort(),
    }),
  };
}
