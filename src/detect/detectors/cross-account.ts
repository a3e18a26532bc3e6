/**
 * `cross-account-access`: a token whose `sub` differs from the `account_id` whose personal
 * data it received — broken object-level authorization (OWASP API1:2023), a genuinely issued
 * customer token reading other customers by changing the id in the path.
 *
 * Which clients may act for other accounts comes from the client registry (contract §7):
 * a `customer` client (or one not listed) never may, so its first 2xx read of another
 * account's personal data alerts at once (high), and past `criticalAccounts` other accounts
 * the alert turns critical. `staff` and `service` clients act on others by design and are
 * left to the behaviour detectors (many-accounts-per-source judges them against their own
 * crowd); they are never flagged here merely for acting on others. Denied attempts (401, 403,
 * 404) are counted; with no read at all they raise a medium alert once `deniedAccounts`
 * other accounts were tried.
 *
 * One alert per principal (entity `account` = the token's `sub`, or `client` for a service
 * token), with an `actor` indicator from the principal's first cross-account read to its
 * latest, so scope covers the whole history, however late the alert's severity rose.
 *
 * Per event: two string comparisons for the common case (no token, or `account_id` = `sub`);
 * state only for principals that crossed accounts.
 */
import type { AccessEvent, Entity, PipelineEvent } from '../../model/index.js';
import { clientsOf } from '../clients.js';
import type { RouteTable } from '../context.js';
import type { DetectContext, Detector } from '../detector.js';
import { hash30 } from '../hash.js';
import { DistinctCounter, type DistinctCounterState } from '../sketch/distinct-counter.js';
import { DEFAULT_EXPOSURE_EMIT_EVERY_MS, plural, Tally, type TallyState } from './tally.js';

const NAME = 'cross-account-access';

/** Tuning of {@link CrossAccountDetector}. */
export interface CrossAccountOptions {
  /** Other accounts read before the alert is critical (default 10). */
  readonly criticalAccounts?: number;
  /** Other accounts tried (all denied) before a medium alert (default 5). */
  readonly deniedAccounts?: number;
  readonly emitEveryMs?: number;
}

/** Defaults of {@link CrossAccountOptions}. */
export const DEFAULT_CROSS_ACCOUNT = { criticalAccounts: 10, deniedAccounts: 5 } as const;

interface Principal {
  sub: string; entity: Entity; client: string | null; grant: string | null; kid: string;
  reads: Tally; denied: DistinctCounter; deniedN: number; sev: 0 | 1 | 2 | 3; jtis: string[];
}

type PrincipalState = Omit<Principal, 'reads' | 'denied'> & { reads: TallyState; denied: DistinctCounterState };

const SEV = ['low', 'medium', 'high', 'critical'] as const;

const isRead = (status: number): boolean => status >= 200 && status <= 299 && status !== 204;
const isDenied = (status: number): boolean => status === 401 || status === 403 || status === 404;

/**
 * True for the only events this detector looks at: a token's read (2xx but 204) or denied
 * attempt (401, 403, 404) on a catalog `personal` route for an `account_id` other than the
 * token's `sub`. `breachwatch ship` sends just these to the partition of the token's `sub`.
 */
export function mayCrossAccounts(e: AccessEvent, routes: RouteTable): boolean {
  const tok = e.token;
  const acct = e.account_id;
  if (tok === undefined || acct === undefined || acct === tok.sub) return false;
  if (routes.get(e.method, e.route)?.kind !== 'personal') return false;
  return isRead(e.status) || isDenied(e.status);
}

/** See file header. */
export class CrossAccountDetector implements Detector {
  readonly name = NAME;
  private readonly byKey = new Map<string, Principal>();
  private routes: RouteTable | undefined;
  private readonly critical: number;
  private readonly deniedMin: number;
  private readonly every: number;

  constructor(private readonly o: CrossAccountOptions = {}) {
    this.critical = o.criticalAccounts ?? DEFAULT_CROSS_ACCOUNT.criticalAccounts;
    this.deniedMin = o.deniedAccounts ?? DEFAULT_CROSS_ACCOUNT.deniedAccounts;
    this.every = o.emitEveryMs ?? DEFAULT_EXPOSURE_EMIT_EVERY_MS;
  }

