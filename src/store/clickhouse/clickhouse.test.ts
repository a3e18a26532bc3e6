/**
 * The ClickHouse backend against the shared store contract and the delivery-ledger contract
 * on a real clickhouse-server (Debian's 18.16, started on loopback for this file), plus what
 * only this backend has to show: retried events stored and counted once before and after
 * merges, rows of an unsealed commit hidden, hostile strings stored and matched exactly,
 * errors that name the store without its password, and the response without transactions —
 * a scope run whole or absent (stray rows of a killed save, a saver SIGKILLed mid-save), a
 * lift that wins over a hold written with a clock ahead, a sender's answer over another's
 * in-doubt guess, and at most one of racing claims standing.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessEvent } from '../../model/index.js';
import { runDeliveryContract } from '../delivery.contract.js';
import { hasDeliveryLedger, type DeliveryStore } from '../delivery.js';
import { runStoreContract } from '../store.contract.js';
import { CLICKHOUSE_LIMITS } from './limits.js';
import type { Store } from '../store.js';
import { clickhouseBackend } from './backend.js';
import { sqlString } from './escape.js';
import { startClickHouse, type ClickHouseServer } from '../../../test/fixtures/store/clickhouse-server.js';
import { LIVE, READ, databaseOf, locationOf } from '../../../test/fixtures/store/clickhouse-location.js';
import { CATALOG, EVENTS, HOUR, PROFILE, T0, access } from '../../../test/fixtures/store/scope-events.js';
import { commitOf } from '../../../test/fixtures/store/commits.js';
import { HOSTILE } from '../../../test/fixtures/store/hostile.js';

let server: ClickHouseServer;
beforeAll(async () => { server = await startClickHouse(); });
afterAll(async () => { await server?.stop(); });

let n = 0;
const openDb = (db: string, profile = READ): Promise<Store> => clickhouseBackend.open(locationOf(server, db), { profile });

runStoreContract('clickhouse 18.16', {
  isolation: { skip: CLICKHOUSE_LIMITS.isolation },
  open: () => openDb(`contract_${n++}`),
  crash: { url: () => server.url(`crash_${n++}`), reopen: (url) => openDb(databaseOf(url), LIVE) },
  pivots: 'answered',
});

/** A store with its delivery ledger (every ClickHouse store keeps one). */
async function ledgerOf(p: Promise<Store>): Promise<Store & DeliveryStore> {
  const s = await p;
  if (!hasDeliveryLedger(s)) throw new Error('the ClickHouse store keeps no delivery ledger');
  return s;
}

runDeliveryContract('clickhouse 18.16', {
  open: () => ledgerOf(openDb(`ledger_${n++}`, READ)),
  reopenable: async () => {
    const db = `ledger_${n++}`;
    return { store: await ledgerOf(openDb(db, READ)), reopen: () => ledgerOf(openDb(db, READ)) };
  },
});

/** Collects an async iterable. */
async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const byToken = { indicators: [{ type: 'token' as const, value: 'forged-1', first_seen: T0, last_seen: T0 + 48 * HOUR }] };

