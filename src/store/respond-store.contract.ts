/**
 * The contract of the response's store roles (incidents, holds, saved scope runs, retention),
 * run by `runStoreContract` for every backend. `open` returns a fresh, empty store each time.
 * The hard cases: a saved run keeps its numbers after later appends and catalog changes; a
 * run agrees with the live scope query it froze; two runs' differences; a prune under a hold
 * deletes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Indicator } from '../model/index.js';
import type { Store } from './store.js';
import type { IncidentRow, NewScopeRun } from './respond-store.js';
import { ADDRESSES, CATALOG, EVENTS, HOUR, PROFILE, T0, access } from '../../test/fixtures/store/scope-events.js';

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const ind = (type: Indicator['type'], value: string, fromH = 0, toH = 48): Indicator =>
  ({ type, value, first_seen: T0 + fromH * HOUR, last_seen: T0 + toH * HOUR });

const incident = (id: string, over: Partial<IncidentRow> = {}): IncidentRow => ({
  incident_id: id, name: `incident ${id}`, status: 'open', aware_at: T0, opened_at: T0 + 1, updated_at: T0 + 1,
  alert_ids: ['A1'], details: { contact: { department: 'privacy office' } }, ...over,
});

const run = (id: string, indicators: Indicator[], incidentId = 'inc-1'): NewScopeRun =>
  ({ run_id: id, incident_id: incidentId, created_at: T0 + 5 * HOUR, inputs: { alert_ids: ['A1'] }, indicators });

/** Declares the response roles' part of the store contract. */
export function runRespondStoreContract(open: () => Promise<Store>): void {
  describe('response roles', () => {
    let store: Store | undefined;
    const loaded = async (): Promise<Store> => {
      store = await open();
      await store.putCatalog(CATALOG);
      await store.appendAccess(EVENTS);
      await store.flush();
      return store;
    };
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });

    it('keeps incidents (replaced by id, newest first), holds and reports', async () => {
      const s = await loaded();
      expect(await s.getIncident('nope')).toBeUndefined();
      await s.putIncident(incident('inc-1'));
      await s.putIncident(incident('inc-2', { opened_at: T0 + 2 }));
      await s.putIncident(incident('inc-1', { status: 'closed', closed_at: T0 + 9, alert_ids: ['A1', 'A2'] }));
      expect(await s.getIncident('inc-1')).toEqual(incident('inc-1', { status: 'closed', closed_at: T0 + 9, alert_ids: ['A1', 'A2'] }));
      expect((await s.listIncidents()).map((i) => i.incident_id)).toEqual(['inc-2', 'inc-1']);
      await s.putHold({ hold_id: 'h-1', incident_id: 'inc-1', placed_at: T0, reason: 'preservation order' });
      await s.putHold({ hold_id: 'h-2', incident_id: 'inc-2', placed_at: T0 + 1, reason: 'x', lifted_at: T0 + 2, lift_reason: 'done' });
      expect((await s.listHolds({ active: true })).map((h) => h.hold_id)).toEqual(['h-1']);
      expect(await s.listHolds({ incidentId: 'inc-2' })).toEqual([
        { hold_id: 'h-2', incident_id: 'inc-2', placed_at: T0 + 1, reason: 'x', lifted_at: T0 + 2, lift_reason: 'done' }]);
      const mark = { incident_id: 'inc-1', kind: 'alert', key: 'A1', sha256: 'ab', entry: 3 };
      await s.markEvidence([mark, mark]);
      await s.markEvidence([{ ...mark, entry: 9 }, { ...mark, sha256: 'cd', entry: 4 }]);
      expect(await s.evidenceMarks('inc-1', 'alert')).toEqual([mark, { ...mark, sha256: 'cd', entry: 4 }]);
      const rep = { report_id: 'r-1', incident_id: 'inc-1', n: 1, audience: 'regulator' as const, run_id: 'x', created_at: T0, entry: 7, files: [{ path: 'a.json', sha256: 'ff', bytes: 3 }] };
      await s.putReport(rep);
      expect(await s.listReports('inc-1')).toEqual([rep]);
      await s.appendLedger([{ kind: 'ledger', t: T0, type: 'issue', jti: 'j', kid: 'k', sub: 'm-1', exp: 1, ref: { file: 'ledger-1.ndjson', line: 1 } }]);
      expect(await s.inputFiles()).toEqual(['access-2025-06-24.ndjson', 'ledger-1.ndjson']);
    });

    it('saves a run that agrees with the scope query it froze, numbered per incident', async () => {
      const s = await loaded();
      const inds = [ind('token', 'forged-1'), ind('device', 'd-evil')];
      const saved = await s.saveScopeRun(run('run-1', inds));
      expect(saved).toMatchObject({ run_id: 'run-1', incident_id: 'inc-1', n: 1, indicators: 2, accounts: 4, requests: 5, matched: 6 });
      expect(saved.window).toEqual({ from: T0 + HOUR, to: T0 + 10 * HOUR + 1 });
      expect(await all(s.runAccounts('run-1'))).toEqual(await all(s.affectedAccounts({ indicators: inds })));
      expect(await s.runAggregates('run-1')).toEqual(await s.scopeAggregates({ indicators: inds }));
      expect(await s.runIndicators('run-1')).toEqual([ind('device', 'd-evil'), ind('token', 'forged-1')]);
      expect((await s.saveScopeRun(run('run-2', []))).n).toBe(2);
      expect((await s.saveScopeRun(run('other-1', inds, 'inc-9'))).n).toBe(1);
      expect((await s.listScopeRuns('inc-1')).map((r) => r.run_id)).toEqual(['run-1', 'run-2']);
      await expect(s.saveScopeRun(run('run-1', inds))).rejects.toThrow();
      expect((await s.getScopeRun('run-1'))?.accounts).toBe(4);
      expect(await all(s.runAccounts('run-1'))).toHaveLength(4);
    });

    it('keeps a saved run as it was after later appends and a catalog change', async () => {
      const s = await loaded();
      const inds = [ind('token', 'forged-1')];
      await s.saveScopeRun(run('run-1', inds));
      const before = await all(s.runAccounts('run-1'));
      const agg = await s.runAggregates('run-1');
      await s.appendAccess([access({ h: 20, ip: '203.0.113.7', route: PROFILE, jti: 'forged-1', account: 'm-20' })]);
      await s.putCatalog([{ method: 'GET', route: ADDRESSES, fields: ['name'], kind: 'browse' }]);
      await s.flush();
      expect(await all(s.runAccounts('run-1'))).toEqual(before);
      expect(await s.runAggregates('run-1')).toEqual(agg);
      expect((await all(s.affectedAccounts({ indicators: inds }))).map((a) => a.account_id)).toEqual(['m-1', 'm-10', 'm-11', 'm-20']);
    });

    it("answers what of one account was exposed, and the request rows behind it", async () => {
      const s = await loaded();
      await s.saveScopeRun(run('run-1', [ind('token', 'forged-1')]));
      expect(await s.accountExposure('run-1', 'm-1')).toEqual({
        account_id: 'm-1', fields: ['address', 'email', 'entrance_code', 'name', 'phone'],
        first_access: T0 + HOUR, last_access: T0 + 2 * HOUR, accesses: 2, src_ips: ['203.0.113.7', '203.0.113.8'],
      });
      expect(await s.accountExposure('run-1', 'm-5')).toBeUndefined();
      const reqs = await s.accountRequests('run-1', 'm-1');
      expect(reqs.map((r) => [r.route, r.file, r.t, r.jti, r.kid, r.personal])).toEqual([
        [ADDRESSES, 'access-2025-06-24.ndjson', T0 + HOUR, 'forged-1', 'sig-2019-01', true],
        [PROFILE, 'access-2025-06-24.ndjson', T0 + 2 * HOUR, 'forged-1', 'sig-2019-01', true],
      ]);
      expect(reqs[1]!.line).toBeGreaterThan(reqs[0]!.line);
      const byFile = await all(s.runRequestsByFile('run-1'));
      expect(byFile.map((r) => r.line)).toEqual([...byFile.map((r) => r.line)].sort((a, b) => a - b));
      expect(byFile.map((r) => r.account_id)).toEqual(['m-1', 'm-1', 'm-10', 'm-11']);
    });

    it('joins stored line hashes to each account, and finds its evidence entries', async () => {
      const s = await loaded();
      await s.saveScopeRun(run('run-1', [ind('token', 'forged-1')]));
      const byFile = await all(s.runRequestsByFile('run-1'));
      await s.putLineHashes('run-1', [
        { file: byFile[0]!.file, line: byFile[0]!.line, sha256: 'a'.repeat(64) },
        { file: byFile[2]!.file, line: byFile[2]!.line, sha256: null, problem: 'line_missing' },
      ]);
      const lines = await all(s.runAccountLines('run-1'));
      expect(lines.map((a) => a.account_id)).toEqual(['m-1', 'm-10', 'm-11']);
      expect(lines[0]!.lines).toEqual([
        { file: byFile[0]!.file, line: byFile[0]!.line, sha256: 'a'.repeat(64) },
        { file: byFile[1]!.file, line: byFile[1]!.line, sha256: null },
      ]);
      expect(lines[1]!.lines).toEqual([{ file: byFile[2]!.file, line: byFile[2]!.line, sha256: null, problem: 'line_missing' }]);
      await s.putAccountEvidence('run-1', [{ account_id: 'm-1', first_entry: 10, entries: 1 }]);
      expect(await s.accountEvidence('run-1', 'm-1')).toEqual({ account_id: 'm-1', first_entry: 10, entries: 1 });
      expect(await s.accountEvidence('run-1', 'm-10')).toBeUndefined();
    });

    it("lists every attacker source with what it used, and each source's tokens", async () => {
      const s = await loaded();
      await s.saveScopeRun(run('run-1', [ind('token', 'forged-1'), ind('token', 'forged-2')]));
      expect(await s.runSources('run-1')).toEqual([
        { ip: '203.0.113.7', first: T0 + HOUR, last: T0 + 10 * HOUR + 1, requests: 5, personal_requests: 3, accounts: 3,
          tokens: 2, kids: ['sig-2019-01'], clients: [], user_agents: 0, country: 'KR', asn: 'AS4766' },
        { ip: '203.0.113.8', first: T0 + 2 * HOUR, last: T0 + 2 * HOUR, requests: 1, personal_requests: 1, accounts: 1,
          tokens: 1, kids: ['sig-2019-01'], clients: [], user_agents: 0 },
      ]);
      expect(await all(s.runSourceTokens('run-1'))).toEqual([
        { ip: '203.0.113.7', jti: 'forged-1', kid: 'sig-2019-01', first: T0 + HOUR, last: T0 + 10 * HOUR + 1, requests: 4 },
        { ip: '203.0.113.7', jti: 'forged-2', kid: 'sig-2019-01', first: T0 + 4 * HOUR, last: T0 + 4 * HOUR, requests: 1 },
        { ip: '203.0.113.8', jti: 'forged-1', kid: 'sig-2019-01', first: T0 + 2 * HOUR, last: T0 + 2 * HOUR, requests: 1 },
      ]);
    });

    it('says what changed between two runs: new persons, grown fields, persons no longer in', async () => {
      const s = await loaded();
      await s.saveScopeRun(run('run-1', [ind('token', 'forged-1', 0, 1)]));
      await s.saveScopeRun(run('run-2', [ind('token', 'forged-1'), ind('device', 'd-evil')]));
      expect(await s.runDiff('run-2', 'run-1')).toEqual({ added: 3, grown: 1, removed: 0, unchanged: 0, new_fields: {
        address: 2, email: 2, name: 1, order_history: 2, phone: 1 } });
      expect(await all(s.runChanges('run-2', 'run-1'))).toEqual([
        { account_id: 'm-1', change: 'grown', fields: ['address', 'email', 'entrance_code', 'name', 'phone'], new_fields: ['email'] },
        { account_id: 'm-10', change: 'added', fields: ['address', 'order_history'], new_fields: ['address', 'order_history'] },
        { account_id: 'm-11', change: 'added', fields: ['address', 'order_history'], new_fields: ['address', 'order_history'] },
        { account_id: 'm-5', change: 'added', fields: ['email', 'name', 'phone'], new_fields: ['email', 'name', 'phone'] },
      ]);
      expect(await s.runDiff('run-1', 'run-2')).toMatchObject({ added: 0, grown: 0, removed: 3, unchanged: 1 });
      expect((await all(s.runChanges('run-1', 'run-1')))).toEqual([]);
    });

    it('prunes old events, and refuses while a legal hold stands, deleting nothing', async () => {
      const s = await loaded();
      await s.putHold({ hold_id: 'h-1', incident_id: 'inc-1', placed_at: T0, reason: 'preservation order' });
      await expect(s.pruneBefore(T0 + 5 * HOUR)).rejects.toMatchObject({ code: 'ERR_HOLD', message: expect.stringMatching(/h-1/) as unknown });
      expect(await s.countAccess()).toBe(EVENTS.length);
      await s.putHold({ hold_id: 'h-1', incident_id: 'inc-1', placed_at: T0, reason: 'preservation order', lifted_at: T0 + 1 });
      expect(await s.pruneBefore(T0 + 5 * HOUR)).toEqual({ access: 4, ledger: 0 });
      expect(await s.countAccess()).toBe(EVENTS.length - 4);
    });
  });
}
