/**
 * The Sigma adapter for the detection engine: each rule match and correlation firing becomes a
 * Finding (`detector: "sigma:<rule id>"`, severity from `level`) with running totals per
 * (rule, entity), in event time. Correlation state snapshots and restores.
 */
import type { Detector, DetectContext } from '../detect/index.js';
import type { Entity, EntityType, Finding, Indicator, PipelineEvent, Severity } from '../model/index.js';
import type { CorrelationFiring } from './correlation/engine.js';
import { SigmaEngine } from './engine.js';
import type { SigmaMatch } from './engine.js';
import type { FieldMap } from './fields.js';
import type { LoadResult, LoadedRuleSet } from './load.js';
import { ACCESS_LOGSOURCES } from './logsource.js';
import type { LogSource, SigmaLevel } from './types.js';

/** Options of {@link createSigmaDetector}. */
export interface SigmaDetectorOptions {
  /** Log sources access events declare (default: webserver and proxy). */
  readonly logsources?: readonly LogSource[];
  /** Evaluate every rule whatever its logsource. */
  readonly ignoreLogsource?: boolean;
  readonly fieldMap?: FieldMap;
}

const SEVERITY: Record<SigmaLevel, Severity> = { critical: 'critical', high: 'high', medium: 'medium', low: 'low', informational: 'low' };
/** group-by field → entity type for correlation findings. */
const GROUP_ENTITY: Record<string, EntityType> = {
  'src_ip': 'ip', 'c-ip': 'ip', 'account_id': 'account', 'cs-username': 'account', 'user_agent': 'user_agent',
  'cs-user-agent': 'user_agent', 'c-useragent': 'user_agent', 'device_id': 'device', 'asn': 'asn', 'token.jti': 'token', 'token.kid': 'key',
};
const MAX_ACCOUNTS = 100_000;

/** The Sigma {@link Detector}, with a view of its correlation state. */
export interface SigmaDetector extends Detector {
  /** Live correlation groups. */
  liveGroups(): number;
}

interface Totals { first: number; last: number; events: number; accounts: Set<string> }

const ruleKey = (r: { id?: string; name?: string; title: string }): string => r.id ?? r.name ?? r.title;

/**
 * Wraps a loaded rule set as a {@link Detector}. When exactly one rule reports (a detection
 * rule, or a correlation whose referenced rules stay silent) its `name` is `sigma:<rule id>`,
 * the findings' detector; otherwise `sigma`.
 * @example engine detectors: [createSigmaDetector(await loadSigmaRules(['rules/']))]
 */
