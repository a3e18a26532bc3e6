/**
 * `honey-account-read` (critical): a 2xx response of a catalog `personal` route carried the
 * data of a planted honey account (contract §8) — no legitimate request ever reads one, so the
 * first read is the alert, in event time, whoever made it and however slowly.
 *
 * One alert per honey account (entity `account`), naming the token (jti), signing key,
 * source address and principal (the token's `sub`, or `client` for a service token) of the
 * first read; later reads add to its counts and indicators. Indicators: the token over its
 * whole life (iat → exp) when it was the honey account's own session (no one legitimately
 * holds one); the principal as `actor` over all of history when it read the honey account
 * through another account's token (BOLA: its own-account reads stay its own); the route's
 * `anonymous` indicator for a read without a token.
 *
 * The list may be salted hashes (see honey.ts): each account read is hashed at most once.
 * The list and salt are never logged; an alert names a planted account only once it was read.
 */
import type { AccessEvent, Indicator, PipelineEvent } from '../../model/index.js';
import { clientsOf } from '../clients.js';
import type { RouteTable } from '../context.js';
import type { DetectContext, Detector } from '../detector.js';
import { HoneyMatcher } from '../honey.js';
import { DEFAULT_EXPOSURE_EMIT_EVERY_MS, Tally, type TallyState } from './tally.js';

const NAME = 'honey-account-read';

/** Options for {@link HoneyReadDetector}. */
export interface HoneyReadOptions {
  readonly emitEveryMs?: number;
  /** Size of the negative-result cache (accounts), default 2^20. */
  readonly cacheAccounts?: number;
}

/** What the first read of a honey account was. */
interface FirstRead {
  readonly t: number; readonly ip: string; readonly route: string; readonly jti: string | null; readonly kid: string | null;
  readonly sub: string | null; readonly client: string | null; readonly principal: { type: string; id: string } | null;
  readonly device: string | null; readonly ua: string | null;
}

/** Indicators of one honey alert, by `type\nvalue` (few: the tokens and principals that read it). */
type Windows = Record<string, [number, number]>;

interface Hit { tally: Tally; first: FirstRead; ind: Windows }

type HitState = { tally: TallyState; first: FirstRead; ind: Windows };

/** See file header. */
export class HoneyReadDetector implements Detector {
  readonly name = NAME;
  private matcher: HoneyMatcher | undefined;
  private routes: RouteTable | undefined;
  private readonly hits = new Map<string, Hit>();
  private readonly every: number;

  constructor(private readonly o: HoneyReadOptions = {}) {
    this.every = o.emitEveryMs ?? DEFAULT_EXPOSURE_EMIT_EVERY_MS;
  }

  start(ctx: DetectContext): void {
    this.matcher ??= new HoneyMatcher(ctx.ref.honey, this.o.cacheAccounts);
  }

  onEvent(e: PipelineEvent, ctx: DetectContext): void {
    if (e.kind !== 'access' || e.status < 200 || e.status > 299 || e.status === 204) return;
    const m = this.matcher ?? (this.matcher = new HoneyMatcher(ctx.ref.honey, this.o.cacheAccounts));
    if (!m.active) return;
    const acct = e.account_id ?? e.token?.sub;
    if (acct === undefined) return;
    const routes = this.routes ?? (this.routes = ctx.routes);
    if (routes.get(e.method, e.route)?.kind !== 'personal' || !m.isHoney(acct)) return;
    let h = this.hits.get(acct);
    const isNew = h === undefined;
    if (h === undefined) {
      h = { tally: new Tally(e.t, e.t), first: this.firstRead(e, ctx), ind: {} };
      this.hits.set(acct, h);
    }
    h.tally.add(e.t, e.src_ip, acct, e.request_id);
    this.indicate(h, e);
    if (isNew) this.emit(acct, h, e.t, ctx);
  }

