/**
 * Journal trimming under a legal hold. The journal is trimmed after each checkpoint, once the
 * store holds every record the checkpoint covers; should the store still lack some (a load
 * behind, a backend that acknowledges late) while a hold stands, trimming would lose data
 * the hold preserves, so it is refused and the journal kept whole until the store has them.
 */
import { BreachwatchError } from '../model/index.js';
import type { IncidentStore, IngestStore } from '../store/index.js';

/** What the guard asks of the store. */
export type TrimGuardStore = Pick<IncidentStore, 'listHolds'> & Pick<IngestStore, 'lastCommittedSeq'>;

/** ERR_HOLD when trimming the journal up to `coveredSeq` would lose records the store lacks under a hold; else undefined. */
export async function journalTrimRefusal(store: TrimGuardStore, coveredSeq: number): Promise<BreachwatchError | undefined> {
  const inStore = await store.lastCommittedSeq();
  if (inStore >= coveredSeq) return undefined;
  const held = await store.listHolds({ active: true });
  if (held.length === 0) return undefined;
  return new BreachwatchError('ERR_HOLD', `journal not trimmed: records ${inStore + 1}..${coveredSeq} are not in the store yet and a legal hold stands ` +
    `(${held.map((h) => `${h.hold_id} of incident ${h.incident_id}`).join(', ')}); the journal is kept until the store holds them`);
}
