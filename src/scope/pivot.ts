/**
 * Scope pivots: so that "exactly who" does not depend on which indicator happened to alert.
 * From the chosen alerts, follow what is attributable to the attacker, and nothing else:
 *
 * - `key-sources`: a key alert's key → the sources that used tokens signed with it which the
 *   ledger never issued, within the alert's window;
 * - `token-sources`: the alerts' (and the pivots') tokens → the sources they were used from;
 * - `source-tokens`: the attacker's sources → the other tokens used there.
 *
 * A source only joins the attacker's set if it is theirs alone: not one token it ever served
 * looks like a customer's session (under 80% personal-route requests — customers browse, shop,
 * check out) or acts on other accounts (a console or batch job: another principal's work). A
 * carrier NAT, office proxy or staff egress that an attacker also used is listed as shared and
 * not followed, so its crowd is never pulled in. A token is followed only if every one of its
 * requests came from the attacker's sources, it reads like a harvest (≥ 80% personal) and it
 * read only its own `sub`'s data (a stolen, forged or taken-over session; a principal acting on
 * others is in scope only through its own `actor` indicator); it then covers its whole life. A harvest-shaped token that was also used elsewhere leads to
 * those other sources, which are judged the same way before the token is looked at again. Sources become no indicator themselves (an address's other
 * traffic is not proven the attacker's); tokens do. Steps repeat until nothing new is found
 * (at most `maxRounds`), and each is listed in the summary with its counts. Each step can be
 * switched off.
 */
import type { Alert, Indicator } from '../model/index.js';
import type { PivotQueries } from '../store/index.js';

/** One kind of pivot. */
export type PivotStep = 'key-sources' | 'token-sources' | 'source-tokens';

/** Every pivot step, in the order they run. */
export const PIVOT_STEPS: readonly PivotStep[] = ['key-sources', 'token-sources', 'source-tokens'];

/** Share of personal-route requests at or above which a token reads like a harvest. */
export const DEFAULT_PIVOT_PERSONAL_SHARE = 0.8;
/** Rounds of token-sources → source-tokens before pivoting stops. */
export const DEFAULT_PIVOT_ROUNDS = 4;

/** How to pivot. */
export interface PivotOptions {
  /** Steps to run (default all); `[]` turns pivoting off. */
  readonly steps?: readonly PivotStep[];
  readonly maxRounds?: number;
  readonly minPersonalShare?: number;
}

/** What one step found (the summary's `pivots.steps[]`). */
export interface PivotStepReport {
  readonly step: PivotStep;
  readonly round: number;
  /** The key a `key-sources` step started from. */
  readonly key?: string;
  /** How many keys, tokens or sources it started from. */
  readonly from: number;
  /** Sources or tokens it found. */
  readonly found: number;
  /** Of those, newly followed. */
  readonly followed: number;
  /** Why the rest were not followed, with counts. */
  readonly not_followed: Record<string, number>;
}

/** Result of {@link expandPivots}. */
export interface PivotResult {
  /** The chosen indicators plus a token indicator per followed token. */
  readonly indicators: Indicator[];
  /** The tokens the pivots added (subset of `indicators`). */
  readonly added: Indicator[];
  readonly steps: PivotStepReport[];
  /** Sources judged the attacker's alone, and those refused as shared. */
  readonly sources: { readonly attacker: string[]; readonly shared: string[] };
}

