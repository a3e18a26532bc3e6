/**
 * `cross-account-harvest`: broken object-level authorization (OWASP API1:2023). A customer
 * signs in to their own, real account on the Android app (a genuine ledger issue, refreshed
 * every 55 minutes) and reads other customers' profiles and address lists by changing the id
 * in the path, walking up from their own id. Low and slow: 10 victims on the first day, four
 * more each day after, every evening, from home and, now and then, the carrier NAT that
 * thousands of other phones share. Their own-account reads are not part of the harvest.
 */
import { HOUR, MINUTE, SECOND } from '../../model/index.js';
import { userAgent } from '../agents.js';
import { R } from '../catalog.js';
import { ATTACKER, BENIGN, authFrag, source, tokenJson, uuid, type SimToken } from '../emit.js';
import { CARRIERS, ISPS, ipString } from '../network.js';
import { accountId, deviceId } from '../population.js';
import { CUSTOMER_KID } from '../reference.js';
import type { Attack, AttackContext } from './attack.js';

const DAY = 24 * HOUR;

/** Creates the cross-account-harvest attack. */
export function bolaAttack(ctx: AttackContext): Attack {
  const w = ctx.world;
  const { rng, emit, pop } = w;
  const n = w.pop.n;
  let me = rng.int(n);
  while (w.honey[me] === 1) me = (me + 1) % n;
  const sub = accountId(me);
  const device = deviceId(pop, me, 0);
  const ua = userAgent(1, pop.uaVariant[me] ?? 0);
  const home = source(ipString(pop.homeIp[me] ?? 0), ua, device, 'KR', ISPS[pop.isp[me] ?? 0]?.asn ?? 'AS4766');
  const carrier = CARRIERS[pop.carrier[me] ?? 0] ?? CARRIERS[0];
  const nat = source(carrier?.nat[0] ?? '39.7.24.5', ua, device, 'KR', carrier?.asn ?? 'AS4766');
  let next = (me + 1) % n;
  let day = 0;
  let victims = 0;
  let jtis = 0;

  const session = (t0: number, count: number): void => {
    const src = rng.chance(0.3) ? nat : home;
    let t = t0;
    let tok = '';
    let iatMs = 0;
    const signIn = (grant: 'password' | 'refresh'): void => {
      emit.access(t, src, { route: grant === 'refresh' ? R.refresh : R.login }, ATTACKER);
      const ti = t + 30 + rng.int(200);
      const jti = uuid(rng);
      const iat = Math.floor(ti / SECOND);
      const claims: SimToken = { jti, kid: CUSTOMER_KID, sub, iat, exp: iat + 3600, client: 'android' };
      emit.issue(ti, claims, { grant, ip: src.ip, device });
      jtis++;
      tok = tokenJson(claims);
      iatMs = iat * SECOND;
      t = ti + 500 + rng.int(1500);
    };
    signIn('password');
    // Their own profile first, as the app does (not part of the harvest).
    emit.access(t, src, { route: R.profile, records: 1, auth: authFrag(sub, tok) }, BENIGN);
    for (let k = 0; k < count; k++) {
      t += 20 * SECOND + rng.int(70 * SECOND);
      if (t - iatMs > 55 * MINUTE) signIn('refresh');
      let v = next;
      // walking ids, it reads planted honey accounts too
      if (v === me) v = (v + 1) % n;
      next = (v + 1) % n;
      // The id in the path is someone else's; the token is still the attacker's own.
      const other = authFrag(accountId(v), tok);
      emit.access(t, src, { route: R.profile, records: 1, auth: other }, v);
      if (rng.chance(0.7)) {
        t += 2 * SECOND + rng.int(6 * SECOND);
        emit.access(t, src, { route: R.addresses, records: pop.addrCount[v] ?? 1, auth: other }, v);
      }
      victims++;
    }
  };

  return {
    kind: 'cross-account-harvest',
    slice(from: number): void {
      // One session a day, starting 21:00 KST (12:00 UTC), inside the window.
      if ((from - w.start) % DAY !== 12 * HOUR || from < ctx.window.from || from + 6 * HOUR > ctx.window.to) return;
      session(from + rng.int(30 * MINUTE), 10 + 4 * day++);
    },
    details: () => ({
      attacker_account: sub, client_id: 'android', attack_days: day, victims_read: victims, tokens_issued: jtis,
      sources: [home.ip, nat.ip],
    }),
  };
}
