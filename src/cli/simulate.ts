/**
 * `breachwatch simulate`: a whole platform in the contract's formats, with ground truth.
 */
import type { Command } from 'commander';
import { BreachwatchError } from '../model/index.js';
import { SCENARIOS, simulate, type ScenarioName } from '../sim/index.js';
import { terminalProgress, fmtCount } from '../pipeline/index.js';
import { intOption } from './files.js';

interface SimFlags { scenario: string; accounts?: string; days?: string; seed?: string; out: string; gzip?: boolean; start?: string }

/** Adds `simulate` to the program. */
export function registerSimulate(program: Command): void {
  program.command('simulate')
    .description(`simulate a platform and an attack (${SCENARIOS.join(', ')})`)
    .requiredOption('--scenario <name>', 'scenario')
    .option('--accounts <n>', 'customer accounts', '50000')
    .option('--days <d>', 'days of traffic', '60')
    .option('--seed <s>', 'random seed (same seed, same files)', '1')
    .option('--start <day>', 'first day, RFC 3339', '2025-06-01T00:00:00Z')
    .option('--gzip', 'write .ndjson.gz files')
    .requiredOption('--out <dir>', 'output folder')
    .action(async (f: SimFlags) => {
      if (!(SCENARIOS as readonly string[]).includes(f.scenario)) {
        throw new BreachwatchError('ERR_USAGE', `unknown scenario '${f.scenario}'; one of: ${SCENARIOS.join(', ')}`);
      }
      const progress = terminalProgress();
      const r = await simulate({
        scenario: f.scenario as ScenarioName,
        accounts: intOption('--accounts', f.accounts, 50_000),
        days: intOption('--days', f.days, 60),
        seed: intOption('--seed', f.seed, 1, 0),
        out: f.out,
        gzip: f.gzip === true,
        ...(f.start !== undefined && { start: f.start }),
        onProgress: (p) => progress.update(`simulate: day ${p.day}/${p.days}, ${fmtCount(p.events)} events`),
      });
      progress.done();
      console.log(JSON.stringify(r, null, 2));
    });
}