  onWatermark(t: number, ctx: DetectContext): void {
    for (const [a, h] of this.hits) if (h.tally.dirty && t - h.tally.lastEmit >= this.every) this.emit(a, h, t, ctx);
  }

  finish(t: number, ctx: DetectContext): void {
    for (const [a, h] of this.hits) if (h.tally.dirty) this.emit(a, h, t, ctx);
  }

  snapshot(): unknown {
    return [...this.hits].map(([a, h]) => [a, { tally: h.tally.snapshot(), first: h.first, ind: h.ind }]);
  }

  restore(state: unknown): void {
    this.hits.clear();
    for (const [a, h] of state as [string, HitState][]) this.hits.set(a, { tally: Tally.restore(h.tally), first: h.first, ind: { ...h.ind } });
  }

  stateBytes(): number {
    let b = this.matcher?.bytes() ?? 0;
    for (const h of this.hits.values()) b += 400 + h.tally.bytes();
    return b;
  }

  private firstRead(e: AccessEvent, ctx: DetectContext): FirstRead {
    const tok = e.token;
    const rec = tok === undefined ? undefined : ctx.feed.rec;
    const client = tok?.client_id ?? rec?.client ?? null;
    return {
      t: e.t, ip: e.src_ip, route: `${e.method.toUpperCase()} ${e.route}`, jti: tok?.jti ?? null, kid: tok?.kid ?? null,
      sub: tok?.sub ?? null, client, principal: tok === undefined ? null : clientsOf(ctx).principal(tok, rec?.grant),
      device: e.device_id ?? null, ua: e.user_agent ?? null,
    };
  }

  /** Widens the indicators this read adds to (kept per alert; re-sent whole on each emit). */
  private indicate(h: Hit, e: AccessEvent): void {
    const tok = e.token;
    if (tok === undefined) {
      widen(h.ind, `anonymous\n${e.method.toUpperCase()} ${e.route}`, e.t, e.t);
      return;
    }
    // Read through another account's id (BOLA): the principal's cross-account reads are the
    // attacker's, its own-account reads are its own. Otherwise the session is the honey
    // account's, which no one legitimately holds: the whole token is the attacker's.
    if (e.account_id !== undefined && e.account_id !== tok.sub) widen(h.ind, `actor\n${tok.sub}`, 0, e.t);
    else widen(h.ind, `token\n${tok.jti}`, Math.min(e.t, tok.iat * 1000), Math.max(e.t, tok.exp * 1000));
  }

  private emit(acct: string, h: Hit, at: number, ctx: DetectContext): void {
    const t = h.tally;
    t.emitted(at);
    const f = h.first;
    const by = f.principal === null ? 'a request without a token' : `${f.principal.type} ${f.principal.id} (token ${f.jti ?? ''}, key ${f.kid ?? ''})`;
    const indicators: Indicator[] = Object.entries(h.ind).map(([k, [first, last]]) => {
      const nl = k.indexOf('\n');
      return { type: k.slice(0, nl) as Indicator['type'], value: k.slice(nl + 1), first_seen: first, last_seen: last };
    });
    ctx.emit({
      detector: NAME, severity: 'critical', entity: { type: 'account', id: acct },
      title: `Planted honey account ${acct} was read by ${by} from ${f.ip}` + (t.events > 1 ? ` (${t.events} reads)` : ''),
      first_seen: t.first, last_seen: t.last, at, events: t.events, accounts: 1, evidence: t.evidence,
      details: {
        honey_account: acct, reads: t.events, first_read: { ...f, time: new Date(f.t).toISOString() },
        token: f.jti, kid: f.kid, src_ip: f.ip, principal: f.principal, client_id: f.client, top_sources: t.topSources(),
      },
      indicators,
    });
  }
}

function widen(w: Windows, key: string, first: number, last: number): void {
  const x = w[key];
  if (x === undefined) w[key] = [first, last];
  else {
    if (first < x[0]) x[0] = first;
    if (last > x[1]) x[1] = last;
  }
}
