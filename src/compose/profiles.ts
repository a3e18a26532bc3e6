/**
 * How each command uses its store, in one table: `hunt` loads in bulk (whole row groups, one
 * load at a time, little memory, one core left to JavaScript); `serve` is live (committed
 * events visible within about a second, one core left to JavaScript); `scope` only reads
 * (every core, `DEFAULTS.store.readMemoryLimit`); `notice send` keeps its delivery ledger (`ledger`: one
 * statement at a time, little memory). Future commands pick one of these uses.
 */
import { DEFAULTS } from '../model/index.js';
import type { StoreProfile, StoreUse } from '../store/index.js';

/** The profile of every use. */
export const STORE_PROFILES: Readonly<Record<StoreUse, StoreProfile>> = {
  bulk: {
    use: 'bulk', splitAppends: true, orderedLoads: true, threads: 'beside-js', memoryLimit: DEFAULTS.store.bulkMemoryLimit,
  },
  live: {
    use: 'live', splitAppends: false, orderedLoads: true, threads: 'beside-js', memoryLimit: DEFAULTS.store.memoryLimit,
    loadWithinMs: DEFAULTS.store.liveLoadWithinMs,
  },
  read: {
    use: 'read', splitAppends: false, orderedLoads: false, threads: 'all', memoryLimit: DEFAULTS.store.readMemoryLimit,
  },
  ledger: {
    use: 'ledger', splitAppends: false, orderedLoads: true, threads: 'beside-js', memoryLimit: DEFAULTS.store.bulkMemoryLimit,
  },
};
