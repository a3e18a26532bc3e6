/**
 * `many-accounts-per-source` (high): one IP, /24 (/48), device, user agent or actor (a token
 * `sub` reading other accounts' data) behind many distinct accounts in sliding event-time
 * windows (1 h, 1 d, 7 d, 30 d), AND behaving like a harvester (see harvest.ts) — so carrier
 * NATs and office proxies full of real customers stay quiet while a low-and-slow harvest of
 * ~10 accounts a day is still caught by the 30-day window. Actors (console users, batch
 * clients: they act on others by design) are judged over the same windows and thresholds
 * against their own crowd instead: more than 5× the median of the other actors of the same
 * client_id, and only when there are at least two such peers (see peer-medians.ts). A firing actor's indicator covers its whole history of
 * cross-account reads, and its alert names it as a `client` when it is a service token.
 *
 * Per event: the token's cached sources (kept on its ledger record, so no extra map lookup),
 * O(1) counter updates; thresholds are checked when a source gains a new account (exact mode)
 * or once a minute (sketch mode). Memory: a source with a single account so far is one 12-byte
 * slot in a typed-array table (most devices and home IPs never leave it); with 2–32 accounts a
 * small object with exact (hash, minute) pairs; beyond that a fixed 6.4 KiB sliding HLL.
 * Issuance provenance is checked on every token event against the engine's ledger.
 */
import { DAY, HOUR } from '../../model/index.js';
import type { AccessEvent, Entity, PipelineEvent } from '../../model/index.js';
import type { RouteTable } from '../context.js';
import type { DetectContext, Detector } from '../detector.js';
import { hash30, hash32 } from '../hash.js';
import { EPOCH_S, type LedgerRecord } from '../ledger.js';
import { clientsOf } from '../clients.js';
import { PeerMedians } from './peer-medians.js';
import { Baseline, DEFAULT_HARVEST, looksLikeHarvest, personalShare, provenanceShare, type HarvestOptions } from './harvest.js';
import { keyHash, SingleAccountTable, type SingleAccountTableState } from './single-account-table.js';
import { Src, type SrcState } from './source-state.js';
import { Binding, ENTITY, IND, LABEL, T_ACTOR, T_DEVICE, T_IP, T_SUBNET, T_UA } from './source-types.js';
import { SubnetCache } from './subnet.js';

const NAME = 'many-accounts-per-source';
const BASE_MIN = EPOCH_S / 60;

/** Tuning for {@link ManyAccountsDetector}. */
export interface ManyAccountsOptions {
  /** Window lengths in minutes (default 1 h, 1 d, 7 d, 30 d); any order, paired with `thresholds`. */
  readonly windows?: readonly number[];
  /** Distinct-account thresholds per window (default 20, 50, 100, 200). */
  readonly thresholds?: readonly number[];
  /** An actor fires above this multiple of its peers' median (default 5). */
  readonly actorPeerFactor?: number;
  /** Peers (other actors of the same client_id) needed before an actor is judged (default 2). */
  readonly actorMinPeers?: number;
  readonly harvest?: Partial<HarvestOptions>;
  /** Re-emit a firing source's finding at most this often (default 1 h). */
  readonly refreshMs?: number;
  /** Sources idle this long are forgotten (default 30 d). */
  readonly idleMs?: number;
  /**
   * Sources of a type needed before the per-type 99th-percentile gate applies (default 200);
   * `Infinity` turns the gate off (plain thresholds, e.g. to compare with a Sigma rule).
   */
  readonly baselineMinSources?: number;
}

/** See file header. */
export class ManyAccountsDetector implements Detector {
  readonly name = NAME;
  private readonly maps: Map<string, Src>[] = Array.from({ length: 5 }, () => new Map<string, Src>());
  private readonly fired: Set<string>[] = Array.from({ length: 5 }, () => new Set<string>());
  private baseline = new Baseline(5);
  private readonly subnets = new SubnetCache();
  private readonly win: readonly number[];
  private readonly thr: readonly number[];
  private readonly minThr: number;
  private readonly minSources: number;
  private readonly h: HarvestOptions;
  private readonly actorFactor: number;
  private readonly peers: PeerMedians;
  private readonly refreshMs: number;
  private readonly idleMs: number;
  private routes: RouteTable | undefined;
  /** jti → the sources its requests resolved to; a cache only (cleared hourly, not snapshotted). */
  private readonly bind = new Map<string, Binding>();
  /** Single-account sources of type ip, subnet and device (see single-account-table.ts). */
  private tabs: SingleAccountTable[] = Array.from({ length: 3 }, () => new SingleAccountTable());
  /** Bumped whenever sources may have been dropped; older bindings are stale. */
  private gen = 0;
  /** Scratch for per-window counts (no allocation per evaluation). */
  private readonly counts: number[] = [];
  private lastSweep = -Infinity;

