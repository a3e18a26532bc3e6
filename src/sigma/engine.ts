/**
 * The Sigma engine: compiled detection rules, filters and correlation rules over a stream of
 * events in event time. Applies `generate`: a rule referenced by a correlation reports its own
 * matches only when a referencing correlation says `generate: true`.
 */
import { compile } from './compile.js';
import type { CompileOptions, CompiledDetections } from './compile.js';
import { CorrelationState } from './correlation/engine.js';
import type { CorrelationFiring, FieldReader } from './correlation/engine.js';
import type { LoadedRule, LoadedRuleSet } from './load.js';
import type { DetectionRule } from './types.js';

/** A detection rule matched an event. */
export interface SigmaMatch {
  readonly rule: LoadedRule<DetectionRule>;
  readonly t: number;
  readonly event: Record<string, unknown>;
}

/** Receives what the engine finds. */
export interface SigmaSink {
  onMatch?(m: SigmaMatch): void;
  onFiring?(f: CorrelationFiring): void;
}

/** Engine statistics. */
export interface SigmaStats {
  events: number;
  matches: number;
  firings: number;
  /** Occurrences fed to correlations (one per referencing correlation per match or firing). */
  occurrences: number;
}

const keysOf = (r: { id?: string; name?: string }): string[] => [r.id, r.name].filter((x): x is string => x !== undefined);

/** A running engine. Create with {@link createSigmaEngine}. */
export class SigmaEngine {
  readonly detections: CompiledDetections;
  readonly correlations: readonly CorrelationState[];
  readonly stats: SigmaStats = { events: 0, matches: 0, firings: 0, occurrences: 0 };
  private readonly emitRule: boolean[];
  private readonly ruleListeners: CorrelationState[][];
  private readonly corrListeners = new Map<CorrelationState, CorrelationState[]>();
  private readonly emitCorr = new Map<CorrelationState, boolean>();
  private readonly out: number[] = [];
  /** Each rule's reference keys (one array per rule: correlation plans are cached by it). */
  private readonly ruleKeys: string[][];
  private readonly corrKeys = new Map<CorrelationState, string[]>();

  constructor(set: LoadedRuleSet, opts: CompileOptions) {
    this.detections = compile(set, opts);
    this.correlations = set.correlations.map((c) => new CorrelationState(c));
    const listeners = (keys: readonly string[]): CorrelationState[] => this.correlations.filter((c) => c.rule.rules.some((k) => keys.includes(k)));
    this.ruleKeys = this.detections.rules.map(keysOf);
    this.ruleListeners = this.ruleKeys.map(listeners);
    this.emitRule = this.ruleListeners.map((ls) => ls.length === 0 || ls.some((c) => c.rule.generate));
    for (const c of this.correlations) {
      this.corrKeys.set(c, keysOf(c.rule));
      const ls = listeners(keysOf(c.rule));
      this.corrListeners.set(c, ls);
      this.emitCorr.set(c, ls.length === 0 || ls.some((x) => x.rule.generate));
    }
  }

  /** Matches one event at event time `t`. */
  process(ev: Record<string, unknown>, t: number, sink: SigmaSink): void {
    this.stats.events++;
    const hits = this.detections.match(ev, this.out);
    if (hits.length === 0) return;
    let read: FieldReader | undefined;
    for (const ri of hits) {
      const rule = this.detections.rules[ri]!;
      this.stats.matches++;
      if (this.emitRule[ri]) sink.onMatch?.({ rule, t, event: ev });
      const ls = this.ruleListeners[ri]!;
      if (ls.length === 0) continue;
      const keys = this.ruleKeys[ri]!;
      read ??= (name) => this.detections.field(ev, name);
      for (const c of ls) this.feed(c, keys, t, read, sink);
    }
  }

  private feed(c: CorrelationState, keys: readonly string[], t: number, read: FieldReader, sink: SigmaSink): void {
    this.stats.occurrences++;
    const f = c.onOccurrence(keys, t, read);
    if (!f) return;
    this.stats.firings++;
    if (this.emitCorr.get(c)) sink.onFiring?.(f);
    const next = this.corrListeners.get(c) ?? [];
    const fkeys = this.corrKeys.get(c)!;
    for (const d of next) this.feed(d, fkeys, f.windowEnd, (name) => f.group[name], sink);
  }

  /**
   * Event time has reached `t`: frees every group whose window passed. A full sweep per
   * correlation runs at most every 1/16 of its timespan of event time (watermarks may tick often).
   */
  advance(t: number): void {
    for (const c of this.correlations) {
      if (t > c.watermark) c.watermark = t;
      if (c.watermark - c.lastFullSweep >= c.rule.timespanMs / 16) c.sweep(true);
    }
  }

  /** Ids (or names, or titles) of the rules whose matches or firings are reported. */
  emitters(): string[] {
    const key = (r: { id?: string; name?: string; title: string }): string => r.id ?? r.name ?? r.title;
    return [
      ...this.detections.rules.filter((_, i) => this.emitRule[i]).map(key),
      ...this.correlations.filter((c) => this.emitCorr.get(c)).map((c) => key(c.rule)),
    ];
  }

  /** Live correlation groups (all correlations). */
  liveGroups(): number {
    let n = 0;
    for (const c of this.correlations) n += c.groups.size;
    return n;
  }

  /** Approximate bytes of correlation state. */
  stateBytes(): number {
    let n = 0;
    for (const c of this.correlations) n += c.bytes();
    return n;
  }

  /** JSON-serializable state (correlation windows and counters). */
  snapshot(): unknown {
    return { stats: { ...this.stats }, corr: Object.fromEntries(this.correlations.map((c, i) => [c.rule.id ?? c.rule.name ?? String(i), c.snapshot()])) };
  }

  /** Restores {@link snapshot} output into a fresh engine over the same rules. */
  restore(s: unknown): void {
    const o = s as { stats: SigmaStats; corr: Record<string, unknown> };
    Object.assign(this.stats, o.stats);
    this.correlations.forEach((c, i) => {
      const st = o.corr[c.rule.id ?? c.rule.name ?? String(i)];
      if (st !== undefined) c.restore(st);
    });
  }
}

/**
 * Builds an engine over a loaded rule set for inputs declaring `opts.logsources`.
 * @example
 * const eng = createSigmaEngine(rules, { logsources: [{ category: 'webserver' }] });
 * eng.process(JSON.parse(line), Date.parse(obj.time), { onMatch: (m) => console.log(m.rule.title) });
 */
export function createSigmaEngine(set: LoadedRuleSet, opts: CompileOptions): SigmaEngine {
  return new SigmaEngine(set, opts);
}
