/**
 * The scope stage end to end on the small fixture store: which alerts are followed, the exact
 * CSV and summary.json it writes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../model/index.js';
import { openDuckDbStore } from '../store/index.js';
import type { Store } from '../store/index.js';
import { runScope } from './run-scope.js';
import { CATALOG, EVENTS, HOUR, T0 } from '../../test/fixtures/store/scope-events.js';

const alert = (id: string, severity: Alert['severity'], entity: Alert['entity']): Alert => ({
  alert_id: id, detector: 'test', severity, title: id, entity, first_seen: '2025-06-24T01:00:00.000Z',
  last_seen: '2025-06-24T10:00:00.000Z', detected_at: '2025-06-24T01:00:00.000Z', events: 1, accounts: 1,
  evidence: [], details: {}, status: 'open',
});

describe('runScope', () => {
  let store: Store;
  let out: string;

  beforeEach(async () => {
    out = await mkdtemp(join(tmpdir(), 'bw-scope-test-'));
    store = await openDuckDbStore(':memory:');
    await store.putCatalog(CATALOG);
    await store.appendAccess(EVENTS);
    await store.upsertAlerts([
      alert('A1', 'critical', { type: 'token', id: 'forged-1' }),
      alert('A2', 'high', { type: 'key', id: 'sig-2019-01' }),
      alert('A3', 'low', { type: 'device', id: 'd-evil' }),
    ]);
    await store.addIndicators([
      { alert_id: 'A1', type: 'token', value: 'forged-1', first_seen: T0, last_seen: T0 + 10 * HOUR },
      { alert_id: 'A2', type: 'ip', value: '203.0.113.7', first_seen: T0, last_seen: T0 + 48 * HOUR },
      { alert_id: 'A3', type: 'device', value: 'd-evil', first_seen: T0, last_seen: T0 + 48 * HOUR },
    ]);
  });

  afterEach(async () => {
    await store.close();
    await rm(out, { recursive: true, force: true });
  });

  it('writes the affected accounts of high and critical alerts, sorted, in the contract CSV', async () => {
    const report = await runScope(store, { out });
    expect(report).toEqual({
      // the ip's other token joins the indicators (a pivot), reaching no one new
      alerts: 2, indicators: 3, accounts_affected: 3, requests: 4,
      csv: join(out, 'affected_accounts.csv'), summary: join(out, 'summary.json'),
    });
    expect(await readFile(report.csv, 'utf8')).toBe([
      'account_id,fields,first_access,last_access,accesses,src_ips',
      'm-1,address;email;entrance_code;name;phone,2025-06-24T01:00:00.000Z,2025-06-24T02:00:00.000Z,2,203.0.113.7;203.0.113.8',
      'm-10,address;order_history,2025-06-24T10:00:00.000Z,2025-06-24T10:00:00.000Z,1,203.0.113.7',
      'm-11,address;order_history,2025-06-24T10:00:00.001Z,2025-06-24T10:00:00.001Z,1,203.0.113.7',
      '',
    ].join('\n'));
  });

  it('writes summary.json in the contract shape', async () => {
    const report = await runScope(store, { out });
    const { pivots, ...summary } = JSON.parse(await readFile(report.summary, 'utf8')) as Record<string, unknown>;
    expect(pivots).toMatchObject({ tokens_added: 1, accounts_added: 0, requests_added: 0, sources: { attacker: 2, shared: 0 } });
    expect(summary).toEqual({
      window: { from: '2025-06-24T01:00:00.000Z', to: '2025-06-24T10:00:00.001Z' },
      accounts_affected: 3,
      by_field: { address: 3, email: 1, entrance_code: 1, name: 1, order_history: 2, phone: 1 },
      by_day: [{ day: '2025-06-24', requests: 4, accounts: 3 }],
      sources: [
        { ip: '203.0.113.7', country: 'KR', asn: 'AS4766', requests: 3, accounts: 3,
          first: '2025-06-24T01:00:00.000Z', last: '2025-06-24T10:00:00.001Z' },
        { ip: '203.0.113.8', requests: 1, accounts: 1, first: '2025-06-24T02:00:00.000Z', last: '2025-06-24T02:00:00.000Z' },
      ],
      indicators: { ips: ['203.0.113.7'], kids: ['sig-2019-01'], tokens: 2 },
      unverifiable: { included: false, alerts: [], tokens: 0, accounts: 0, requests: 0 },
      retracted_alerts: [],
    });
  });

  it('leaves out retracted alerts and indicators, and lists unverifiable ones apart unless included', async () => {
    await store.upsertAlerts([
      { ...alert('A1', 'critical', { type: 'token', id: 'forged-1' }), status: 'retracted', details: { retracted_reason: 'late ledger record' } },
      { ...alert('U1', 'medium', { type: 'key', id: 'sig-2019-01' }), verdict: 'unverifiable' },
    ]);
    await store.addIndicators([
      { alert_id: 'A2', type: 'ip', value: '203.0.113.7', first_seen: T0, last_seen: T0 + 48 * HOUR, retracted: true },
      { alert_id: 'U1', type: 'token', value: 'forged-1', first_seen: T0, last_seen: T0 + 10 * HOUR },
    ]);
    const report = await runScope(store, { out });
    expect(report).toMatchObject({ alerts: 1, indicators: 0, accounts_affected: 0 });
    const summary = JSON.parse(await readFile(report.summary, 'utf8')) as { unverifiable: unknown; retracted_alerts: unknown };
    expect(summary.unverifiable).toEqual({ included: false, alerts: ['U1'], tokens: 1, accounts: 2, requests: 3 });
    expect(summary.retracted_alerts).toEqual(['A1']);
    const withU = await runScope(store, { out, includeUnverifiable: true });
    expect(withU).toMatchObject({ alerts: 2, accounts_affected: 2 });
    expect((JSON.parse(await readFile(withU.summary, 'utf8')) as { unverifiable: { included: boolean } }).unverifiable.included).toBe(true);
  });

  it('follows exactly the given alerts, whatever their severity', async () => {
    const report = await runScope(store, { out, alertIds: ['A3'] });
    expect(report.accounts_affected).toBe(1);
    expect((await readFile(report.csv, 'utf8')).split('\n')[1]).toMatch(/^m-5,email;name;phone,/);
  });

  it('writes only the header and an empty summary when nothing is chosen', async () => {
    const report = await runScope(store, { out, minSeverity: 'critical', alertIds: [] });
    expect(report.accounts_affected).toBe(0);
    expect(await readFile(report.csv, 'utf8')).toBe('account_id,fields,first_access,last_access,accesses,src_ips\n');
    const summary = JSON.parse(await readFile(report.summary, 'utf8')) as { window: unknown; sources: unknown[] };
    expect(summary.window).toEqual({ from: null, to: null });
    expect(summary.sources).toEqual([]);
  });
});