  constructor(o: ManyAccountsOptions = {}) {
    const win = o.windows ?? [60, 1440, 10_080, 43_200];
    const thr = o.thresholds ?? [20, 50, 100, 200];
    this.minSources = o.baselineMinSources ?? 200;
    const order = win.map((_, i) => i).sort((a, b) => (win[a] as number) - (win[b] as number));
    this.win = order.map((i) => win[i] as number);
    this.thr = order.map((i) => thr[i] ?? Infinity);
    this.minThr = Math.min(...this.thr);
    this.h = { ...DEFAULT_HARVEST, ...o.harvest };
    this.actorFactor = o.actorPeerFactor ?? 5;
    this.peers = new PeerMedians(this.win, o.actorMinPeers ?? 2);
    this.refreshMs = o.refreshMs ?? HOUR;
    this.idleMs = o.idleMs ?? 30 * DAY;
  }

  onEvent(e: PipelineEvent, ctx: DetectContext): void {
    if (e.kind !== 'access') return;
    const routes = this.routes ?? (this.routes = ctx.routes);
    const tok = e.token;
    const account = e.account_id ?? tok?.sub;
    const pers = routes.get(e.method, e.route)?.kind === 'personal' ? 1 : 0;
    const minute = Math.floor(e.t / 60_000) - BASE_MIN;
    // the engine looked the token's ledger record up once for every detector
    const rec = tok === undefined ? undefined : ctx.feed.rec;
    const prov = tok === undefined || ctx.ledger.size === 0 ? -1
      : rec !== undefined && (rec.ip === e.src_ip || (rec.dev !== undefined && rec.dev === e.device_id)) ? 1 : 0;
    // A registered staff or service client acts on others by design: its reads are judged per
    // actor against its own crowd and do not make its console's address or device a "harvester".
    if (tok !== undefined && account !== undefined && tok.sub !== account &&
        clientsOf(ctx).kind(tok.client_id ?? rec?.client) !== 'customer') {
      this.touch(T_ACTOR, tok.sub, this.src(T_ACTOR, tok.sub, minute, e, rec), e, minute, hash30(account), pers, prov, ctx);
      return;
    }
    // a token's later requests usually come from the same place: reuse its resolved sources
    let b = (rec !== undefined ? rec.aux : tok === undefined ? undefined : this.bind.get(tok.jti)) as Binding | undefined;
    if (b === undefined || b.gen !== this.gen || b.ip !== e.src_ip || b.dev !== e.device_id || b.ua !== e.user_agent || b.acct !== account) {
      b = this.resolve(e, account, minute);
      if (rec !== undefined) rec.aux = b;
      else if (tok !== undefined) this.bind.set(tok.jti, b);
    }
    const h = b.h;
    this.touchAt(T_IP, b.ip, b, e, minute, h, pers, prov, ctx);
    if (b.net !== undefined) this.touchAt(T_SUBNET, b.net, b, e, minute, h, pers, prov, ctx);
    if (b.dev !== undefined) this.touchAt(T_DEVICE, b.dev, b, e, minute, h, pers, prov, ctx);
    if (b.sUa !== undefined) this.touch(T_UA, b.ua as string, b.sUa, e, minute, h, pers, prov, ctx);
    if (tok !== undefined && account !== undefined && tok.sub !== account) {
      this.touch(T_ACTOR, tok.sub, this.src(T_ACTOR, tok.sub, minute, e, rec), e, minute, h, pers, prov, ctx);
    }
  }

  onWatermark(t: number, ctx: DetectContext): void {
    if (t - this.lastSweep < HOUR) return;
    this.lastSweep = t;
    this.bind.clear(); // cached sources may be evicted below
    this.gen++;
    const cutoffMs = t - this.idleMs;
    const cutoff = Math.floor(cutoffMs / 60_000) - BASE_MIN;
    this.tabs.forEach((tab, type) => {
      for (let n = tab.sweep(cutoff); n > 0; n--) this.baseline.remove(type, 0);
    });
    for (let type = 0; type < 5; type++) {
      const m = this.maps[type] as Map<string, Src>;
      for (const [k, s] of m) {
        if (s.last < cutoff) {
          if (s.fired !== null && s.fired.last > s.fired.sent) this.emit(type, k, s, t, ctx);
          this.baseline.remove(type, s.bucket);
          (this.fired[type] as Set<string>).delete(k);
          m.delete(k);
        } else if (s.first < cutoff) {
          s.purge(cutoff);
        }
      }
    }
  }

  finish(t: number, ctx: DetectContext): void {
    for (let type = 0; type < 5; type++) {
      for (const k of this.fired[type] as Set<string>) {
        const s = (this.maps[type] as Map<string, Src>).get(k);
        if (s?.fired != null && s.fired.last > s.fired.sent) this.emit(type, k, s, t, ctx);
      }
    }
  }

