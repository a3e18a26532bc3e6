/**
 * `breachwatch scope`: who was affected, and what of theirs, from the chosen alerts.
 */
import type { Command } from 'commander';
import { BreachwatchError, SEVERITIES, type Severity } from '../model/index.js';
import { openStore } from '../compose/index.js';
import { PIVOT_STEPS, runScope, type PivotStep } from '../scope/index.js';
import { addStoreFlags, storeUrlFrom, type StoreFlags } from './store-flags.js';

interface ScopeFlags extends StoreFlags {
  minSeverity: string; out: string; alert?: string[]; includeUnverifiable?: boolean;
  pivots: boolean; pivotKeySources: boolean; pivotTokenSources: boolean; pivotSourceTokens: boolean;
}

/** The pivot steps the flags leave on. */
function pivotSteps(f: ScopeFlags): PivotStep[] {
  if (!f.pivots) return [];
  const on: Record<PivotStep, boolean> = {
    'key-sources': f.pivotKeySources, 'token-sources': f.pivotTokenSources, 'source-tokens': f.pivotSourceTokens,
  };
  return PIVOT_STEPS.filter((s) => on[s]);
}

/** Adds `scope` to the program. */
export function registerScope(program: Command): void {
  const cmd = program.command('scope')
    .description('write affected_accounts.csv and summary.json for the chosen alerts');
  addStoreFlags(cmd, 'written by hunt (one of --store, --db is required)', false)
    .option('--min-severity <level>', 'use alerts at or above this severity', 'high')
    .option('--alert <ids...>', 'use exactly these alerts instead')
    .option('--include-unverifiable', 'also follow alerts whose tokens the ledger could not settle (verdict unverifiable)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--no-pivots', 'follow only the chosen alerts\' own indicators')
    .option('--no-pivot-key-sources', 'do not pivot from a key alert to the sources of its never-issued tokens')
    .option('--no-pivot-token-sources', 'do not pivot from tokens to the sources they were used from')
    .option('--no-pivot-source-tokens', 'do not pivot from the attacker\'s sources to their other tokens')
    .action(async (f: ScopeFlags) => {
      if (!SEVERITIES.includes(f.minSeverity as Severity)) {
        throw new BreachwatchError('ERR_USAGE', `--min-severity must be one of ${SEVERITIES.join(', ')}`);
      }
      const store = await openStore(storeUrlFrom(f, false), 'read', { mustExist: true });
      try {
        const r = await runScope(store, {
          minSeverity: f.minSeverity as Severity, out: f.out, includeUnverifiable: f.includeUnverifiable === true,
          pivots: { steps: pivotSteps(f) },
          ...(f.alert !== undefined && { alertIds: f.alert }),
        });
        console.log(JSON.stringify(r, null, 2));
      } finally {
        await store.close();
      }
    });
}
