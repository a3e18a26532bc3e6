/**
 * `breachwatch scope`: who was affected, and what of theirs, from the chosen alerts.
 */
import type { Command } from 'commander';
import { BreachwatchError, SEVERITIES, type Severity } from '../model/index.js';
import { openStore } from '../compose/index.js';
import { runScope } from '../scope/index.js';
import { addStoreFlags, storeUrlFrom, type StoreFlags } from './store-flags.js';

interface ScopeFlags extends StoreFlags { minSeverity: string; out: string; alert?: string[]; includeUnverifiable?: boolean }

/** Adds `scope` to the program. */
export function registerScope(program: Command): void {
  const cmd = program.command('scope')
    .description('write affected_accounts.csv and summary.json for the chosen alerts');
  addStoreFlags(cmd, 'written by hunt (one of --store, --db is required)', false)
    .option('--min-severity <level>', 'use alerts at or above this severity', 'high')
    .option('--alert <ids...>', 'use exactly these alerts instead')
    .option('--include-unverifiable', 'also follow alerts whose tokens the ledger could not settle (verdict unverifiable)')
    .requiredOption('--out <dir>', 'output folder')
    .action(async (f: ScopeFlags) => {
      if (!SEVERITIES.includes(f.minSeverity as Severity)) {
        throw new BreachwatchError('ERR_USAGE', `--min-severity must be one of ${SEVERITIES.join(', ')}`);
      }
      const store = await openStore(storeUrlFrom(f, false), 'read', { mustExist: true });
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
