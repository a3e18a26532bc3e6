/**
 * The response's store roles on both backends, after `clickhouse.ts` has loaded and scoped the
 * same events into each: saving a scope run of the bench alert's indicators (every matched
 * request and affected account copied into the run), reading its accounts back, and the
 * delivery ledger as `notice send` drives it (record intents, then claim and settle each
 * notice one after another). Prints each time and the ClickHouse / DuckDB ratio.
 */
import { openStore } from '../src/compose/index.js';
import { hasDeliveryLedger, type Store } from '../src/store/index.js';

/** One store of the run. */
export interface BenchStore { readonly name: string; readonly url: string }

/** What one backend took. */
interface Took { save: number; read: number; accounts: number; ledger: number }

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function respond(store: Store, notices: number): Promise<Took> {
  const inds = await store.listIndicators(['bench-forged']);
  let t = performance.now();
  const run = await store.saveScopeRun({ run_id: 'bench-run', incident_id: 'bench-inc', created_at: Date.now(), inputs: {}, indicators: inds });
  const save = performance.now() - t;
  t = performance.now();
  let accounts = 0;
  for await (const _ of store.runAccounts(run.run_id)) accounts++;
  const read = performance.now() - t;
  if (!hasDeliveryLedger(store)) throw new Error(`${store.backend} keeps no delivery ledger`);
  t = performance.now();
  const ids = Array.from({ length: notices }, (_, i) => `n-${String(i).padStart(6, '0')}`);
  await store.recordIntents(ids.map((notice_id) => ({
    notice_id, message_id: `<${notice_id}@bench.invalid>`, incident_id: 'bench-inc', account_id: notice_id, channel: 'email' as const,
    kind: 'initial', content_sha256: '0'.repeat(64),
  })));
  for (const id of ids) {
    const c = await store.claimDelivery(id, Date.now());
    if (c === undefined) throw new Error(`claim of ${id} did not stand`);
    await store.settleDelivery(id, { state: 'sent', at: Date.now(), response: '250 ok' });
  }
  const ledger = performance.now() - t;
  if ((await store.deliveryCounts('bench-inc')).sent !== notices) throw new Error('not every notice is sent in the ledger');
  return { save, read, accounts, ledger };
}

/** Runs the response part on `stores` (DuckDB first, ClickHouse second). */
export async function benchRespond(stores: readonly BenchStore[], notices: number): Promise<void> {
  const took: Took[] = [];
  for (const s of stores) {
    const store = await openStore(s.url, 'read', { mustExist: true });
    try {
      took.push(await respond(store, notices));
    } finally {
      await store.close();
    }
  }
  const [d, c] = took as [Took, Took];
  console.log(`  save scope run of the alert's own indicators (no pivots), DuckDB: ${secs(d.save)}; ${d.accounts} accounts (read back in ${secs(d.read)})`);
  console.log(`  save scope run of the alert's own indicators (no pivots), ClickHouse: ${secs(c.save)}; ${c.accounts} accounts (read back in ${secs(c.read)})`);
  console.log(`  ratio ClickHouse / DuckDB save time: ${(c.save / d.save).toFixed(2)}×; same account count: ${c.accounts === d.accounts ? 'yes' : 'NO (MISMATCH)'}`);
  console.log(`  delivery ledger, ${notices} notices recorded, claimed and settled one by one: DuckDB ${secs(d.ledger)}, ClickHouse ${secs(c.ledger)}`);
  console.log(`  ratio ClickHouse / DuckDB ledger time: ${(c.ledger / d.ledger).toFixed(2)}× (${Math.round(notices / (c.ledger / 1000))} vs ${Math.round(notices / (d.ledger / 1000))} notices/s)`);
}
