/**
 * Scope's pivots on a real (in-memory) DuckDB store: the attacker's rotating pool is followed
 * to every stuffed session, a key leads to its never-issued token's source, the crowd behind a
 * carrier NAT the attacker also used is never pulled in, and each step can be switched off.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDbStore, type PivotQueries, type Store } from '../store/index.js';
import { ALERTS, A, B, C, CATALOG, D, E, INDICATORS, X, pivotWorld } from '../../test/fixtures/store/pivot-events.js';
import { expandPivots, type PivotStep } from './pivot.js';
import { runScope } from './run-scope.js';

let store: Store & PivotQueries;
let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'bw-pivot-'));
  store = await openDuckDbStore(':memory:');
  await store.init();
  await store.putCatalog(CATALOG);
  const w = pivotWorld();
  await store.appendAccess(w.access);
  await store.appendLedger(w.ledger);
  await store.upsertAlerts(ALERTS);
  await store.addIndicators(INDICATORS);
});
afterAll(async () => {
  await store.close();
  await rm(out, { recursive: true, force: true });
});

const pivot = async (steps?: PivotStep[]): Promise<string[]> =>
  (await expandPivots(store, ALERTS, INDICATORS, steps === undefined ? {} : { steps })).added.map((i) => i.value).sort();

describe('scope pivots', () => {
  it('follow the pool to every stuffed session and the key to its forged token\'s source, never into the NAT crowd or the staff egress', async () => {
    const r = await expandPivots(store, ALERTS, INDICATORS);
    // j-forged: the key's never-issued token itself (the key alert named no token)
    expect(r.added.map((i) => i.value).sort()).toEqual(['j-forged', 'j-t2', 'j-t3', 'j-t4', 'j-t8']);
    expect(r.sources).toEqual({ attacker: [B, A, C, D].sort(), shared: [E, X].sort() });
    // j-t3 leads from B to C (a source of its own), then j-t4 is found there
    const steps = r.steps.map((s) => `${s.step}#${s.round} from ${s.from} found ${s.found} followed ${s.followed}`);
    expect(steps).toEqual([
      'key-sources#0 from 1 found 1 followed 1',
      'token-sources#1 from 3 found 4 followed 2',
      'source-tokens#1 from 3 found 4 followed 3',
      'token-sources#2 from 4 found 4 followed 1',
      'source-tokens#2 from 4 found 2 followed 2',
      'token-sources#3 from 2 found 2 followed 0',
    ]);
    expect(r.steps[1]?.not_followed).toEqual({ shared_with_customers: 1, shared_with_staff: 1 });
    // a followed token covers its whole life
    expect(r.added.find((i) => i.value === 'j-t3')).toMatchObject({ first_seen: Date.UTC(2025, 6, 1, 0, 20), last_seen: Date.UTC(2025, 6, 1, 0, 21) });
  });

  it('each step can be switched off', async () => {
    expect(await pivot([])).toEqual([]);
    // without token-sources only what the key's source leads to is found
    expect(await pivot(['key-sources', 'source-tokens'])).toEqual(['j-forged', 'j-t8']);
    // without key-sources D is never reached
    expect(await pivot(['token-sources', 'source-tokens'])).toEqual(['j-t2', 'j-t3', 'j-t4']);
    // without source-tokens no token is added
    expect(await pivot(['key-sources', 'token-sources'])).toEqual([]);
  });

  it('scope lists the pivots in summary.json and never names the NAT crowd', async () => {
    const r = await runScope(store, { out, minSeverity: 'high' });
    const csv = await readFile(r.csv, 'utf8');
    const ids = csv.trim().split('\n').slice(1).map((l) => l.split(',')[0]);
    // the colleagues' lookups at the staff egress (m-20x, m-21x) are not in it
    expect(ids).toEqual(['m-2', 'm-3', 'm-4', 'm-7', 'm-8', 'm-honey', 'm-honey2', 'm-honey3']);
    const summary = JSON.parse(await readFile(r.summary, 'utf8')) as { pivots: Record<string, unknown> };
    expect(summary.pivots).toMatchObject({ sources: { attacker: 4, shared: 2 }, tokens_added: 5, accounts_added: 5, requests_added: 9 });
    const off = await runScope(store, { out: join(out, 'off'), minSeverity: 'high', pivots: { steps: [] } });
    expect(off.accounts_affected).toBe(3);
  });
});
