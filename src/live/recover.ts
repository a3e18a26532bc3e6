/**
 * Start-up recovery of the live pipeline: restore the last checkpoint (engine, reorder buffer,
 * dedup set), then walk the journal records written after it. A record whose rows are in the
 * store (the store's access and ledger counts reach its `ab`/`lb` plus its own rows) reached
 * the store; the commits whose background loads a crash cut short are written to the store now.
 * Either way its events go to the reorder buffer (the restored engine has not seen them)
 * and its request_ids to the dedup set, so a client retrying an unacknowledged request is not
 * stored twice. Only the journal's tail is replayed, never history.
 */
import type { Engine } from '../detect/index.js';
import type { Store } from '../store/index.js';
import { readCheckpoint } from './checkpoint.js';
import type { Journal, JournalRecord } from './journal.js';
import type { LiveLog } from './pipeline.js';
import { appendGroup, rememberIds } from './pipeline.js';
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
  readonly ledgerRows: number;
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
  let ledgerRows = await x.store.countLedger();
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
    // The store loads each table in journal order, whole commits at a time, so its row counts
    // say which commits it holds. (Journals without `lb` stored synchronously: there a later
    // record proves that an earlier ledger-only commit completed.)
    const accessStored = n.access === 0 || rows >= r.ab + n.access;
    const ledgerStored = n.ledger === 0 || (r.lb !== undefined ? ledgerRows >= r.lb + n.ledger : n.access > 0 ? accessStored : !last);
    if (!accessStored || !ledgerStored) {
      const access = accessStored ? [] : r.groups.flatMap((g) => g.access);
      const ledger = ledgerStored ? [] : r.groups.flatMap((g) => g.ledger);
      await appendGroup(x.store, access, ledger);
      rows += access.length;
      ledgerRows += ledger.length;
      rewritten++;
    }
    for (const g of r.groups) {
      rememberIds(x.dedup, g);
      x.reorder.push(g.source, [...g.access, ...g.ledger]);
    }
    seq = r.seq;
  }
  await x.store.flush();
  if (cp !== undefined || tail.length > 0) {
    x.log.info({ checkpointSeq: cp?.seq ?? null, replayed: tail.length, rewritten, seq }, 'live state restored');
  }
  return { seq, accessRows: rows, ledgerRows, replayed: tail.length, rewritten };
}
