/**
 * The engines of one partition: on partition 0 the global engine (every detector but the
 * keyed ones, over every event), and on every partition one engine per key kind running that
 * kind's keyed detector over the events whose key the partition owns (ledger records: all),
 * each told the global watermark before each event so its clock is the single process's.
 */
import type { PipelineEvent, ReferenceData } from '../model/index.js';
import { BUILTIN_DETECTORS, Engine, type DetectSettings, type EngineSnapshot } from '../detect/index.js';
import { buildDetectors } from '../compose/index.js';
import { GLOBAL_PARTITION, isKeyed, KEY_KINDS, KEYED_DETECTORS, owns, type KeyKind } from './routing.js';

/** What the engines of a partition are built from. */
export interface PartitionEnginesOptions {
  readonly partition: number;
  readonly partitions: number;
  readonly ref: ReferenceData;
  readonly settings: DetectSettings;
  /** Sigma rules: run on the global partition (their correlations may span any key). */
  readonly sigma?: readonly string[];
}

/** The engines of one partition, by name (`global`, or a key kind). */
export class PartitionEngines {
  private readonly global: Engine | undefined;
  private readonly keyed: { kind: KeyKind; engine: Engine }[];
  private readonly one: PipelineEvent[] = [];

  private constructor(private readonly o: PartitionEnginesOptions, global: Engine | undefined, keyed: { kind: KeyKind; engine: Engine }[]) {
    this.global = global;
    this.keyed = keyed;
  }

  /** Builds the engines (Sigma rules are loaded here). */
  static async build(o: PartitionEnginesOptions): Promise<PartitionEngines> {
    const make = async (only: readonly string[], sigma?: readonly string[]): Promise<Engine> => new Engine({
      detectors: await buildDetectors(o.settings, o.ref, { only, ...(sigma !== undefined && { sigma }) }),
      ref: o.ref, settings: o.settings, retainIndicators: false,
    });
    const global = o.partition === GLOBAL_PARTITION
      ? await make(BUILTIN_DETECTORS.filter((d) => !isKeyed(d)), o.sigma)
      : undefined;
    const keyed: { kind: KeyKind; engine: Engine }[] = [];
    for (const kind of KEY_KINDS) keyed.push({ kind, engine: await make([KEYED_DETECTORS[kind]]) });
    return new PartitionEngines(o, global, keyed);
  }

  /** Every engine with its name. */
  all(): { name: string; engine: Engine }[] {
    const out = this.keyed.map((k) => ({ name: k.kind, engine: k.engine }));
    return this.global === undefined ? out : [{ name: 'global', engine: this.global }, ...out];
  }

  /** Starts every engine at the input's first event time (as hunt does). */
  start(t0: number | null): void {
    for (const { engine } of this.all()) engine.start(t0 ?? undefined);
  }

  /** Feeds one message's events, `w[i]` being the global watermark before `events[i]`. */
  push(events: readonly PipelineEvent[], w: readonly (number | null)[]): void {
    if (this.global !== undefined) this.global.push(events);
    const { partition, partitions } = this.o;
    const one = this.one;
    for (const { kind, engine } of this.keyed) {
      for (let i = 0; i < events.length; i++) {
        const e = events[i]!;
        if (!owns(kind, e, partition, partitions)) continue;
        const before = w[i];
        if (before !== null && before !== undefined) engine.advanceTo(before);
        one[0] = e;
        engine.push(one);
      }
    }
    one.length = 0;
  }

  /** End of input at global watermark `wm`: every engine fires what is pending. */
  finish(wm: number | null): void {
    for (const { engine } of this.keyed) if (wm !== null) engine.advanceTo(wm);
    for (const { engine } of this.all()) engine.finish();
  }

  snapshot(): Record<string, EngineSnapshot> {
    const out: Record<string, EngineSnapshot> = {};
    for (const { name, engine } of this.all()) out[name] = engine.snapshot();
    return out;
  }

  restore(s: Record<string, EngineSnapshot>): void {
    for (const { name, engine } of this.all()) {
      const snap = s[name];
      if (snap === undefined) throw new Error(`checkpoint lacks engine ${name}`);
      engine.restore(snap);
    }
  }
}
