/**
 * Journal trimming under a legal hold, against a real DuckDB store: refused while records the
 * checkpoint covers are missing from the store and a hold stands; allowed otherwise.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../model/index.js';
import { openDuckDbStore, type Store } from '../store/index.js';
import { journalTrimRefusal } from './trim-guard.js';

let store: Store;
const ledger = (line: number): LedgerEvent => ({ kind: 'ledger', t: 1_750_000_000_000, type: 'issue', jti: `j-${line}`, kid: 'k', sub: 'm-1', exp: 1, ref: { file: 'ledger.ndjson', line } });
beforeEach(async () => { store = await openDuckDbStore(':memory:'); });
afterEach(async () => { await store.close(); });

describe('journalTrimRefusal', () => {
  it('refuses to lose records the store lacks while a hold stands, naming the hold', async () => {
    await store.commit({ seq: 3, access: [], ledger: [ledger(3)] });
    await store.flush();
    expect(await store.lastCommittedSeq()).toBe(3);
    await store.putHold({ hold_id: 'h-9', incident_id: 'inc-1', placed_at: 0, reason: 'order' });
    const r = await journalTrimRefusal(store, 5);
    expect(r).toMatchObject({ code: 'ERR_HOLD' });
    expect(r?.message).toMatch(/not in the store yet and a legal hold stands \(h-9 of incident inc-1\)/);
    expect(await journalTrimRefusal(store, 3)).toBeUndefined();
  });

  it('allows trimming without a standing hold, or once the hold is lifted', async () => {
    await store.commit({ seq: 1, access: [], ledger: [ledger(1)] });
    expect(await journalTrimRefusal(store, 5)).toBeUndefined();
    await store.putHold({ hold_id: 'h-1', incident_id: 'inc-1', placed_at: 0, reason: 'order', lifted_at: 10, lift_reason: 'done' });
    expect(await journalTrimRefusal(store, 5)).toBeUndefined();
  });
});
