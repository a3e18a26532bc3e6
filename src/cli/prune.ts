/**
 * `breachwatch prune --before TIME`: the retention job, deleting stored events older than a
 * time. Refused (ERR_HOLD, nothing deleted) while a legal hold stands on the store.
 */
import type { Command } from 'commander';
import { openStore } from '../compose/index.js';
import { BreachwatchError, parseRfc3339 } from '../model/index.js';
import { addStoreFlags, storeUrlFrom, type StoreFlags } from './store-flags.js';

/** Adds `prune` to the program. */
export function registerPrune(program: Command): void {
  const cmd = program.command('prune').description('retention: delete stored access and ledger events before a time (refused under a legal hold)');
  addStoreFlags(cmd, 'to prune (one of --store, --db is required)', false)
    .requiredOption('--before <time>', 'delete events with event time before this RFC 3339 time')
    .action(async (f: StoreFlags & { before: string }) => {
      const t = parseRfc3339(f.before);
      if (t === undefined) throw new BreachwatchError('ERR_USAGE', '--before must be an RFC 3339 time with an offset');
      const store = await openStore(storeUrlFrom(f, false), 'bulk', { mustExist: true });
      try {
        console.log(JSON.stringify({ deleted: await store.pruneBefore(t) }));
      } finally {
        await store.close();
      }
    });
}
