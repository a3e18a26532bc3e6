/**
 * Start-up recovery of the live pipeline: restore the last checkpoint (engine, reorder buffer,
 * dedup set), then walk the journal records written after it. The store says which commits it
 * holds (`lastCommittedSeq`: a commit's rows and its seq are stored atomically); every record
 * after that seq is committed to the store now, under its own seq, so nothing acknowledged is
 * lost and nothing is stored twice. Every record after the checkpoint goes to the reorder
 * buffer (the restored engine has not seen it) and its request_ids to the dedup set, so a
 * client retrying an unacknowledged request is not stored twice. Only the journal's tail is
 * replayed, never history.
 */
import { BreachwatchError } from '../model/index.js';
import type { Engine } from '../detect/index.js';
import type { IngestStore } from '../store/index.js';
import { readCheckpoint } from './checkpoint.js';
import { rememberIds } from './commit-ids.js';
import type { Journal } from './journal.js';
import type { LiveLog } from './log.js';
import type { RecentIds } from './recent-ids.js';
import type { Reorder } from './reorder.js';

/** What recovery works on. */
export interface RecoverInput {
  readonly store: IngestStore;
  readonly journal: Journal;
  readonly cpPath: string;
  readonly engine: Engine;
  readonly reorder: Reorder;
  readonly dedup: RecentIds;
  readonly log: LiveLog;
}

/** Where the pipeline continues from. */
export interface Recovered {
  /** The last seq used (journal, checkpoint or store): the next commit takes `seq + 1`. */
  readonly seq: number;
  /** Journal records after the checkpoint. */
  readonly replayed: number;
  /** Of those, the ones the store did not hold and received now. */
  readonly rewritten: number;
}

/** Restores state and replays the journal tail; see file header. */
export async function recover(x: RecoverInput): Promise<Recovered> {
  const held = await x.store.lastCommittedSeq();
  const cp = await readCheckpoint(x.cpPath);
  let seq = 0;
  if (cp !== undefined) {
    // A checkpoint is written only once the store holds every commit it covers.
    if (held < cp.seq) {
      throw new BreachwatchError('ERR_STATE',
        `the store holds commits up to ${held} but the checkpoint covers ${cp.seq}: the store is not the one this state folder was written with`);
    }
    x.engine.restore(cp.engine);
    x.reorder.restore(cp.reorder);
    x.dedup.restore(cp.dedup);
    seq = cp.seq;
  }
  const tail = await x.journal.readAfter(seq);
  let rewritten = 0;
  for (const r of tail) {
    if (r.seq > held) {
      await x.store.commit({ seq: r.seq, access: r.groups.flatMap((g) => g.access), ledger: r.groups.flatMap((g) => g.ledger) });
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
    x.log.info({ checkpointSeq: cp?.seq ?? null, storeSeq: held, replayed: tail.length, rewritten, seq }, 'live state restored');
  }
  // A store that outlived its state folder has used seqs already: continue above them.
  return { seq: Math.max(seq, held), replayed: tail.length, rewritten };
}
