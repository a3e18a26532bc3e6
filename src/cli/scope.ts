/**
 * `breachwatch scope`: who was affected, and what of theirs, from the chosen alerts.
 */
import type { Command } from 'commander';
import { BreachwatchError, SEVERITIES, type Severity } from '../model/index.js';
import { openDuckDbStore } from '../store/index.js';
import { runScope } from '../scope/index.js';
import { access } from 'node:fs/promises';

interface ScopeFlags { db: string; minSeverity: string; out: string; alert?: string[]; includeUnverifiable?: boolean }

/** Adds `scope` to the program. */
export function registerScope(program: Command): void {
  program.command('scope')
    .description('write affected_accounts.csv and summary.json for the chosen alerts')
    .requiredOption('--db <path>', 'store written by hunt')
    .option('--min-severity <level>', 'use alerts at or above this severity', 'high')
    .option('--alert <ids...>', 'use exactly these alerts instead')
    .option('--include-unverifiable', 'also follow alerts whose tokens the ledger could not settle (verdict unverifiable)')
    .requiredOption('--out <dir>', 'output folder')
    .action(async (f: ScopeFlags) => {
      if (!SEVERITIES.includes(f.minSeverity as Severity)) {
        throw new BreachwatchError('ERR_USAGE', `--min-severity must be one of ${SEVERITIES.join(', ')}`);
      }
      await access(f.db).catch((e: unknown) => {
        throw new BreachwatchError('ERR_INPUT_UNREADABLE', `--db ${f.db}: no such store (run hunt first)`, { cause: e });
      });
      const store = await openDuckDbStore(f.db);
      try {
        const r = await runScope(store, {
          minSeverity: f.minSeverity as Severity, out: f.out, includeUnverifiable: f.includeUnverifiable === true,
          ...(f.alert !== undefined && { alertIds: f.alert }),
        });
        console.log(JSON.stringify(r, null, 2));
      } finally {
        await store.close();
      }
    });
}
