/**
 * Turns simulated requests and issuances into contract lines (hand-built JSON: every value
 * is plain ASCII without quotes, so no escaping is needed) and drops them on the timelines.
 */
import type { AttackTracker } from './attack-tracker.js';
import { ledgerDrops, viaGatewayB, type FeedFaults } from './faults.js';
import { IsoTime } from './iso-time.js';
import type { SimRoute } from './catalog.js';
import type { RequestIds } from './request-id.js';
import { hex8, type Rng } from './rng.js';
import type { Timeline } from './timeline.js';

/** Where a request comes from, prebuilt as JSON fragments. */
export interface Source {
  readonly ip: string;
  /** `"src_ip":…,"user_agent":…[,"device_id":…]` */
  readonly frag: string;
  /** `"country":…,"asn":…` */
  readonly geo: string;
}

/** Builds a {@link Source}. */
export function source(ip: string, ua: string, device: string | undefined, country: string, asn: string): Source {
  const dev = device === undefined ? '' : `,"device_id":"${device}"`;
  return { ip, frag: `"src_ip":"${ip}","user_agent":"${ua}"${dev}`, geo: `"country":"${country}","asn":"${asn}"` };
}

/** The `account_id` + `token` fragment of an authenticated request. */
export function authFrag(account: string, tokenJson: string): string {
  return `,"account_id":"${account}","token":${tokenJson}`;
}

/** A simulated token's claims (iat and exp in Unix seconds). */
export interface SimToken {
  readonly jti: string;
  readonly kid: string;
  readonly sub: string;
  readonly iat: number;
  readonly exp: number;
  readonly client: string;
}

/** How a token was issued, as its ledger record says. */
export interface Issuance {
  readonly grant: string;
  readonly ip: string;
  readonly device: string;
}

/** One simulated request; a missing status is 200, missing records 0, missing auth anonymous. */
export interface SimRequest {
  readonly route: SimRoute;
  readonly status?: number;
  /** Records in a personal response (ignored unless the route is personal and the status 2xx). */
  readonly records?: number;
  /** The `account_id` + `token` fragment ({@link authFrag}), or '' for none. */
  readonly auth?: string;
}

/** Verified token claims as JSON. */
export function tokenJson(tok: SimToken): string {
  return `{"jti":"${tok.jti}","kid":"${tok.kid}","sub":"${tok.sub}","iat":${tok.iat},"exp":${tok.exp},"client_id":"${tok.client}"}`;
}

/** A random (version 4 shaped) UUID. */
export function uuid(rng: Rng): string {
  const a = hex8(rng.u32());
  const b = hex8(rng.u32());
  const c = hex8(rng.u32());
  const d = hex8(rng.u32());
  const v = '89ab'[rng.int(4)] ?? '8';
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${v}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

/** Marker for a benign request in {@link Emitter.access}. */
export const BENIGN = -2;
/** Marker for an attacker request that exposed no one's data. */
export const ATTACKER = -1;

/** Gateway B of the feed-fault scenarios: its own timeline (file) and clock. */
export interface GatewayB {
  readonly timeline: Timeline;
  readonly faults: FeedFaults;
  readonly offsetMs: number;
}

/** What an {@link Emitter} writes to and draws from. */
export interface EmitterParts {
  readonly access: Timeline;
  readonly ledger: Timeline;
  readonly ids: RequestIds;
  /** Its own stream (byte sizes), so that the sessions' draws do not depend on it. */
  readonly rng: Rng;
  /** Records the attacker's requests as the run's truth; null in a benign run. */
  readonly tracker: AttackTracker | null;
  readonly faults?: FeedFaults | null;
  readonly gatewayB?: GatewayB | null;
}

/** Writes access and ledger lines (through the run's feed faults, if any). */
export class Emitter {
  private readonly iso = new IsoTime();
  private readonly access_: Timeline;
  private readonly ledger_: Timeline;
  private readonly ids: RequestIds;
  private readonly rng: Rng;
  private readonly tracker: AttackTracker | null;
  private readonly faults: FeedFaults | null;
  private readonly gatewayB: GatewayB | null;

  constructor(p: EmitterParts) {
    this.access_ = p.access;
    this.ledger_ = p.ledger;
    this.ids = p.ids;
    this.rng = p.rng;
    this.tracker = p.tracker;
    this.faults = p.faults ?? null;
    this.gatewayB = p.gatewayB ?? null;
  }

  /**
   * One request. `who` is {@link BENIGN}, {@link ATTACKER}, or the victim's account index
   * for an attacker request that may expose that account's data.
   */
  access(t: number, src: Source, req: SimRequest, who = BENIGN): boolean {
    const { route, status = 200, records = 0, auth = '' } = req;
    const attacker = who !== BENIGN;
    const ok = status < 300;
    const personal = ok && route.bit !== 0;
    const recs = personal ? records : 0;
    const bytes = ok ? route.base + recs * route.perRecord + this.rng.int(route.base >>> 2) : 90 + this.rng.int(60);
    // gateway B logs on its own clock, to its own file
    const gw = this.gatewayB !== null && viaGatewayB(this.gatewayB.faults, src.ip) ? this.gatewayB : null;
    const logged = gw !== null ? t + gw.offsetMs : t;
    const line =
      `{"time":"${this.iso.format(logged)}","request_id":"${this.ids.next(attacker)}",${src.frag},${route.frag},"status":${status},"bytes":${bytes}` +
      (personal ? `,"records":${recs}` : '') + auth + `,${src.geo}}`;
    const pushed = (gw?.timeline ?? this.access_).push(logged, line);
    // truth gives the request's time as logged, the time its detection is measured against
    if (pushed && attacker && this.tracker !== null) this.tracker.record(logged, src.ip, who, personal ? route.bit : 0);
    return pushed;
  }

  /** The issuance record of `tok` at `t`. */
  issue(t: number, tok: SimToken, how: Issuance): boolean {
    const { jti, kid, sub, exp, client } = tok;
    const { grant, ip, device } = how;
    // a record lost to a feed fault: the token was issued all the same
    if (this.faults !== null && ledgerDrops(this.faults, t)) return true;
    return this.ledger_.push(
      t,
      `{"time":"${this.iso.format(t)}","jti":"${jti}","kid":"${kid}","sub":"${sub}","exp":${exp},"client_id":"${client}","grant":"${grant}","src_ip":"${ip}","device_id":"${device}"}`,
    );
  }

  /** A revocation record. */
  revoke(t: number, jti: string): boolean {
    if (this.faults !== null && ledgerDrops(this.faults, t)) return true;
    return this.ledger_.push(t, `{"time":"${this.iso.format(t)}","type":"revoke","jti":"${jti}"}`);
  }
}