  snapshot(): unknown {
    return {
      lastSweep: this.lastSweep === -Infinity ? null : this.lastSweep,
      maps: this.maps.map((m) => [...m].map(([k, s]) => [k, s.snapshot()])),
      fired: this.fired.map((f) => [...f]),
      hist: this.baseline.hist,
      tabs: this.tabs.map((t) => t.snapshot()),
    };
  }

  restore(state: unknown): void {
    const s = state as { lastSweep: number | null; maps: [string, SrcState][][]; fired: string[][]; hist: number[][]; tabs: SingleAccountTableState[] };
    this.lastSweep = s.lastSweep ?? -Infinity;
    s.maps.forEach((entries, i) => {
      const m = this.maps[i] as Map<string, Src>;
      m.clear();
      for (const [k, st] of entries) m.set(k, Src.restore(st));
    });
    s.fired.forEach((keys, i) => {
      const f = this.fired[i] as Set<string>;
      f.clear();
      for (const k of keys) f.add(k);
    });
    this.baseline = new Baseline(5, s.hist);
    this.peers.clear();
    this.tabs = s.tabs.map((t) => SingleAccountTable.restore(t));
    this.bind.clear();
    this.gen++;
  }

  stateBytes(): number {
    let b = 0;
    for (const t of this.tabs) b += t.bytes();
    for (const m of this.maps) for (const [k, s] of m) b += 48 + k.length + s.bytes();
    return b;
  }

  /** Looks up every source of an event (creating missing ones). */
  private resolve(e: AccessEvent, account: string | undefined, minute: number): Binding {
    const ip = e.src_ip;
    const net = this.subnets.of(ip);
    const dev = e.device_id;
    const ua = e.user_agent;
    const h = account === undefined ? -1 : hash30(account);
    const b = new Binding(ip, dev, ua, account, h, net, ua === undefined ? undefined : this.src(T_UA, ua, minute, e));
    this.place(b, T_IP, ip, minute, h);
    if (net !== undefined) this.place(b, T_SUBNET, net, minute, h);
    if (dev !== undefined) this.place(b, T_DEVICE, dev, minute, h);
    b.gen = this.gen;
    return b;
  }

  /** Finds (or creates, as a single-account slot) the source `key` of a table-backed type. */
  private place(b: Binding, type: number, key: string, minute: number, h: number): void {
    const s = (this.maps[type] as Map<string, Src>).get(key);
    if (s !== undefined) {
      b.set(type, s, -1, 0);
      return;
    }
    const tab = this.tabs[type] as SingleAccountTable;
    const kh = keyHash(hash32(key));
    let slot = tab.find(kh);
    if (slot < 0) {
      const g = tab.gen;
      slot = tab.insert(kh, h, minute);
      if (tab.gen !== g) this.gen++;
      this.baseline.add(type);
    }
    b.set(type, undefined, slot, kh);
  }

  /** Counts an event against a table-backed source, promoting it to a Src on a second account. */
  private touchAt(type: number, key: string, b: Binding, e: AccessEvent, minute: number, h: number, pers: number, prov: number, ctx: DetectContext): void {
    const s = b.src(type);
    if (s !== undefined) {
      this.touch(type, key, s, e, minute, h, pers, prov, ctx);
      return;
    }
    const tab = this.tabs[type] as SingleAccountTable;
    const slot = b.slot(type);
    if (!tab.holds(slot, b.kh(type))) {
      // promoted through another token's binding meanwhile
      const x = this.src(type, key, minute, e);
      b.set(type, x, -1, 0);
      this.touch(type, key, x, e, minute, h, pers, prov, ctx);
      return;
    }
    const a = tab.accts[slot] as number;
    if (h < 0 || a === h) {
      tab.mins[slot] = minute;
      return;
    }
    if (a < 0) {
      tab.accts[slot] = h;
      tab.mins[slot] = minute;
      return;
    }
    const first = tab.mins[slot] as number;
    const x = new Src(first, first);
    x.add(a, first);
    (this.maps[type] as Map<string, Src>).set(key, x);
    tab.remove(slot);
    b.set(type, x, -1, 0);
    this.touch(type, key, x, e, minute, h, pers, prov, ctx);
  }

  /** The source `key` of `type`, created when missing. */
  private src(type: number, key: string, minute: number, e: AccessEvent, rec?: LedgerRecord): Src {
    const m = this.maps[type] as Map<string, Src>;
    let s = m.get(key);
    if (s === undefined) {
      s = new Src(minute, minute);
      if (type === T_ACTOR) {
        s.client = e.token?.client_id ?? rec?.client ?? '';
        s.grant = rec?.grant;
      }
      m.set(key, s);
      this.baseline.add(type);
    }
    return s;
  }