describe('ClickHouse store on 18.16', () => {
  it('stores and counts a retried event once, before any merge and after one', async () => {
    const s = await openDb('retries');
    try {
      await server.sql('SYSTEM STOP MERGES');
      await s.putCatalog(CATALOG);
      const withIds = EVENTS.map((e, i): AccessEvent => ({ ...e, request_id: `req-${i}` }));
      // At-least-once delivery: the same events again, from another delivery (other file and line).
      await s.appendAccess(withIds);
      await s.flush();
      await s.appendAccess(withIds.map((e) => ({ ...e, ref: { file: 'redelivery', line: e.ref.line + 1000 } })));
      await s.commit({ seq: 1, access: withIds.slice(0, 3), ledger: [] });
      await s.flush();
      expect(Number(await server.sql('SELECT count() FROM retries.access'))).toBe(2 * EVENTS.length + 3);
      expect(await s.countAccess()).toBe(EVENTS.length);
      const once = await all(s.affectedAccounts(byToken));
      expect(once.map((r) => [r.account_id, r.accesses])).toEqual([['m-1', 2], ['m-10', 1], ['m-11', 1]]);
      expect((await s.scopeAggregates(byToken)).by_day.reduce((a, d) => a + d.requests, 0)).toBe(4);
      await server.sql('SYSTEM START MERGES');
      await server.sql('OPTIMIZE TABLE retries.access FINAL');
      expect(Number(await server.sql('SELECT count() FROM retries.access'))).toBe(EVENTS.length);
      expect(await s.countAccess()).toBe(EVENTS.length);
    } finally {
      await server.sql('SYSTEM START MERGES');
      await s.close();
    }
  });

  it('hides rows of a commit whose seq was never recorded, and stores them once when it is committed again', async () => {
    const s = await openDb('orphans', LIVE);
    try {
      await s.putCatalog(CATALOG);
      await s.commit(commitOf(1));
      await s.flush();
      // What a crash between storing commit 2's rows and recording its seq leaves behind.
      const orphan = { ...access({ h: 1, ip: '203.0.113.7', route: PROFILE, jti: 'forged-9', account: 'm-99' }), request_id: 'o-1' };
      await server.sql(`INSERT INTO orphans.access (t, src_ip, method, route, status, jti, account_id, request_id, file, line, dedup_key, seq)
        VALUES (${orphan.t}, '203.0.113.7', 'GET', ${sqlString(PROFILE)}, 200, 'forged-9', 'm-99', 'o-1', 'x', 1, 'ro-1', 2)`);
      const forged9 = { indicators: [{ type: 'token' as const, value: 'forged-9', first_seen: T0, last_seen: T0 + 48 * HOUR }] };
      expect(await s.lastCommittedSeq()).toBe(1);
      expect(await s.countAccess()).toBe(commitOf(1).access.length);
      expect(await all(s.affectedAccounts(forged9))).toEqual([]);
      await s.commit({ seq: 2, access: [orphan], ledger: [] });
      await s.flush();
      expect(await s.lastCommittedSeq()).toBe(2);
      expect(await s.countAccess()).toBe(commitOf(1).access.length + 1);
      expect((await all(s.affectedAccounts(forged9))).map((r) => [r.account_id, r.accesses])).toEqual([['m-99', 1]]);
    } finally {
      await s.close();
    }
  });

  it('stores hostile strings exactly and matches them as indicators', async () => {
    const hostile = HOSTILE.filter((h) => h !== '');
    const s = await openDb('hostile');
    try {
      await s.putCatalog(CATALOG);
      await s.appendAccess(hostile.map((ua, i) => access({ h: 1, ms: i, ip: '198.51.100.77', route: PROFILE, jti: `h-${i}`, account: `acct ${ua}`, ua })));
      const alertId = hostile[0] ?? '';
      await s.upsertAlerts([{
        alert_id: alertId, detector: hostile[1] ?? '', severity: 'high', title: hostile[2] ?? '', entity: { type: 'ip', id: hostile[3] ?? '' },
        first_seen: 'a', last_seen: 'b', detected_at: 'c', events: 1, accounts: 1, evidence: hostile, details: { x: hostile[4] }, status: 'open',
      }]);
      await s.addIndicators(hostile.map((value) => ({ alert_id: alertId, type: 'user_agent' as const, value, first_seen: T0, last_seen: T0 + 2 * HOUR })));
      const [a] = await s.listAlerts({ alertIds: [alertId], detector: hostile[1] ?? '' });
      expect(a?.evidence).toEqual(hostile);
      const inds = await s.listIndicators([alertId]);
      expect(inds.map((i) => i.value).sort()).toEqual([...hostile].sort());
      const rows = await all(s.affectedAccounts({ indicators: inds }));
      expect(rows.map((r) => r.account_id).sort()).toEqual(hostile.map((h) => `acct ${h}`).sort());
      for (const h of HOSTILE) expect(JSON.parse(await server.sql(`SELECT ${sqlString(h)} AS s FORMAT JSONEachRow`))).toEqual({ s: h });
    } finally {
      await s.close();
    }
  });

  it('refuses bad passwords, unknown settings and missing stores with errors that show no password', async () => {
    const wrong = { ...locationOf(server, 'x'), password: 'not-the-password' };
    const e1 = await clickhouseBackend.open(wrong, { profile: READ }).catch((e: unknown) => e);
    expect(e1).toMatchObject({ code: 'ERR_CONFIG' });
    expect(String((e1 as Error).message)).not.toContain('not-the-password');
    await expect(clickhouseBackend.open(locationOf(server, 'x', { clustr: 'a' }), { profile: READ })).rejects.toMatchObject({ code: 'ERR_CONFIG' });
    await expect(clickhouseBackend.open(locationOf(server, 'never_made'), { profile: READ, mustExist: true }))
      .rejects.toMatchObject({ code: 'ERR_INPUT_UNREADABLE' });
    const down = { ...locationOf(server, 'x'), port: 1 };
    const e2 = await clickhouseBackend.open(down, { profile: READ }).catch((e: unknown) => e);
    expect(e2).toMatchObject({ code: 'ERR_STORE' });
    expect(String((e2 as Error).message)).not.toContain(server.password);
    await expect(clickhouseBackend.open(locationOf(server, 'x', { cluster: 'nowhere' }), { profile: READ })).rejects.toMatchObject({ code: 'ERR_CONFIG' });
  });

  it('keeps a scope run absent until its marker is written, and reads a saved run only from the attempt its marker names', async () => {
    const s = await openDb('killed_save');
    try {
      await s.putCatalog(CATALOG);
      await s.appendAccess(EVENTS);
      await s.flush();
      // What a save killed before its marker leaves behind: rows of an attempt no marker names.
      await server.sql(`INSERT INTO killed_save.scope_run_accounts (run_id, save, account_id, fields, first_access, last_access, accesses, src_ips)
        VALUES ('run-k', 'dead', 'm-stray', ['email'], ${T0}, ${T0}, 1, ['192.0.2.1'])`);
      await server.sql(`INSERT INTO killed_save.scope_run_requests (run_id, save, account_id, t, src_ip, method, route, status, file, line, ridx)
        VALUES ('run-k', 'dead', 'm-stray', ${T0}, '192.0.2.1', 'GET', ${sqlString(PROFILE)}, 200, 'x', 1, 1)`);
      expect(await s.getScopeRun('run-k')).toBeUndefined();
      expect(await s.listScopeRuns('inc-1')).toEqual([]);
      expect(await all(s.runAccounts('run-k'))).toEqual([]);
      expect(await s.runSources('run-k')).toEqual([]);
      const saved = await s.saveScopeRun({ run_id: 'run-k', incident_id: 'inc-1', created_at: T0, inputs: {}, indicators: byToken.indicators });
      expect(saved).toMatchObject({ n: 1, accounts: 3 });
      expect(await all(s.runAccounts('run-k'))).toEqual(await all(s.affectedAccounts(byToken)));
      expect((await s.runSources('run-k')).map((r) => r.ip)).not.toContain('192.0.2.1');
      expect((await all(s.runRequestsByFile('run-k'))).map((r) => r.account_id)).not.toContain('m-stray');
    } finally {
      await s.close();
    }
  });

  it('leaves every scope run whole or absent when its saver is SIGKILLed mid-save', async () => {
    const s = await openDb('killed_saver');
    try {
      await s.putCatalog(CATALOG);
      await s.appendAccess(EVENTS);
      await s.flush();
      const script = new URL('../../../test/fixtures/store/run-save-child.ts', import.meta.url).pathname;
      const child = spawn(process.execPath, ['--import', 'tsx', script, server.url('killed_saver')], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      const exited = new Promise<void>((res) => child.on('exit', () => res()));
      const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
      let saved = 0;
      try {
        for await (const line of createInterface({ input: child.stdout })) {
          saved = Number(/^saved (\d+)$/.exec(line)?.[1] ?? saved);
          // Killed a little way into the next save (each is a dozen statements).
          if (saved >= 2) { await new Promise((r) => setTimeout(r, 40 + Math.floor(Math.random() * 120))); break; }
        }
      } finally {
        clearTimeout(deadline);
        child.kill('SIGKILL');
        await exited;
      }
      expect(saved, err).toBeGreaterThanOrEqual(2);
      const runs = await s.listScopeRuns('inc-k');
      expect(runs.length).toBeGreaterThanOrEqual(saved);
      expect(runs.map((r) => r.n)).toEqual(runs.map((_, i) => i + 1));
      const want = await all(s.affectedAccounts(byToken));
      for (const r of runs) {
        expect(r).toMatchObject({ accounts: want.length, requests: 4 });
        expect(await all(s.runAccounts(r.run_id))).toEqual(want);
      }
      // The run the kill interrupted, if it was, is saved whole now.
      const next = `run-${runs.length + 1}`;
      expect(await s.saveScopeRun({ run_id: next, incident_id: 'inc-k', created_at: T0, inputs: {}, indicators: byToken.indicators }))
        .toMatchObject({ n: runs.length + 1, accounts: want.length });
      expect(await all(s.runAccounts(next))).toEqual(want);
    } finally {
      await s.close();
    }
  });

  it('lifts a hold even when the hold was written by a machine whose clock runs ahead', async () => {
    const s = await openDb('skewed_clock');
    try {
      // A hold placed from a machine 70 years ahead: its version is far above this process's clock.
      await server.sql(`INSERT INTO skewed_clock.legal_holds (hold_id, incident_id, placed_at, reason, ver)
        VALUES ('h-ahead', 'inc-1', ${T0}, 'preservation order', 4000000000000000)`);
      expect((await s.listHolds({ active: true })).map((h) => h.hold_id)).toEqual(['h-ahead']);
      await s.putHold({ hold_id: 'h-ahead', incident_id: 'inc-1', placed_at: T0, reason: 'preservation order', lifted_at: T0 + 1, lift_reason: 'order lifted' });
      expect(await s.listHolds({ active: true })).toEqual([]);
      expect((await s.listHolds())[0]).toMatchObject({ hold_id: 'h-ahead', lifted_at: T0 + 1, lift_reason: 'order lifted' });
    } finally {
      await s.close();
    }
  });

  it("keeps a sender's answer from the server over another sender's in-doubt guess written meanwhile", async () => {
    const [a, b] = [await ledgerOf(openDb('settle_race')), await ledgerOf(openDb('settle_race'))] as const;
    try {
      const intent = (notice_id: string) => ({ notice_id, message_id: `<${notice_id}@example.com>`, incident_id: 'INC-1', account_id: 'm-1',
        channel: 'email' as const, kind: 'initial', content_sha256: 'ab'.repeat(32) });
      await a.recordIntents([intent('n-1'), intent('n-2')]);
      expect(await a.claimDelivery('n-1', 1)).toMatchObject({ state: 'sending' });
      expect(await a.claimDelivery('n-2', 1)).toMatchObject({ state: 'sending' });
      // A second sender starts while the first is sending: both rows look interrupted to it.
      expect(await b.markInterrupted('INC-1')).toBe(2);
      // The first sender's answers (written on top of its claims) outrank the guess.
      await a.settleDelivery('n-1', { state: 'sent', at: 2, response: '250 ok' });
      await a.settleDelivery('n-2', { state: 'retry', at: 2, response: '451 later', next_attempt_at: 9 });
      expect((await b.listDeliveries()).map((r) => [r.notice_id, r.state])).toEqual([['n-1', 'sent'], ['n-2', 'retry']]);
      // A store that made no claim settles nothing.
      await expect(b.settleDelivery('n-2', { state: 'sent', at: 3, response: '250' })).rejects.toMatchObject({ code: 'ERR_STATE' });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('lets at most one of two senders claim a notice, however their claims interleave', async () => {
    const [a, b] = [await ledgerOf(openDb('claim_race')), await ledgerOf(openDb('claim_race'))] as const;
    try {
      const ids = Array.from({ length: 40 }, (_, i) => `n-${String(i).padStart(4, '0')}`);
      await a.recordIntents(ids.map((notice_id) => ({
        notice_id, message_id: `<${notice_id}@example.com>`, incident_id: 'INC-1', account_id: `m-${notice_id}`, channel: 'email' as const,
        kind: 'initial', content_sha256: 'ab'.repeat(32),
      })));
      let won = 0;
      for (const id of ids) {
        const claims = await Promise.all([a.claimDelivery(id, 1), b.claimDelivery(id, 1), a.claimDelivery(id, 1)]);
        const stood = claims.filter((c) => c !== undefined).length;
        expect(stood, id).toBeLessThanOrEqual(1);
        won += stood;
        // Whoever won, or nobody: nothing claims it again.
        expect(await b.claimDelivery(id, 2)).toBeUndefined();
      }
      const rows = await a.listDeliveries();
      expect(rows.filter((r) => r.state === 'sending')).toHaveLength(ids.length);
      expect(won).toBeLessThanOrEqual(ids.length);
      // A claim that nobody won is in doubt for the next sender, never sent by it.
      expect(await b.markInterrupted('INC-1')).toBe(ids.length);
      expect((await a.deliveryCounts('INC-1')).in_doubt).toBe(ids.length);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('replaces a store when opened fresh', async () => {
    const a = await openDb('fresh');
    await a.appendAccess(EVENTS);
    await a.commit(commitOf(1));
    await a.close();
    const b = await clickhouseBackend.open(locationOf(server, 'fresh'), { profile: READ, fresh: true });
    try {
      expect(await b.countAccess()).toBe(0);
      expect(await b.lastCommittedSeq()).toBe(0);
    } finally {
      await b.close();
    }
  });
});
