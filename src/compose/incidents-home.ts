/**
 * Where a store's incidents keep their files (evidence logs, saved runs' folders, reports,
 * `incident.json`): beside the store they describe, so moving or archiving the store takes
 * them along. A DuckDB file `x.duckdb` has `x.duckdb.incidents/`; a server store has no
 * folder of its own, so its incidents need one named (`--home`).
 */
import { resolve } from 'node:path';
import { BreachwatchError } from '../model/index.js';
import type { StoreLocation } from '../store/index.js';

/** The incidents home of the store at `location`, or `home` when given. */
export function incidentsHome(location: StoreLocation, home?: string): string {
  if (home !== undefined) return resolve(home);
  if (location.scheme === 'duckdb' && location.path !== ':memory:') return resolve(`${location.path}.incidents`);
  throw new BreachwatchError('ERR_USAGE', 'this store has no folder beside it for incidents: name one with --home DIR');
}
