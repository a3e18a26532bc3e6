/**
 * The Sigma engine: compiled detection rules, filters and correlation rules over a stream of
 * events in event time. Applies `generate`: a rule referenced by a correlation reports its own
 * matches only when a referencing correlation says `generate: true`.
 */
import { compile } from './compile.js';
import type { CompileOptions, CompiledDetections } from './compile.js';
import { CorrelationState, groupKey } from './correlation/engine.js';
import type { CorrelationFiring, FeedPlan, FieldReader } from './correlation/engine.js';
import { GroupIndex } from './correlation/group-index.js';
import { MAX_SHARERS, SharedWindow, windowSignature } from './correlation/shared-window.js';
import type { OnHold } from './correlation/shared-window.js';
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

/** One window fed by a detection rule, with the per-event key and value slots it reads. */
interface Feed {
  readonly win: SharedWindow;
  readonly plan: FeedPlan;
  /** Per-event cache entry of the group's slot (shared by feeds with the same index and group-by fields). */
  readonly key: number;
  /** Per-event cache entry of the aggregated field's value, or -1. */
  readonly val: number;
  /** Reports a sharer's firing. */
  readonly onHold: OnHold;
}

/** A running engine. Create with {@link createSigmaEngine}. */
export class SigmaEngine {
  readonly detections: CompiledDetections;
  readonly correlations: readonly CorrelationState[];
  readonly stats: SigmaStats = { events: 0, matches: 0, firings: 0, occurrences: 0 };
  private readonly emitRule: boolean[];
  /** Per detection rule: the windows its matches feed. */
  private readonly feeds: Feed[][];
  /** Per correlation: the windows its firings feed. */
  private readonly corrListeners = new Map<CorrelationState, SharedWindow[]>();
  private readonly emitCorr = new Map<CorrelationState, boolean>();
  private readonly out: number[] = [];
  private readonly corrKeys = new Map<CorrelationState, string[]>();
  private readonly windows: SharedWindow[] = [];
  private readonly onHold = new Map<SharedWindow, OnHold>();
  private readonly indexes: GroupIndex[];
  /** Per-event caches of group slots and field values, valid while their stamp equals `gen`. */
  private readonly keyFields: (readonly string[])[] = [];
  private readonly keyIndex: GroupIndex[] = [];
  private readonly keySlot: number[] = [];
  private readonly keyGen: number[] = [];
  private readonly valField: string[] = [];
  private readonly valVal: unknown[] = [];
  private readonly valGen: number[] = [];
  private gen = 0;
  private ev: Record<string, unknown> = {};
  private sink: SigmaSink = {};
  /** Firings of the current step, reported in correlation order once the step is done. */
  private pending: [CorrelationState, CorrelationFiring][] = [];
  private readonly order = new Map<CorrelationState, number>();
  private readonly read: FieldReader = (name) => this.detections.field(this.ev, name);

  constructor(set: LoadedRuleSet, opts: CompileOptions) {
    this.detections = compile(set, opts);
    // Correlations grouping by the same fields share a group-key index; those aggregating the
    // same thing (same type, rules, group-by, aliases, field, timespan) share a window.
    const indexes = new Map<string, GroupIndex>();
    const wins = new Map<string, SharedWindow>();
    const sharers = new Map<SharedWindow, CorrelationState[]>();
    this.correlations = set.correlations.map((c, i) => {
      const sig = windowSignature(c, i);
      let w = wins.get(sig);
      if (!w || w.conditions.length >= MAX_SHARERS) {
        const isig = JSON.stringify(c.groupBy);
        let ix = indexes.get(isig);
        if (!ix) { ix = new GroupIndex(); indexes.set(isig, ix); }
        w = new SharedWindow(c, ix);
        wins.set(sig, w);
        this.windows.push(w);
      }
      const st = new CorrelationState(c, w);
      const list = sharers.get(w) ?? [];
      list.push(st);
      sharers.set(w, list);
      return st;
    });
    this.indexes = [...indexes.values()];
    this.correlations.forEach((c, i) => this.order.set(c, i));
    for (const [w, cs] of sharers) {
      this.onHold.set(w, (i, group, read, ws, we, v) => { const c = cs[i]!; this.pending.push([c, c.firing(i, group, read, ws, we, v)]); });
    }
    const listeners = (keys: readonly string[]): SharedWindow[] =>
      this.windows.filter((w) => w.rule.rules.some((k) => keys.includes(k)));
    const keySlots = new Map<string, number>();
    const valSlots = new Map<string, number>();
    this.feeds = this.detections.rules.map((r) => {
      const keys = keysOf(r);
      return listeners(keys).map((win) => {
        const plan = win.plan(keys);
        const ix = win.groups.index;
        const sig = `${this.indexes.indexOf(ix)}\u001e${plan.group.join('\u001f')}`;
        let key = keySlots.get(sig);
        if (key === undefined) { key = this.keyFields.length; keySlots.set(sig, key); this.keyFields.push(plan.group); this.keyIndex.push(ix); this.keySlot.push(0); this.keyGen.push(-1); }
        let val = -1;
        if (plan.field !== undefined) {
          val = valSlots.get(plan.field) ?? -1;
          if (val < 0) { val = this.valField.length; valSlots.set(plan.field, val); this.valField.push(plan.field); this.valVal.push(undefined); this.valGen.push(-1); }
        }
        return { win, plan, key, val, onHold: this.onHold.get(win)! };
      });
    });
    const generates = (ws: SharedWindow[]): boolean => ws.some((w) => sharers.get(w)!.some((c) => c.rule.generate));
    this.emitRule = this.feeds.map((fs) => fs.length === 0 || generates(fs.map((f) => f.win)));
    for (const c of this.correlations) {
      this.corrKeys.set(c, keysOf(c.rule));
      const ls = listeners(keysOf(c.rule));
      this.corrListeners.set(c, ls);
      this.emitCorr.set(c, ls.length === 0 || generates(ls));
    }
  }