  private touch(type: number, key: string, s: Src, e: AccessEvent, minute: number, h: number, pers: number, prov: number, ctx: DetectContext): void {
    if (minute > s.last) s.last = minute;
    s.req++;
    s.pers += pers;
    if (prov >= 0) {
      s.provN++;
      s.provM += prov;
    }
    const f = s.fired;
    if (f !== null) {
      if (e.t > f.last) f.last = e.t;
      if (f.evidence.length < 20 && e.request_id !== undefined) f.evidence.push(e.request_id);
      if (f.last - f.sent >= this.refreshMs) this.emit(type, key, s, e.t, ctx);
      if (h >= 0) s.add(h, minute);
      return;
    }
    if (h < 0) return;
    if (s.hll === null) {
      if (!s.add(h, minute)) return;
      const size = s.size(minute);
      s.bucket = this.baseline.move(type, s.bucket, size);
      if (size < this.minThr) return;
    } else {
      s.add(h, minute);
      if (minute <= s.lastEval) return;
    }
    s.lastEval = minute;
    this.evaluate(type, key, s, e, minute, ctx);
  }

  private evaluate(type: number, key: string, s: Src, e: AccessEvent, minute: number, ctx: DetectContext): void {
    const actor = type === T_ACTOR;
    if (!actor && !looksLikeHarvest(s, this.h)) {
      // a crowd: only keep its place in the per-type baseline fresh (once a day in sketch mode)
      if (s.hll !== null && minute - s.m0 >= 1440) {
        s.m0 = minute;
        s.bucket = this.baseline.move(type, s.bucket, s.size(minute));
      }
      return;
    }
    const counts = this.counts;
    s.countMany(minute, this.win, counts);
    s.bucket = this.baseline.move(type, s.bucket, counts[this.win.length - 1] as number);
    for (let w = 0; w < this.win.length; w++) {
      const c = counts[w] as number;
      if (actor) {
        if (c < (this.thr[w] as number)) continue;
        const median = this.peers.median(this.maps[T_ACTOR] as Map<string, Src>, key, s, minute, w);
        if (median === undefined || c <= this.actorFactor * median) continue;
      } else if (c < (this.thr[w] as number) || c <= this.baseline.p99(type, s.bucket, this.minSources)) {
        continue;
      }
      // An actor's reads of others are all its own doing: its whole history, not the last window.
      const since = (s.first + BASE_MIN) * 60_000;
      const firstMs = actor ? since : Math.max(since, e.t - (this.win[w] as number) * 60_000);
      s.fired = { window: w, first: firstMs, last: e.t, sent: -1, accounts: c, evidence: e.request_id === undefined ? [] : [e.request_id] };
      (this.fired[type] as Set<string>).add(key);
      this.emit(type, key, s, e.t, ctx);
      return;
    }
  }

  private emit(type: number, key: string, s: Src, at: number, ctx: DetectContext): void {
    const f = s.fired;
    if (f === null) return;
    const winMin = this.win[f.window] as number;
    const now = Math.floor(f.last / 60_000) - BASE_MIN;
    f.accounts = Math.max(f.accounts, s.countSince(now, now - winMin));
    f.sent = f.last;
    const win = winMin % 1440 === 0 ? `${winMin / 1440} d` : `${winMin / 60} h`;
    const entity = type === T_ACTOR ? actorEntity(key, s, ctx) : { type: ENTITY[type] ?? 'ip', id: key };
    const label = type === T_ACTOR && entity.type === 'client' ? 'Client' : LABEL[type] ?? '';
    ctx.emit({
      detector: NAME, severity: 'high',
      title: `${label} ${entity.id} read personal data of ${f.accounts} accounts within ${win}`,
      entity,
      first_seen: f.first, last_seen: f.last, at, events: s.req, accounts: f.accounts, evidence: f.evidence,
      details: {
        source_type: IND[type], window: win, distinct_accounts: f.accounts, requests: s.req,
        personal_share: round(personalShare(s)), provenance_match: nullableRound(provenanceShare(s, this.h)),
        baseline_p99: this.baseline.p99(type, s.bucket, this.minSources),
        ...(type === T_ACTOR && { principal: key, client_id: s.client ?? null, grant: s.grant ?? null }),
      },
      indicators: [{ type: IND[type] ?? 'ip', value: key, first_seen: f.first, last_seen: f.last }],
    });
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
const nullableRound = (x: number | null): number | null => (x === null ? null : round(x));

/** A service token's actor is its `client`; anyone else's, the `account` its `sub` names. */
function actorEntity(sub: string, s: Src, ctx: DetectContext): Entity {
  const client = s.client === '' ? undefined : s.client;
  return clientsOf(ctx).principal({ jti: '', kid: '', sub, iat: 0, exp: 0, ...(client !== undefined && { client_id: client }) }, s.grant);
}
