/**
 * The staff console (`cs-console`): a staff member signs in at the start of the Korean
 * working day from the HQ egress, then looks customers up until evening. Tokens carry the
 * staff id as `sub` (signed with the KMS key) while `account_id` is the customer read.
 * Support agents do this ~10–40 times a day; the insider scenario reuses it at scale.
 */
import { DAY, HOUR, MINUTE, SECOND } from '../model/index.js';
import { CONSOLE_UA } from './agents.js';
import { R } from './catalog.js';
import { ATTACKER, BENIGN, source, tokenJson, uuid, type SimToken } from './emit.js';
import { HQ } from './network.js';
import { accountId } from './population.js';
import { CONSOLE_KID, supportAgentIds, supportTeamSize } from './reference.js';
import { isWeekend, type World } from './world.js';

/** One working day at the console. */
export interface ConsoleDay {
  readonly staff: string;
  /** Epoch ms of UTC midnight of the day (= 09:00 KST). */
  readonly dayStart: number;
  /** Mean customer lookups over the day. */
  readonly lookups: number;
  /** True for the insider: requests are marked as attacker requests. */
  readonly attacker: boolean;
  /** Probability of also reading addresses / orders after the profile. */
  readonly pAddresses: number;
  readonly pOrders: number;
}

/** Emits one console working day. */
export function consoleDay(w: World, d: ConsoleDay): void {
  const { rng, emit, pop } = w;
  const num = d.staff.slice(2);
  const src = source(HQ.ips[Number(num) % HQ.ips.length] ?? HQ.ips[0], CONSOLE_UA, `ws-${num}`, HQ.country, HQ.asn);
  const mark = d.attacker ? ATTACKER : BENIGN;
  let t = d.dayStart + rng.int(40 * MINUTE);
  const end = d.dayStart + 9 * HOUR + rng.int(40 * MINUTE);
  let auth = '';
  let iatMs = 0;
  const signIn = (grant: 'sso' | 'refresh'): void => {
    emit.access(t, src, { route: grant === 'sso' ? R.login : R.refresh }, mark);
    const ti = t + 20 + rng.int(200);
    const jti = uuid(rng);
    const iat = Math.floor(ti / SECOND);
    const claims: SimToken = { jti, kid: CONSOLE_KID, sub: d.staff, iat, exp: iat + 3600, client: 'cs-console' };
    emit.issue(ti, claims, { grant, ip: src.ip, device: `ws-${num}` });
    auth = `,"token":${tokenJson(claims)}`;
    iatMs = iat * SECOND;
    t = ti + 500 + rng.int(2000);
  };
  signIn('sso');
  const gap = (end - t) / (d.lookups + 1);
  for (;;) {
    t += Math.floor(rng.exp(gap));
    if (t >= end) break;
    if (t - iatMs > 55 * MINUTE) signIn('refresh');
    const customer = rng.int(pop.n);
    // Support never looks up a planted account (an insider may).
    if (!d.attacker && w.honey[customer] === 1) continue;
    const who = d.attacker ? customer : BENIGN;
    const acct = `,"account_id":"${accountId(customer)}"` + auth;
    emit.access(t, src, { route: R.profile, records: 1, auth: acct }, who);
    if (rng.chance(d.pAddresses)) {
      t += 2 * SECOND + rng.int(15 * SECOND);
      emit.access(t, src, { route: R.addresses, records: pop.addrCount[customer] ?? 1, auth: acct }, who);
    }
    if (rng.chance(d.pOrders)) {
      t += 2 * SECOND + rng.int(20 * SECOND);
      emit.access(t, src, { route: R.orders, records: pop.orderCount[customer] ?? 0, auth: acct }, who);
    }
  }
}

/** The support team's day (call at UTC midnight of day `dayIndex`); weekends off. */
export function supportDay(w: World, dayIndex: number): void {
  const dayStart = w.start + dayIndex * DAY;
  if (isWeekend(dayStart + HOUR)) return;
  for (const staff of supportAgentIds(supportTeamSize(w.pop.n))) {
    if (w.rng.chance(0.1)) continue; // leave, training, sick days
    consoleDay(w, { staff, dayStart, lookups: 10 + w.rng.int(31), attacker: false, pAddresses: 0.6, pOrders: 0.5 });
  }
}
