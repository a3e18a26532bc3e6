/**
 * The contract of the delivery ledger ({@link DeliveryStore}) that a backend offering it passes:
 * call `runDeliveryContract(name, target)` from its test file. `open` returns a fresh, empty
 * store each time; `reopen` (a file-backed store) opens again what a closed one left, to show
 * that every write was durable when it resolved.
 */
import { describe, expect, it } from 'vitest';
import type { DeliveryIntent, DeliveryStore } from './delivery.js';
import type { Store } from './store.js';

/** What the suite runs against. */
export interface DeliveryContractTarget {
  readonly open: () => Promise<Store & DeliveryStore>;
  /** Opens a fresh file store and returns it with a function that reopens the same file. */
  readonly reopenable?: () => Promise<{ store: Store & DeliveryStore; reopen: () => Promise<Store & DeliveryStore> }>;
}

const intent = (i: number, incident = 'INC-1'): DeliveryIntent => ({
  notice_id: `n-${String(i).padStart(4, '0')}`, message_id: `<n-${i}@example.com>`, incident_id: incident,
  account_id: `m-${i}`, channel: 'email', kind: 'initial', content_sha256: 'ab'.repeat(32),
});

/** Runs the delivery-ledger contract. */
export function runDeliveryContract(name: string, target: DeliveryContractTarget): void {
  describe(`delivery ledger contract: ${name}`, () => {
    it('records intents once: a second record of the same notice leaves it as it is', async () => {
      const s = await target.open();
      try {
        expect(await s.recordIntents([intent(1), intent(2)])).toEqual({ recorded: 2, existing: 0 });
        await s.claimDelivery('n-0001', 1000);
        await s.settleDelivery('n-0001', { state: 'sent', at: 1001, response: '250 ok' });
        expect(await s.recordIntents([intent(1), intent(3)])).toEqual({ recorded: 1, existing: 1 });
        const rows = await s.listDeliveries();
        expect(rows.map((r) => [r.notice_id, r.state])).toEqual([['n-0001', 'sent'], ['n-0002', 'queued'], ['n-0003', 'queued']]);
        expect(rows[0]).toMatchObject({ attempts: 1, accepted_at: 1001, response: '250 ok', last_attempt_at: 1000 });
      } finally {
        await s.close();
      }
    });

    it('claims only queued or retry rows, once; settles only claimed ones', async () => {
      const s = await target.open();
      try {
        await s.recordIntents([intent(1)]);
        expect((await s.claimDelivery('n-0001', 5))?.state).toBe('sending');
        expect(await s.claimDelivery('n-0001', 6)).toBeUndefined();
        await s.settleDelivery('n-0001', { state: 'retry', at: 7, response: '451 later', next_attempt_at: 100 });
        await expect(s.settleDelivery('n-0001', { state: 'sent', at: 8, response: '250' })).rejects.toMatchObject({ code: 'ERR_STATE' });
        expect(await s.listDeliveries({ states: ['retry'], due_at: 99 })).toEqual([]);
        expect((await s.listDeliveries({ states: ['retry'], due_at: 100 })).length).toBe(1);
        const again = await s.claimDelivery('n-0001', 101);
        expect(again).toMatchObject({ attempts: 2, state: 'sending' });
        await s.settleDelivery('n-0001', { state: 'sent', at: 102, response: '250' });
        expect(await s.claimDelivery('n-0001', 103)).toBeUndefined();
        expect(await s.claimDelivery('n-9999', 103)).toBeUndefined();
      } finally {
        await s.close();
      }
    });

    it('marks interrupted sends in doubt, and requeues them only when asked', async () => {
      const s = await target.open();
      try {
        await s.recordIntents([intent(1), intent(2), intent(3, 'INC-2')]);
        await s.claimDelivery('n-0001', 1);
        await s.claimDelivery('n-0003', 1);
        expect(await s.markInterrupted('INC-1')).toBe(1);
        expect(await s.markInterrupted()).toBe(1);
        const counts = await s.deliveryCounts('INC-1');
        expect(counts).toMatchObject({ in_doubt: 1, queued: 1, sending: 0, sent: 0 });
        expect(await s.claimDelivery('n-0001', 2)).toBeUndefined();
        await expect(s.requeueDeliveries({ from: ['sent'] })).rejects.toMatchObject({ code: 'ERR_USAGE' });
        expect(await s.requeueDeliveries({ incident_id: 'INC-1' })).toBe(1);
        expect((await s.claimDelivery('n-0001', 3))?.attempts).toBe(2);
      } finally {
        await s.close();
      }
    });

    it('pages in notice-id order and stores evidence indexes', async () => {
      const s = await target.open();
      try {
        await s.recordIntents([intent(3), intent(1), intent(2)]);
        const first = await s.listDeliveries({ limit: 2 });
        expect(first.map((r) => r.notice_id)).toEqual(['n-0001', 'n-0002']);
        expect((await s.listDeliveries({ after: 'n-0002' })).map((r) => r.notice_id)).toEqual(['n-0003']);
        expect((await s.listDeliveries({ notice_ids: ['n-0003', 'n-0001', 'n-0404'] })).map((r) => r.notice_id)).toEqual(['n-0001', 'n-0003']);
        expect(await s.listDeliveries({ notice_ids: [] })).toEqual([]);
        await s.noteDeliveryEvidence([{ notice_id: 'n-0002', index: 41 }]);
        expect((await s.listDeliveries()).map((r) => r.evidence_index)).toEqual([null, 41, null]);
      } finally {
        await s.close();
      }
    });

    const reopenable = target.reopenable;
    if (reopenable !== undefined) {
      it('keeps every state change across a reopen', async () => {
        const { store, reopen } = await reopenable();
        await store.recordIntents([intent(1), intent(2), intent(3)]);
        await store.claimDelivery('n-0001', 1);
        await store.settleDelivery('n-0001', { state: 'sent', at: 2, response: '250' });
        await store.claimDelivery('n-0002', 3);
        await store.close();
        const again = await reopen();
        try {
          expect((await again.listDeliveries()).map((r) => r.state)).toEqual(['sent', 'sending', 'queued']);
          expect(await again.markInterrupted()).toBe(1);
        } finally {
          await again.close();
        }
      });
    }
  });
}