  /** Matches one event at event time `t`. */
  process(ev: Record<string, unknown>, t: number, sink: SigmaSink): void {
    this.stats.events++;
    const hits = this.detections.match(ev, this.out);
    if (hits.length === 0) return;
    this.ev = ev;
    this.sink = sink;
    const gen = ++this.gen;
    for (const ri of hits) {
      const rule = this.detections.rules[ri]!;
      this.stats.matches++;
      if (this.emitRule[ri]) sink.onMatch?.({ rule, t, event: ev });
      const fs = this.feeds[ri]!;
      if (Number.isNaN(t)) continue; // no event time: correlations cannot place it
      for (let i = 0; i < fs.length; i++) {
        const f = fs[i]!;
        if (f.plan.idx.length === 0) continue;
        if (this.keyGen[f.key] !== gen) { this.keySlot[f.key] = this.keyIndex[f.key]!.slot(groupKey(this.keyFields[f.key]!, this.read), t); this.keyGen[f.key] = gen; }
        let v: unknown;
        if (f.val >= 0) {
          if (this.valGen[f.val] !== gen) { this.valVal[f.val] = this.read(this.valField[f.val]!); this.valGen[f.val] = gen; }
          v = this.valVal[f.val];
        }
        this.stats.occurrences++;
        f.win.occur(f.plan, t, this.keySlot[f.key]!, v, this.read, f.onHold);
      }
      if (this.pending.length > 0) this.flush();
    }
  }

  /** Reports the pending firings in correlation order, each followed by what it feeds (depth first). */
  private flush(): void {
    const todo = this.pending;
    this.pending = [];
    if (todo.length > 1) todo.sort((a, b) => this.order.get(a[0])! - this.order.get(b[0])!);
    for (const [c, f] of todo) this.fired(c, f);
  }

  private fired(c: CorrelationState, f: CorrelationFiring): void {
    this.stats.firings++;
    if (this.emitCorr.get(c)) this.sink.onFiring?.(f);
    const fkeys = this.corrKeys.get(c)!;
    const read: FieldReader = (name) => f.group[name];
    for (const w of this.corrListeners.get(c) ?? []) {
      const p = w.plan(fkeys);
      if (p.idx.length === 0) continue;
      this.stats.occurrences++;
      w.occur(p, f.windowEnd, w.groups.index.slot(groupKey(p.group, read), f.windowEnd), p.field === undefined ? undefined : read(p.field), read, this.onHold.get(w)!);
    }
    if (this.pending.length > 0) this.flush();
  }

  /** Event time has reached `t`: frees every group whose window passed. */
  advance(t: number): void {
    for (const w of this.windows) w.advance(t);
  }

  /** Ids (or names, or titles) of the rules whose matches or firings are reported. */
  emitters(): string[] {
    const key = (r: { id?: string; name?: string; title: string }): string => r.id ?? r.name ?? r.title;
    return [
      ...this.detections.rules.filter((_, i) => this.emitRule[i]).map(key),
      ...this.correlations.filter((c) => this.emitCorr.get(c)).map((c) => key(c.rule)),
    ];
  }

  /** Number of correlation windows (correlations aggregating the same thing share one). */
  windowCount(): number { return this.windows.length; }

  /** Live correlation groups (of all windows; correlations sharing a window share its groups). */
  liveGroups(): number {
    let n = 0;
    for (const w of this.windows) n += w.groups.size;
    return n;
  }

  /** Approximate bytes of correlation state. */
  stateBytes(): number {
    let n = 0;
    for (const c of this.correlations) n += c.bytes();
    for (const ix of this.indexes) n += ix.bytes();
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
