/**
 * Start-up recovery of the live pipeline: restore the last checkpoint (engine, reorder buffer,
 * dedup set), then walk the journal records written after it. A record whose access rows are
 * in the store (the store's access count reaches its `ab` + its access events) was fully
 * committed; the one commit that may have been cut short by a crash is written to the store
 * now. Either way its events go to the reorder buffer (the restored engine has not seen them)
 * and its request_ids to the dedup set, so a client retrying an unacknowledged request is not
 * stored twice. Only the journal's tail is replayed, never history.
 */
import type { Engine } from '../detect/index.js';
import type { Store } from '../store/index.js';
import { readCheckpoint } from './checkpoint.js';
import type { Journal, JournalRecord } from './journal.js';
import type { LiveLog } from './pipeline.js';
import { rememberIds, writeGroup } from './pipeline.js';
import type { RecentIds } from './recent-ids.js';
import type { Reorder } from './reorder.js';

/** What recovery works on. */
export interface RecoverInput {
  readonly store: Store;
  readonly journal: Journal;
  readonly cpPath: string;
  readonly engine: Engine;
  readonly reorder: Reorder;
  readonly dedup: RecentIds;
  readonly log: LiveLog;
}

/** Where the pipeline continues from. */
export interface Recovered {
  readonly seq: number;
  readonly accessRows: number;
  readonly replayed: number;
  readonly rewritten: number;
}

function counts(r: JournalRecord): { access: number; ledger: number } {
  let access = 0;
  let ledger = 0;
  for (const g of r.groups) { access += g.access.length; ledger += g.ledger.length; }
  return { access, ledger };
}

/** Restores state and replays the journal tail; see file header. */
export async function recover(x: RecoverInput): Promise<Recovered> {
  let rows = await x.store.countAccess();
  const cp = await readCheckpoint(x.cpPath);
  let seq = 0;
  if (cp !== undefined) {
    x.engine.restore(cp.engine);
    x.reorder.restore(cp.reorder);
    x.dedup.restore(cp.dedup);
    seq = cp.seq;
  }
  const tail = await x.journal.readAfter(seq);
  let rewritten = 0;
  for (const [i, r] of tail.entries()) {
    const n = counts(r);
    const last = i === tail.length - 1;
    // Access rows are the evidence; a later record proves an earlier commit completed.
    const stored = n.access > 0 ? rows >= r.ab + n.access : !last;
    if (!stored) {
      const access = r.groups.flatMap((g) => g.access);
      const ledger = r.groups.flatMap((g) => g.ledger);
      await writeGroup(x.store, access, ledger);
      rows += access.length;
      rewritten++;
    }
    for (const g of r.groups) {
      rememberIds(x.dedup, g);
      x.reorder.push(g.source, [...g.access, ...g.ledger]);
    }
    seq = r.seq;
  }
  if (cp !== undefined || tail.length > 0) {
    x.log.info({ checkpointSeq: cp?.seq ?? null, replayed: tail.length, rewritten, seq }, 'live state restored');
  }
  return { seq, accessRows: rows, replayed: tail.length, rewritten };
}
