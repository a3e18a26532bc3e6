/**
 * Child process of the hunt benchmark: runs one measured job in a fresh process so that its
 * peak memory is its own. Prints one JSON line.
 *   tsx bench/hunt-child.ts baseline SIMDIR
 *   tsx bench/hunt-child.ts hunt SIMDIR DB
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { hunt } from '../src/pipeline/index.js';
import { readAndParse } from './parse-baseline.js';

/** The baseline: read the files and JSON.parse every line, nothing else. */
async function baseline(files: readonly string[]): Promise<number> {
  return (await readAndParse(files)).lines;
}

async function files(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.ndjson')).sort().map((f) => join(dir, f));
}

const [mode, a, b] = process.argv.slice(2);
const t0 = performance.now();
if (mode === 'baseline') {
  // The same files hunt reads: access and ledger.
  const n = await baseline([...await files(join(a!, 'access')), ...await files(join(a!, 'ledger'))]);
  const s = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ mode, events: n, seconds: s, rate: n / s, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
} else if (mode === 'hunt') {
  const sim = a!;
  const r = await hunt({
    access: await files(join(sim, 'access')), ledger: await files(join(sim, 'ledger')),
    keys: join(sim, 'keys.json'), staff: join(sim, 'staff.csv'), catalog: join(sim, 'catalog.yaml'), store: `duckdb:${b!}`,
    ...(existsSync(join(sim, 'clients.yaml')) && { clients: join(sim, 'clients.yaml') }),
    ...(existsSync(join(sim, 'honey.txt')) && { honey: join(sim, 'honey.txt') }),
  });
  const s = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({
    mode, events: r.totals.accepted, seconds: s, rate: r.totals.accepted / s, stateBytes: r.stateBytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024, alerts: r.alerts.total, memoryAtEnd: process.memoryUsage(),
  }));
} else {
  console.error('usage: hunt-child.ts baseline SIMDIR | hunt SIMDIR DB');
  process.exitCode = 2;
}
