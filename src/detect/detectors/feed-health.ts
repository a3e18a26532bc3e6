/**
 * `feed-health` (medium): what the feeds could not show. One alert per ledger gap (entity
 * `platform:ledger:gap:<start>`), per coverage edge (`ledger:start` when the access feed began
 * before the ledger and that left tokens unverifiable, `ledger:end` when the ledger ended
 * before it) and per access source whose
 * clock is off the ledger's beyond tolerance (`clock:<file name or feed>`), each with its
 * extent and the tokens it left unverifiable. These alerts carry no indicators: they name no
 * attacker, they tell the analyst which verdicts the data could not settle.
 *
 * It reads the engine's feed state on each watermark tick, doing work only when that state's
 * version moved (a gap opened or closed, an edge was found, a correction changed) and, for
 * counts of unverifiable tokens, at most once a minute of event time.
 */
import { toRfc3339 } from '../../model/index.js';
import type { Finding, PipelineEvent } from '../../model/index.js';
import type { DetectContext, Detector } from '../detector.js';
import type { SourceClock } from '../feed/clock.js';
import type { LedgerGap } from '../feed/coverage.js';

const NAME = 'feed-health';

interface Said { key: string; first: number; title: string; details: Record<string, unknown> }
const REFRESH_MS = 60_000;

const fmt = (ms: number): string => {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
};

/** See file header. */
export class FeedHealthDetector implements Detector {
  readonly name = NAME;
  private seen = -1;
  private lastRefresh = -Infinity;
  /** What each alert last said (by entity id), so unchanged ones stay quiet. */
  private said = new Map<string, Said>();

  onEvent(_e: PipelineEvent, _ctx: DetectContext): void {
    // everything this detector needs is in the engine's feed state
  }

  onWatermark(t: number, ctx: DetectContext): void {
    if (!ctx.settings.coverage) return;
    if (ctx.feed.version === this.seen && t - this.lastRefresh < REFRESH_MS) return;
    this.report(t, ctx, false);
  }

  finish(t: number, ctx: DetectContext): void {
    if (ctx.settings.coverage) this.report(t, ctx, true);
  }

  snapshot(): unknown {
    return { seen: this.seen, lastRefresh: Number.isFinite(this.lastRefresh) ? this.lastRefresh : null, said: [...this.said] };
  }

  restore(state: unknown): void {
    const s = state as { seen: number; lastRefresh: number | null; said: [string, Said][] };
    // the feed state is restored too, but its version restarts: look again at the next tick
    this.seen = -1;
    this.lastRefresh = s.lastRefresh ?? -Infinity;
    this.said = new Map(s.said);
  }

  private report(t: number, ctx: DetectContext, final: boolean): void {
    this.seen = ctx.feed.version;
    this.lastRefresh = t;
    const cov = ctx.feed.coverage;
    const live = new Set<string>();
    for (const g of cov.gaps) live.add(this.gap(g, t, ctx));
    // an open gap that lasted to the end of input is the ledger's end, reported as an edge
    for (const id of this.said.keys()) {
      if (id.startsWith('ledger:gap:') && !live.has(id) && final) this.withdrawGap(id, t, ctx);
    }
    const early = (cov.unverifiable.before_ledger_start ?? 0) + (cov.unverifiable.no_ledger ?? 0);
    // an access feed a little ahead of the ledger matters only once it leaves tokens unverifiable
    if (cov.started && cov.accessFirst < cov.first - ctx.settings.coverageMarginMs && early > 0) {
      this.say(ctx, t, 'ledger:start', cov.accessFirst, cov.first,
        `The issuance ledger starts ${fmt(cov.first - cov.accessFirst)} after the access feed (${toRfc3339(cov.first)}): tokens issued before it are unverifiable`,
        { kind: 'ledger_start', access_from: toRfc3339(cov.accessFirst), ledger_from: toRfc3339(cov.first), unverifiable_tokens: early });
    }
    if (cov.ended) {
      this.say(ctx, t, 'ledger:end', cov.last, Math.max(cov.accessLast, cov.last),
        `The issuance ledger ends ${fmt(cov.accessLast - cov.last)} before the access feed (${toRfc3339(cov.last)}): tokens issued after it are unverifiable`,
        { kind: 'ledger_end', ledger_to: toRfc3339(cov.last), access_to: toRfc3339(cov.accessLast), unverifiable_tokens: cov.unverifiable.after_ledger_end ?? 0 });
    }
    for (const c of ctx.feed.clocks.all()) if (c.beyondTolerance) this.clock(c, t, ctx);
  }

  private gap(g: LedgerGap, t: number, ctx: DetectContext): string {
    const id = `ledger:gap:${toRfc3339(g.from)}`;
    const open = !Number.isFinite(g.to);
    const to = open ? t : g.to;
    this.say(ctx, t, id, g.from, to,
      `The issuance ledger was silent for ${fmt(to - g.from)} from ${toRfc3339(g.from)}${open ? ' (still silent)' : ''} while sign-ins went on: tokens issued then are unverifiable`,
      {
        kind: 'ledger_gap', from: toRfc3339(g.from), to: open ? null : toRfc3339(g.to), duration_ms: to - g.from, open,
        expected_records: Math.round(g.expected), issuance_evidence: g.evidence, unverifiable_tokens: g.unverifiable,
      });
    return id;
  }

  private clock(c: SourceClock, t: number, ctx: DetectContext): void {
    const name = c.key.split(/[\\/]/).pop() ?? c.key;
    const behind = c.estimate < 0;
    this.say(ctx, t, `clock:${name}`, c.first, c.last,
      `Access source ${name} runs ${fmt(c.estimate)} ${behind ? 'behind' : 'ahead of'} the issuance ledger's clock` +
        (c.clamped ? `; corrected by the ${fmt(c.offset)} bound only` : `; corrected by ${fmt(c.offset)}`),
      {
        kind: 'clock_offset', source: c.key, estimate_ms: Math.round(c.estimate), corrected_ms: Math.round(c.offset),
        clamped: c.clamped, samples: c.n,
      });
  }

  private withdrawGap(id: string, t: number, ctx: DetectContext): void {
    const prev = this.said.get(id) as Said;
    this.said.delete(id);
    ctx.emit({
      detector: NAME, severity: 'medium', title: prev.title, entity: { type: 'platform', id },
      first_seen: prev.first, last_seen: t, at: t, events: 0, accounts: 0, details: prev.details,
      revised: { retracted: true, reason: 'the silence lasted to the end of input: reported as the ledger\'s end (ledger:end)' },
    });
  }

  private say(ctx: DetectContext, t: number, id: string, first: number, last: number, title: string, details: Record<string, unknown>): void {
    const key = JSON.stringify({ title, details });
    if (this.said.get(id)?.key === key) return;
    this.said.set(id, { key, first, title, details });
    const f: Finding = {
      detector: NAME, severity: 'medium', title, entity: { type: 'platform', id },
      first_seen: first, last_seen: last, at: t, events: 0, accounts: 0, details, revised: { retracted: false },
    };
    ctx.emit(f);
  }
}
