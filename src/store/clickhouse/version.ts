/**
 * Row versions for the ReplacingMergeTree tables that are upserted (alerts, keys, catalog):
 * microseconds of the wall clock, strictly increasing within a process, so the latest write
 * wins a merge and every grouped read (`argMax(…, ver)`).
 */

let last = 0;

/** The next version (greater than every one this process gave before). */
export function nextVersion(): number {
  last = Math.max(last + 1, Date.now() * 1000);
  return last;
}
