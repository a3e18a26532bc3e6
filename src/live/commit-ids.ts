/**
 * What the dedup set remembers of a commit: its request ids and the delivery id (JetStream).
 * Commits and recovery share it, so a retried delivery is recognised the same way whether or
 * not the service restarted.
 */
import type { CommitGroup } from './journal.js';
import type { RecentIds } from './recent-ids.js';

/** Remembers a committed group's request ids and delivery id. */
export function rememberIds(dedup: RecentIds, g: CommitGroup): void {
  for (const e of g.access) if (e.request_id !== undefined) dedup.add(e.request_id);
  if (g.key !== undefined && g.access.length + g.ledger.length > 0) dedup.add(g.key);
}
