/**
 * Files a command writes beside its store: a DuckDB file's quarantine goes next to it; a
 * store with no file of its own (in memory, a ClickHouse server) has its quarantine in the
 * working folder.
 */
import type { StoreLocation } from '../store/index.js';

/** Default quarantine file of a run writing to `l`. */
export function quarantineBeside(l: StoreLocation): string {
  return l.scheme === 'duckdb' && l.path !== ':memory:' ? `${l.path}.quarantine.ndjson` : 'breachwatch.quarantine.ndjson';
}
