/**
 * Coverage benchmark: what tracking the ledger's coverage and every source's clock costs.
 * The same events (read and parsed once, held in memory) go through the whole default
 * detector set twice per round, once with coverage tracking on and once off
 * (`settings.coverage`), in alternating order, seven rounds. Each run is timed in CPU time of
 * this process (less disturbed than wall time on a shared machine) and wall time; the figure
 * is the cost of tracking as a share of the detection engine's own rate, from the best run of
 * each mode. Hunt also parses and stores every event, so the share of hunt's rate is smaller
 * still (`npm run bench -- hunt` gives that rate).
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Engine, createDetectors } from '../src/detect/index.js';
import { Catalog, QuarantineWriter, loadReference, openEventStream } from '../src/ingest/index.js';
import type { PipelineEvent } from '../src/model/index.js';
import { simulate } from '../src/sim/index.js';

async function load(dir: string, max: number): Promise<{ events: PipelineEvent[]; ref: Awaited<ReturnType<typeof loadReference>> }> {
  const ref = await loadReference({ keys: join(dir, 'keys.json'), staff: join(dir, 'staff.csv'), catalog: join(dir, 'catalog.yaml') });
  const ls = async (d: string): Promise<string[]> => (await readdir(d)).filter((f) => f.endsWith('.ndjson')).sort().map((f) => join(d, f));
  const quarantine = new QuarantineWriter(join(dir, 'coverage-bench.quarantine.ndjson'));
  const stream = openEventStream({
    access: await ls(join(dir, 'access')), ledger: await ls(join(dir, 'ledger')), catalog: new Catalog(ref.catalog),
    keys: ref.keys, reorderBoundMs: 60_000, strict: false, quarantine,
  });
  const events: PipelineEvent[] = [];
  for await (const batch of stream) {
    for (const e of batch) {
      // drop the verbatim line: only the engine runs here, and memory is shared
      if (e.kind === 'access') {
        const { raw: _raw, ...rest } = e;
        events.push(rest);
      } else {
        events.push(e);
      }
      if (events.length >= max) break;
    }
    if (events.length >= max) break;
  }
  await quarantine.close();
  return { events, ref };
}

/** One run: events per second of CPU time and of wall time. */
function once(events: readonly PipelineEvent[], ref: Awaited<ReturnType<typeof loadReference>>, coverage: boolean): { cpu: number; wall: number } {
  const eng = new Engine({ detectors: createDetectors(), ref, retainIndicators: false, settings: { coverage } });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < events.length; i += 8192) {
    eng.push(events.slice(i, i + 8192));
    eng.drainChangedAlerts();
    eng.drainIndicators();
  }
  eng.finish();
  const c = process.cpuUsage(c0);
  return { cpu: events.length / ((c.user + c.system) / 1e6), wall: events.length / ((performance.now() - t0) / 1000) };
}

const best = (xs: number[]): number => Math.max(...xs);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const ROUNDS = 7;

/** Runs the benchmark on the hunt benchmark's cached simulation (simulated if missing). */
export async function benchCoverage(opts: { accounts: number; days: number; events: number; scenario?: string }): Promise<void> {
  const scenario = opts.scenario ?? 'forged-token';
  const dir = join(import.meta.dirname, '.data', `hunt-${scenario}-${opts.accounts}-${opts.days}`);
  if (!existsSync(join(dir, 'truth.json'))) {
    console.log(`simulating ${scenario}: ${opts.accounts} accounts × ${opts.days} days → ${dir}`);
    await simulate({ scenario: scenario as 'forged-token', accounts: opts.accounts, days: opts.days, seed: 1, out: dir });
  }
  const { events, ref } = await load(dir, opts.events);
  once(events.slice(0, 50_000), ref, true); // warm-up
  const on: { cpu: number; wall: number }[] = [];
  const off: { cpu: number; wall: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? [false, true] : [true, false];
    for (const c of order) (c ? on : off).push(once(events, ref, c));
  }
  const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
  const line = (xs: { cpu: number; wall: number }[]): string =>
    `best ${fmt(best(xs.map((x) => x.cpu)))} events/CPU-s (median ${fmt(median(xs.map((x) => x.cpu)))}); wall best ${fmt(best(xs.map((x) => x.wall)))} events/s`;
  const a = best(on.map((x) => x.cpu));
  const b = best(off.map((x) => x.cpu));
  console.log(`coverage benchmark (${scenario}, ${opts.accounts} accounts × ${opts.days} days, first ${events.length} events, all detectors, no store, ${ROUNDS} rounds)`);
  console.log(`  coverage off (baseline): ${line(off)}`);
  console.log(`  coverage on:             ${line(on)}`);
  console.log(`  cost of coverage tracking: ${(100 * (1 - a / b)).toFixed(1)}% of the detection engine's rate, best against best ` +
    `(${(1e6 / a - 1e6 / b).toFixed(2)} µs of CPU per event; aim ≤ 5% of hunt's rate, which also parses and stores)`);
}
