/**
 * One customer visit: where it comes from (home, carrier NAT, office egress, elsewhere),
 * sign-in (a ledger issue record) unless browsing anonymously, then a browse / cart /
 * purchase / account-check sequence with realistic gaps, refreshes and the odd logout.
 */
import { HOUR, MINUTE, SECOND } from '../model/index.js';
import { clientId, isApp, isPhone, userAgent } from './agents.js';
import { R, type SimRoute } from './catalog.js';
import { authFrag, source, tokenJson, uuid, type SimToken, type Source } from './emit.js';
import { CARRIERS, ISPS, ipString, residentialIp } from './network.js';
import { accountId, deviceId } from './population.js';
import { CUSTOMER_KID } from './reference.js';
import type { Rng } from './rng.js';
import { isWeekend, type World } from './world.js';

const BROWSE: readonly SimRoute[] = [
  R.product, R.product, R.product, R.product, R.product, R.product, R.product, R.product, R.product,
  R.search, R.search, R.search, R.search, R.products, R.products, R.category, R.category, R.banners, R.telemetry, R.telemetry,
];

function pickSource(w: World, i: number, slot: number, kind: number, t: number): Source {
  const { pop, rng } = w;
  const ua = userAgent(kind, pop.uaVariant[i] ?? 0);
  const device = deviceId(pop, i, slot);
  const office = pop.office[i] ?? 0;
  const utcHour = Math.floor((t % (24 * HOUR)) / HOUR);
  // KST 09–18 on a weekday is UTC 00–09.
  if (office > 0 && utcHour < 9 && !isWeekend(t) && (!isPhone(kind) || rng.chance(0.5)) && rng.chance(0.75)) {
    const o = w.offices[office - 1];
    if (o !== undefined) return source(o.ip, ua, device, 'KR', o.asn);
  }
  if (isPhone(kind) && rng.chance(0.45)) {
    const c = CARRIERS[pop.carrier[i] ?? 0] ?? CARRIERS[0];
    if (c !== undefined) return source(rng.pick(c.nat), ua, device, 'KR', c.asn);
  }
  if (rng.chance(0.04)) {
    const isp = rng.int(ISPS.length);
    return source(ipString(residentialIp(rng, isp)), ua, device, 'KR', ISPS[isp]?.asn ?? 'AS4766');
  }
  return source(ipString(pop.homeIp[i] ?? 0), ua, device, 'KR', ISPS[pop.isp[i] ?? 0]?.asn ?? 'AS4766');
}

function status(rng: Rng, route: SimRoute): number {
  const u = rng.float();
  if (u < 0.002) return 503;
  if (u < 0.004) return 500;
  if (route === R.product && u < 0.015) return 404;
  if (route.method !== 'GET' && u < 0.01) return 400;
  return 200;
}

function planRoutes(rng: Rng, anonymous: boolean, app: boolean): SimRoute[] {
  const out: SimRoute[] = [app ? R.config : R.banners];
  const n = 1 + Math.floor(rng.exp(4));
  for (let k = 0; k < n; k++) out.push(rng.pick(BROWSE));
  if (anonymous) return out;
  const u = rng.float();
  if (u < 0.55) return out;
  if (u < 0.75) {
    out.push(R.cartAdd);
    if (rng.chance(0.5)) out.push(R.cart);
    if (rng.chance(0.2)) out.push(R.cartDel);
  } else if (u < 0.85) {
    out.push(R.cartAdd, R.cart, R.addresses, R.checkout, R.payment);
    if (rng.chance(0.5)) out.push(R.order);
  } else {
    out.push(R.orders);
    if (rng.chance(0.4)) out.push(R.order);
    if (rng.chance(0.3)) out.push(R.profile);
    if (rng.chance(0.25)) out.push(R.addresses);
  }
  if (rng.chance(0.3)) out.push(rng.pick(BROWSE));
  return out;
}

function grantFor(rng: Rng, app: boolean): string {
  const u = rng.float();
  if (app) return u < 0.7 ? 'refresh' : u < 0.95 ? 'password' : 'otp';
  return u < 0.6 ? 'password' : u < 0.85 ? 'sso' : 'otp';
}

/** Expands the session of account `i` starting at `t0`. */
export function customerSession(w: World, i: number, t0: number): void {
  const { pop, rng, emit } = w;
  const slot = (pop.devCount[i] ?? 1) === 2 && rng.chance(0.4) ? 1 : 0;
  const kind = pop.devKind[i * 2 + slot] ?? 0;
  const app = isApp(kind);
  const src = pickSource(w, i, slot, kind, t0);
  const anonymous = rng.chance(0.2);
  const account = accountId(i);
  const client = clientId(kind);
  let t = t0;
  let auth = '';
  let iatMs = 0;
  let jti = '';
  const signIn = (grant: string): void => {
    emit.access(t, src, { route: grant === 'refresh' ? R.refresh : R.login });
    const ti = t + 20 + rng.int(230);
    jti = uuid(rng);
    const iat = Math.floor(ti / SECOND);
    const exp = iat + 3600;
    const claims: SimToken = { jti, kid: CUSTOMER_KID, sub: account, iat, exp, client };
    const tok = tokenJson(claims);
    emit.issue(ti, claims, { grant, ip: src.ip, device: deviceId(pop, i, slot) });
    auth = authFrag(account, tok);
    iatMs = iat * SECOND;
    w.onIssue?.(i, ti, jti, tok, exp);
    t = ti + 300 + rng.int(1500);
  };
  if (!anonymous) {
    const grant = grantFor(rng, app);
    if (grant !== 'refresh' && rng.chance(0.03)) {
      emit.access(t, src, { route: R.login, status: 401 });
      t += 4 * SECOND + rng.int(12 * SECOND);
    }
    signIn(grant);
  }
  const routes = planRoutes(rng, anonymous, app);
  for (const route of routes) {
    if (!anonymous && t - iatMs > 55 * MINUTE) signIn('refresh');
    const records = route === R.addresses ? (pop.addrCount[i] ?? 1) : route === R.orders ? (pop.orderCount[i] ?? 0) : 1;
    emit.access(t, src, { route, status: status(rng, route), records, auth });
    t += 1500 + Math.floor(rng.exp(22 * SECOND));
  }
  if (!anonymous && !app && rng.chance(0.08)) {
    emit.access(t, src, { route: R.logout, auth });
    emit.revoke(t + 15 + rng.int(100), jti);
  }
}
