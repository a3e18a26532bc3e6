/**
 * Records notices in the evidence log in batches (its `appendMany`), and says up front which
 * index each entry will get, so the mail-merge row and the delivery ledger can cite their
 * entry. That is sound because the log has one writer (this process holds its lock) and our
 * entries are valid JSON objects; a batch that lands anywhere else stops the run.
 */
import { BreachwatchError } from '../../model/index.js';
import type { EvidenceLog, JsonObject, NewEntry } from '../../evidence/index.js';

/** Entries per appendMany (one durable commit each). */
const BATCH = 10_000;

/** Notice evidence of one kind, appended in batches. */
export class EvidenceBatch {
  private pending: NewEntry[] = [];
  private next: number;

  constructor(private readonly log: EvidenceLog, private readonly kind: 'notice_rendered' | 'notice_sent') {
    this.next = log.size;
  }

  /** Queues `payload`; returns the index its entry will have. Flushes every {@link BATCH}. */
  async add(payload: JsonObject): Promise<number> {
    this.pending.push({ kind: this.kind, payload });
    const index = this.next++;
    if (this.pending.length >= BATCH) await this.flush();
    return index;
  }

  /** Appends what is queued (one commit). */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const r = await this.log.appendMany(batch);
    if (r.rejected > 0 || r.first + r.appended !== this.next) {
      throw new BreachwatchError('ERR_STATE', `evidence log ${this.log.dir}: a batch of ${batch.length} ${this.kind} entries landed at ${r.first} (${r.rejected} refused), not where expected`);
    }
  }
}
