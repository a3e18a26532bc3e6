/**
 * `honey-account-hit`: account takeover with infostealer credentials. The attacker holds
 * working passwords for about 2% of customers — and, unknowingly, for planted honey accounts
 * whose credentials the platform seeded where infostealer logs are traded. Every login
 * succeeds (a real password-grant issue to the attacker's address and device); each session
 * reads the account's profile, addresses and orders through a small rotating proxy pool that
 * changes address on every request. No failed logins, modest volume: only the honey account
 * gives it away, on its first read.
 */
import { SECOND } from '../../model/index.js';
import { SCRIPT_UAS } from '../agents.js';
import { R } from '../catalog.js';
import { ATTACKER, authFrag, source, tokenJson, uuid, type SimToken, type Source } from '../emit.js';
import { Permutation } from '../permutation.js';
import { accountId } from '../population.js';
import { CUSTOMER_KID } from '../reference.js';
import { hex8, permute32 } from '../rng.js';
import type { Attack, AttackContext } from './attack.js';
import { Slots } from './slots.js';

/** Share of customers in the attacker's credential list. */
const LIST_SHARE = 0.02;
/** The proxy pool (a small datacenter range rented for the job). */
const POOL = ['185.181.60.11', '185.181.60.29', '185.181.61.7', '185.181.61.42'];

/** Creates the honey-account-hit attack. */
export function takeoverAttack(ctx: AttackContext): Attack {
  const w = ctx.world;
  const { rng, emit, pop } = w;
  const n = w.pop.n;
  const listKey = rng.u32();
  const inList = (a: number): boolean => w.honey[a] === 1 || permute32(a, listKey) / 4294967296 < LIST_SHARE;
  const order = new Permutation(n, rng);
  let listed = 0;
  for (let a = 0; a < n; a++) if (inList(a)) listed++;
  const slots = new Slots(n, ctx.window);
  const device = 'd-' + hex8(rng.u32());
  const ua = SCRIPT_UAS[0] ?? 'okhttp/4.12.0';
  const pool: Source[] = POOL.map((ip) => source(ip, ua, device, 'NL', 'AS9009'));
  let sessions = 0;

  const takeOver = (a: number, t0: number): void => {
    let t = t0;
    const hop = (): Source => rng.pick(pool);
    const login = hop();
    emit.access(t, login, { route: R.login }, ATTACKER);
    const ti = t + 40 + rng.int(200);
    const jti = uuid(rng);
    const iat = Math.floor(ti / SECOND);
    const sub = accountId(a);
    const claims: SimToken = { jti, kid: CUSTOMER_KID, sub, iat, exp: iat + 3600, client: 'android' };
    emit.issue(ti, claims, { grant: 'password', ip: login.ip, device });
    const auth = authFrag(sub, tokenJson(claims));
    t = ti + 2 * SECOND + rng.int(8 * SECOND);
    for (const route of [R.profile, R.addresses, R.orders]) {
      const records = route === R.addresses ? (pop.addrCount[a] ?? 1) : route === R.orders ? (pop.orderCount[a] ?? 0) : 1;
      emit.access(t, hop(), { route, records, auth }, a);
      t += 1500 + rng.int(6 * SECOND);
    }
    sessions++;
  };

  return {
    kind: 'honey-account-hit',
    slice(from: number, to: number): void {
      if (to <= ctx.window.from || from >= ctx.window.to) return;
      slots.drain(from, to, rng, (k, t) => {
        const a = order.at(k);
        if (inList(a)) takeOver(a, t);
      });
    },
    details: () => ({ credentials_listed: listed, sessions, proxies: [...POOL], attacker_device: device }),
  };
}