/** Follows the pivots from `alerts` and their `indicators`; see the file header. */
export async function expandPivots(
  store: PivotQueries, alerts: readonly Alert[], indicators: readonly Indicator[], opts: PivotOptions = {},
): Promise<PivotResult> {
  const want = new Set(opts.steps ?? PIVOT_STEPS);
  const share = opts.minPersonalShare ?? DEFAULT_PIVOT_PERSONAL_SHARE;
  const rounds = opts.maxRounds ?? DEFAULT_PIVOT_ROUNDS;
  const steps: PivotStepReport[] = [];
  const added: Indicator[] = [];
  const known = new Set(indicators.filter((i) => i.type === 'token').map((i) => i.value));
  const attacker = new Set<string>();
  const shared = new Set<string>();
  let fresh: Indicator[] = indicators.filter((i) => i.type === 'token');

  /** Judges candidate sources; returns how many joined the attacker's set, and why others did not. */
  const admit = async (ips: Iterable<string>): Promise<{ joined: number; refused: Record<string, number> }> => {
    const todo = [...new Set(ips)].filter((ip) => !attacker.has(ip) && !shared.has(ip));
    const refused: Record<string, number> = {};
    let joined = 0;
    for (const p of await store.sourceProfiles(todo, share)) {
      const why = p.customerLike > 0 ? 'shared_with_customers' : p.actingForOthers > 0 ? 'shared_with_staff' : undefined;
      if (why !== undefined) {
        shared.add(p.ip);
        refused[why] = (refused[why] ?? 0) + 1;
      } else {
        attacker.add(p.ip);
        joined++;
      }
    }
    // sources whose requests carried no token at all cannot be judged: left out
    for (const ip of todo) if (!attacker.has(ip) && !shared.has(ip)) refused.no_token_traffic = (refused.no_token_traffic ?? 0) + 1;
    return { joined, refused };
  };

  const alertIps = indicators.filter((i) => i.type === 'ip').map((i) => i.value);
  if (alertIps.length > 0 && (want.has('source-tokens'))) await admit(alertIps);

  if (want.has('key-sources')) {
    const keyAlerts = alerts.filter((a) => a.entity.type === 'key');
    for (const a of keyAlerts) {
      const uses = await store.keySources(a.entity.id, Date.parse(a.first_seen), Date.parse(a.last_seen));
      const before = attacker.size;
      const { refused } = await admit(uses.map((u) => u.ip));
      steps.push({ step: 'key-sources', round: 0, key: a.entity.id, from: 1, found: uses.length, followed: attacker.size - before, not_followed: refused });
    }
  }

  // Harvest-shaped tokens seen at the attacker's sources but also used elsewhere: their other
  // sources are judged next round (on their own merits), and the tokens again after that.
  let pending: Indicator[] = [];
  const tried = new Set<string>();
  for (let round = 1; round <= rounds; round++) {
    let grew = false;
    const probe = [...fresh, ...pending];
    if (want.has('token-sources') && probe.length > 0) {
      const uses = await store.tokenSources(probe);
      const { joined, refused } = await admit(uses.map((u) => u.ip));
      steps.push({ step: 'token-sources', round, from: probe.length, found: uses.length, followed: joined, not_followed: refused });
      grew = joined > 0;
    }
    fresh = [];
    pending = [];
    if (want.has('source-tokens') && attacker.size > 0 && (grew || round === 1)) {
      const toks = await store.sourceTokens([...attacker], [...known]);
      const not: Record<string, number> = {};
      for (const t of toks) {
        const ind: Indicator = { type: 'token', value: t.jti, first_seen: t.first, last_seen: t.last };
        const why = t.personal < share * t.requests ? 'customer_like' : t.forOthers > 0 ? 'acts_for_others'
          : t.elsewhere > 0 ? 'used_elsewhere' : undefined;
        if (why !== undefined) {
          not[why] = (not[why] ?? 0) + 1;
          if (why === 'used_elsewhere' && !tried.has(t.jti)) {
            tried.add(t.jti);
            pending.push(ind);
          }
          continue;
        }
        known.add(t.jti);
        fresh.push(ind);
        added.push(ind);
      }
      steps.push({ step: 'source-tokens', round, from: attacker.size, found: toks.length, followed: fresh.length, not_followed: not });
    }
    if (fresh.length === 0 && pending.length === 0) break;
  }
  return {
    indicators: [...indicators, ...added], added, steps,
    sources: { attacker: [...attacker].sort(), shared: [...shared].sort() },
  };
}