export function createSigmaDetector(loaded: LoadedRuleSet | LoadResult, opts: SigmaDetectorOptions = {}): SigmaDetector {
  const set = 'rules' in loaded ? loaded.rules : loaded;
  const make = (): SigmaEngine => new SigmaEngine(set, {
    logsources: opts.ignoreLogsource ? 'all' : opts.logsources ?? ACCESS_LOGSOURCES,
    ...(opts.fieldMap ? { fieldMap: opts.fieldMap } : {}),
  });
  let engine = make();
  let totals = new Map<string, Totals>();
  const emitters = engine.emitters();
  const name = emitters.length === 1 ? `sigma:${emitters[0]!}` : 'sigma';

  const bump = (key: string, first: number, last: number, events: number, account: string | undefined): Totals => {
    let tt = totals.get(key);
    if (!tt) { tt = { first, last, events: 0, accounts: new Set() }; totals.set(key, tt); }
    tt.first = Math.min(tt.first, first);
    tt.last = Math.max(tt.last, last);
    tt.events += events;
    if (account !== undefined && tt.accounts.size < MAX_ACCOUNTS) tt.accounts.add(account);
    return tt;
  };

  const onMatch = (ctx: DetectContext) => (m: SigmaMatch): void => {
    const ev = m.event;
    const ip = typeof ev['src_ip'] === 'string' ? ev['src_ip'] : undefined;
    const entity: Entity = ip !== undefined ? { type: 'ip', id: ip } : { type: 'platform', id: 'platform' };
    const det = `sigma:${ruleKey(m.rule)}`;
    const tok = ev['token'] as { sub?: unknown } | undefined;
    const acct = typeof ev['account_id'] === 'string' ? ev['account_id'] : typeof tok?.sub === 'string' ? tok.sub : undefined;
    const tt = bump(`${det}\u001f${entity.type}\u001f${entity.id}`, m.t, m.t, 1, acct);
    const rid = typeof ev['request_id'] === 'string' ? ev['request_id'] : undefined;
    const indicators: Indicator[] = ip !== undefined ? [{ type: 'ip', value: ip, first_seen: tt.first, last_seen: tt.last }] : [];
    ctx.emit({
      detector: det, severity: SEVERITY[m.rule.level], title: m.rule.title, entity,
      first_seen: tt.first, last_seen: tt.last, at: m.t, events: tt.events, accounts: tt.accounts.size,
      ...(rid !== undefined ? { evidence: [rid] } : {}),
      details: { rule_id: m.rule.id ?? null, level: m.rule.level, file: m.rule.file, tags: m.rule.tags },
      indicators,
    } satisfies Finding);
  };

  const onFiring = (ctx: DetectContext) => (f: CorrelationFiring): void => {
    const r = f.rule;
    const det = `sigma:${ruleKey(r)}`;
    const fields = Object.keys(f.group);
    const typed = fields.find((k) => GROUP_ENTITY[k] !== undefined);
    const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? 'null');
    // The first group-by field with a known entity type names the entity; otherwise the platform.
    const entity: Entity = typed !== undefined
      ? { type: GROUP_ENTITY[typed]!, id: show(f.group[typed]) }
      : { type: 'platform', id: fields.length === 0 ? 'platform' : fields.map((k) => `${k}=${show(f.group[k])}`).join(',') };
    const count = r.type === 'event_count' ? f.value : 1;
    const tt = bump(`${det}\u001f${entity.type}\u001f${entity.id}`, f.windowStart, f.windowEnd, count, undefined);
    const accounts = r.type === 'value_count' && /account|user|sub/i.test(r.condition.field ?? '') ? f.value : tt.accounts.size;
    ctx.emit({
      detector: det, severity: SEVERITY[r.level], title: r.title, entity,
      first_seen: f.windowStart, last_seen: f.windowEnd, at: f.windowEnd, events: tt.events, accounts,
      details: { correlation_id: r.id ?? null, type: r.type, group: f.group, value: f.value, window_start: f.windowStart, window_end: f.windowEnd },
      indicators: entity.type === 'ip' ? [{ type: 'ip', value: entity.id, first_seen: f.windowStart, last_seen: f.windowEnd }] : [],
    } satisfies Finding);
  };

  return {
    name,
    onEvent(e: PipelineEvent, ctx: DetectContext): void {
      if (e.kind !== 'access') return;
      engine.process(e as unknown as Record<string, unknown>, e.t, { onMatch: onMatch(ctx), onFiring: onFiring(ctx) });
    },
    onWatermark(t: number): void { engine.advance(t); },
    finish(t: number): void { engine.advance(t); },
    snapshot(): unknown { return { engine: engine.snapshot(), totals: [...totals].map(([k, t]) => [k, { ...t, accounts: [...t.accounts] }]) }; },
    restore(state: unknown): void {
      const s = state as { engine: unknown; totals: [string, Omit<Totals, 'accounts'> & { accounts: string[] }][] };
      engine = make();
      engine.restore(s.engine);
      totals = new Map(s.totals.map(([k, t]) => [k, { ...t, accounts: new Set(t.accounts) }]));
    },
    liveGroups(): number { return engine.liveGroups(); },
    stateBytes(): number {
      let n = engine.stateBytes();
      for (const t of totals.values()) n += 64 + t.accounts.size * 24;
      return n;
    },
  };
}