  onEvent(e: PipelineEvent, ctx: DetectContext): void {
    if (e.kind !== 'access') return;
    const routes = this.routes ?? (this.routes = ctx.routes);
    if (!mayCrossAccounts(e, routes)) return;
    const tok = e.token as NonNullable<AccessEvent['token']>;
    const acct = e.account_id as string;
    const read = isRead(e.status);
    // the engine looked the token's ledger record up (client and grant it was issued with)
    const rec = ctx.feed.rec;
    const client = tok.client_id ?? rec?.client;
    const reg = clientsOf(ctx);
    if (reg.kind(client) !== 'customer') return;
    const key = `${tok.sub}\n${client ?? ''}`;
    let p = this.byKey.get(key);
    if (p === undefined) {
      p = {
        sub: tok.sub, entity: reg.principal(tok, rec?.grant), client: client ?? null, grant: rec?.grant ?? null, kid: tok.kid,
        reads: new Tally(e.t, e.t), denied: new DistinctCounter(), deniedN: 0, sev: 0, jtis: [],
      };
      this.byKey.set(key, p);
    }
    if (p.jtis.length < 10 && !p.jtis.includes(tok.jti)) p.jtis.push(tok.jti);
    if (!read) {
      p.denied.add(hash30(acct));
      p.deniedN++;
      if (p.sev === 0 && p.denied.count() >= this.deniedMin) this.emit(p, e, e.t, ctx);
      return;
    }
    const first = p.reads.events === 0;
    p.reads.add(e.t, e.src_ip, acct, e.request_id);
    if (first || (p.sev < 3 && p.reads.accounts.count() >= this.critical)) this.emit(p, e, e.t, ctx);
  }

  onWatermark(t: number, ctx: DetectContext): void {
    for (const p of this.byKey.values()) {
      if (p.sev > 0 && p.reads.dirty && t - p.reads.lastEmit >= this.every) this.emit(p, undefined, t, ctx);
    }
  }

  finish(t: number, ctx: DetectContext): void {
    for (const p of this.byKey.values()) if (p.sev > 0 && p.reads.dirty) this.emit(p, undefined, t, ctx);
  }

  snapshot(): unknown {
    return [...this.byKey].map(([k, p]) => [k, { ...p, reads: p.reads.snapshot(), denied: p.denied.snapshot(), jtis: [...p.jtis] }]);
  }

  restore(state: unknown): void {
    this.byKey.clear();
    for (const [k, p] of state as [string, PrincipalState][]) {
      this.byKey.set(k, { ...p, reads: Tally.restore(p.reads), denied: DistinctCounter.restore(p.denied), jtis: [...p.jtis] });
    }
  }

  stateBytes(): number {
    let b = 0;
    for (const p of this.byKey.values()) b += 300 + p.reads.bytes() + p.denied.bytes();
    return b;
  }

  private emit(p: Principal, e: AccessEvent | undefined, at: number, ctx: DetectContext): void {
    const r = p.reads;
    const others = r.accounts.count();
    const tried = p.denied.count();
    const sev = r.events === 0 ? 1 : others >= this.critical ? 3 : 2;
    p.sev = Math.max(p.sev, sev) as Principal['sev'];
    r.emitted(at);
    const who = `${p.entity.type === 'client' ? 'Client' : 'Account'} ${p.entity.id}` + (p.client === null || p.entity.type === 'client' ? '' : ` (client ${p.client})`);
    const title = r.events === 0
      ? `${who} tried to read personal data of ${plural(tried, 'other account')} (all denied)`
      : `${who} read personal data of ${plural(others, 'other account')} (${plural(r.events, 'response')})`;
    ctx.emit({
      detector: NAME, severity: SEV[p.sev], title, entity: p.entity,
      first_seen: r.first, last_seen: Math.max(r.last, e?.t ?? r.last), at,
      events: r.events + p.deniedN, accounts: others, evidence: r.evidence,
      details: {
        principal: p.entity.id, client_id: p.client, client_kind: 'customer', grant: p.grant, kid: p.kid,
        // without a registry every client is a customer client (contract §7), consoles included
        client_registry: clientsOf(ctx).size > 0,
        other_accounts: others, reads: r.events, denied_attempts: p.deniedN, denied_accounts: tried,
        sample_jtis: [...p.jtis], top_sources: r.topSources(),
      },
      ...(r.events > 0 && { indicators: [{ type: 'actor' as const, value: p.sub, first_seen: r.first, last_seen: r.last }] }),
    });
  }
}
