/**
 * What the dedup set remembers of a commit: its request ids at their event times, and the
 * delivery id (JetStream) at the commit's latest event time. Commits and recovery share it, so
 * a retried delivery is recognised the same way whether or not the service restarted.
 */
import type { AccessEvent, LedgerEvent } from '../model/index.js';
import type { CommitGroup } from './journal.js';
import type { RecentIds } from './recent-ids.js';

/** Latest event time of an entry (the time its delivery id is remembered at). */
export function maxTime(g: { access: readonly AccessEvent[]; ledger: readonly LedgerEvent[] }): number {
  let t = -Infinity;
  for (const e of g.access) if (e.t > t) t = e.t;
  for (const e of g.ledger) if (e.t > t) t = e.t;
  return t === -Infinity ? 0 : t;
}

/** Remembers a committed group's request ids and delivery id. */
export function rememberIds(dedup: RecentIds, g: CommitGroup): void {
  for (const e of g.access) if (e.request_id !== undefined) dedup.add(e.request_id, e.t);
  if (g.key !== undefined && g.access.length + g.ledger.length > 0) dedup.add(g.key, maxTime(g));
}
