/**
 * The DuckDB backend against the shared store contract, in memory and on disk, plus what
 * only a file store can show: data survives a reopen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { runStoreContract } from '../store.contract.js';
import { openDuckDbStore } from './open.js';
import { duckdbBackend } from './backend.js';
import type { StoreProfile } from '../backend.js';
import { CATALOG, EVENTS, HOUR, T0 } from '../../../test/fixtures/store/scope-events.js';
import { commitOf } from '../../../test/fixtures/store/commits.js';
import type { AccessEvent } from '../../model/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bw-duckdb-test-'));
let n = 0;
const LIVE_PROFILE: StoreProfile = { use: 'live', splitAppends: false, orderedLoads: true, loadWithinMs: 1000, threads: 'beside-js', memoryLimit: '256MB' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract('duckdb :memory:', {
  open: () => openDuckDbStore(':memory:'),
  crash: { skip: 'an in-memory database ends with its process; the file store below runs this part' },
  pivots: 'answered',
});
runStoreContract('duckdb file', {
  open: () => openDuckDbStore(join(dir, `contract-${n++}.duckdb`)),
  crash: {
    url: () => `duckdb:${join(dir, `crash-${n++}.duckdb`)}`,
    reopen: (url) => duckdbBackend.open({ scheme: 'duckdb', path: url.slice('duckdb:'.length) }, { profile: LIVE_PROFILE }),
  },
  pivots: 'answered',
});

describe('DuckDB file store', () => {
  it('keeps events, alerts and indicators across a reopen', async () => {
    const path = join(dir, 'reopen.duckdb');
    const a = await openDuckDbStore(path);
    await a.putCatalog(CATALOG);
    await a.appendAccess(EVENTS);
    await a.addIndicators([{ alert_id: 'x', type: 'token', value: 'forged-1', first_seen: T0, last_seen: T0 + 48 * HOUR }]);
    await a.close();
    const b = await openDuckDbStore(path);
    try {
      expect(await b.countAccess()).toBe(EVENTS.length);
      const inds = await b.listIndicators(['x']);
      expect(inds).toHaveLength(1);
      const rows = [];
      for await (const r of b.affectedAccounts({ indicators: inds })) rows.push(r.account_id);
      expect(rows).toEqual(['m-1', 'm-10', 'm-11']);
    } finally {
      await b.close();
    }
  });

  it('writes ledger, keys and catalog rows as given (read back with plain SQL)', async () => {
    const path = join(dir, 'reference.duckdb');
    const s = await openDuckDbStore(path);
    const ref = { file: 'ledger.ndjson', line: 7 };
    await s.appendLedger([
      { kind: 'ledger', t: T0, type: 'issue', jti: 'j1', kid: 'k1', sub: 'm-1', exp: 1719190800, grant: 'password', ref },
      { kind: 'ledger', t: T0 + HOUR, type: 'revoke', jti: 'j1', ref },
    ]);
    const key = { kid: 'k1', alg: 'ES256', created: T0, activated: null, retired: null, revoked: null,
      storage: 'file' as const, max_token_ttl_s: 3600, custodians: ['s-1', 's-2'] };
    await s.putKeys([key, { ...key, storage: 'hsm' }]);
    await s.putCatalog(CATALOG);
    await s.close();
    const db = await DuckDBInstance.create(path);
    const c = await db.connect();
    try {
      const ledger = (await c.runAndReadAll(`SELECT epoch_ms(t)::DOUBLE, type, jti, kid, sub, "grant", file, line::INTEGER
        FROM ledger ORDER BY t`)).getRows();
      expect(ledger).toEqual([[T0, 'issue', 'j1', 'k1', 'm-1', 'password', 'ledger.ndjson', 7],
        [T0 + HOUR, 'revoke', 'j1', null, null, null, 'ledger.ndjson', 7]]);
      const keys = (await c.runAndReadAll(`SELECT kid, storage, array_to_string(custodians, ',') FROM keys`)).getRows();
      expect(keys).toEqual([['k1', 'hsm', 's-1,s-2']]);
      const personal = (await c.runAndReadAll(`SELECT count(*)::INTEGER FROM catalog WHERE kind = 'personal'`)).getRows();
      expect(personal).toEqual([[3]]);
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });

  it('reports a store it cannot open as ERR_STORE', async () => {
    await expect(openDuckDbStore(join(dir, 'no-such-folder', 'x.duckdb'))).rejects.toMatchObject({ code: 'ERR_STORE' });
  });

  it('refuses to open one file twice in a process (that would corrupt it)', async () => {
    const path = join(dir, 'twice.duckdb');
    const a = await openDuckDbStore(path);
    try {
      await expect(openDuckDbStore(path)).rejects.toMatchObject({ code: 'ERR_STORE' });
    } finally {
      await a.close();
    }
    const b = await openDuckDbStore(path);
    await b.close();
  });

  it('isolates a row a background load refuses (a type DuckDB cannot convert) instead of failing', async () => {
    const s = await openDuckDbStore(':memory:', { batchLines: 1 });
    try {
      const bad = { ...EVENTS[1]!, raw: '{"time":"2025-06-24T00:00:00Z","src_ip":"1.2.3.4","status":"not a number"}' };
      await s.appendAccess([EVENTS[0]!, bad]);
      await s.flush();
      const rejected = s.drainRejected();
      expect(rejected.map((r) => r.line)).toEqual([bad.ref.line]);
      expect(rejected[0]?.error).toMatch(/not a number/);
      expect(await s.countAccess()).toBe(1);
    } finally {
      await s.close().catch(() => undefined);
    }
  });

  it('stores a commit with a refused row whole but that row: its ledger rows, its seq, and later commits', async () => {
    const path = join(dir, 'failed-commit.duckdb');
    const s = await openDuckDbStore(path);
    const good = commitOf(3);
    await s.commit(good);
    await s.flush();
    const bad = { ...EVENTS[1]!, raw: '{"time":"2025-06-24T00:00:00Z","src_ip":"1.2.3.4","status":"not a number"}' };
    const ledger = commitOf(6).ledger;
    await s.commit({ seq: 4, access: [bad], ledger });
    await s.flush();
    expect(s.drainRejected()).toHaveLength(1);
    expect(await s.lastCommittedSeq()).toBe(4);
    const next = commitOf(5);
    await s.commit({ ...next, seq: 5 });
    await s.close();
    const again = await openDuckDbStore(path);
    try {
      expect(await again.lastCommittedSeq()).toBe(5);
      expect({ access: await again.countAccess(), ledger: await again.countLedger() })
        .toEqual({ access: good.access.length + next.access.length, ledger: good.ledger.length + ledger.length + next.ledger.length });
    } finally {
      await again.close();
    }
  });

  it('loads in several background batches when appends outgrow one batch', async () => {
    const s = await openDuckDbStore(':memory:', { batchLines: 1000 });
    try {
      const many = [];
      for (let i = 0; i < 1000; i++) many.push(...EVENTS);
      for (let i = 0; i < many.length; i += 997) await s.appendAccess(many.slice(i, i + 997));
      expect(await s.countAccess()).toBe(many.length);
    } finally {
      await s.close();
    }
  });

  it('stages multi-byte text and lines longer than a write chunk byte for byte', async () => {
    const path = join(dir, 'utf8.duckdb');
    const s = await openDuckDbStore(path, { batchLines: 2 });
    const long = '€'.repeat(400_000) + 'ü'; // 1.2 MB of UTF-8: more than one staging chunk
    const uas = ['Ünïcødé/1.0 (日本語)', long, 'plain', '😀 emoji'];
    const evs = uas.map((ua, i) => {
      const raw = JSON.stringify({ time: '2025-06-24T00:00:00Z', src_ip: '1.2.3.4', method: 'GET', route: '/v1/me', status: 200, user_agent: ua, request_id: `u-${i}` });
      return { ...EVENTS[1]!, user_agent: ua, request_id: `u-${i}`, raw, ref: { file: 'ü.ndjson', line: i + 1 } };
    });
    for (const e of evs) await s.appendAccess([e]);
    await s.close();
    const inst = await DuckDBInstance.create(path);
    const c = await inst.connect();
    const rows = (await (await c.run('SELECT user_agent, file, line FROM access ORDER BY line')).getRows()).map((r) => [r[0], r[1], Number(r[2])]);
    c.closeSync();
    inst.closeSync();
    expect(rows).toEqual(uas.map((ua, i) => [ua, 'ü.ndjson', i + 1]));
  });

  it('loses nothing when reads flush while appends are staging', async () => {
    const s = await openDuckDbStore(join(dir, 'concurrent.duckdb'), { batchLines: 7 });
    try {
      const jobs: Promise<unknown>[] = [];
      let total = 0;
      for (let i = 0; i < 60; i++) {
        const batch = EVENTS.map((e, k) => ({ ...e, request_id: `c-${i}-${k}` }));
        total += batch.length;
        jobs.push(s.appendAccess(batch), s.countAccess());
      }
      await Promise.all(jobs);
      expect(await s.countAccess()).toBe(total);
    } finally {
      await s.close();
    }
  });
});

describe('DuckDB row isolation', () => {
  const odd = (line: number): AccessEvent => ({
    kind: 'access', t: T0 + line, src_ip: '192.0.2.7', method: 'GET', route: '/v1/orders', status: 200, ref: { file: 'odd.ndjson', line },
    raw: `{"time":"2025-06-24T00:00:00.000Z","src_ip":"192.0.2.7","method":"GET","route":"/v1/orders","status":200,"user_agent":"x\\ud800","request_id":"odd-${line}"}`,
  });

  it('quarantines a row DuckDB refuses, with DuckDB\'s own error, and stores the rest of the commit with its seq', async () => {
    const path = join(dir, 'isolate.duckdb');
    const s = await openDuckDbStore(path);
    const c = commitOf(9);
    await s.commit({ seq: 1, access: [...c.access.slice(0, 2), odd(3), ...c.access.slice(2)], ledger: c.ledger });
    await s.commit({ seq: 2, access: [odd(11), odd(12)], ledger: [] });
    await s.flush();
    const rejected = s.drainRejected();
    expect(rejected.map((r) => [r.table, r.file, r.line])).toEqual([['access', 'odd.ndjson', 3], ['access', 'odd.ndjson', 11], ['access', 'odd.ndjson', 12]]);
    expect(rejected[0]?.error).toMatch(/^Invalid Input Error: .*surrogate/);
    expect(rejected[0]?.error).not.toContain('/');
    expect(rejected[0]?.excerpt).toContain('odd-3');
    expect(await s.countAccess()).toBe(c.access.length);
    expect(await s.lastCommittedSeq()).toBe(2);
    await s.close();
    const again = await openDuckDbStore(path);
    expect(await again.lastCommittedSeq()).toBe(2);
    expect(await again.countAccess()).toBe(c.access.length);
    await again.close();
  });

  it('isolates refused rows in bulk appends too (hunt)', async () => {
    const s = await openDuckDbStore(':memory:', { batchLines: 1000, splitAppends: true });
    await s.putCatalog(CATALOG);
    await s.appendAccess([...EVENTS.slice(0, 3), odd(100), ...EVENTS.slice(3)]);
    await s.flush();
    expect(s.drainRejected().map((r) => r.line)).toEqual([100]);
    expect(await s.countAccess()).toBe(EVENTS.length);
    await s.close();
  });

  it('keeps each concurrent scope query\'s scratch table until it is done', async () => {
    const s = await openDuckDbStore(':memory:');
    await s.putCatalog(CATALOG);
    await s.appendAccess(EVENTS);
    await s.flush();
    const one = (jti: string): Promise<unknown> => (async () => {
      const q = { indicators: [{ type: 'token' as const, value: jti, first_seen: T0, last_seen: T0 + 48 * HOUR }] };
      const rows: unknown[] = [];
      for await (const r of s.affectedAccounts(q)) rows.push(r);
      return [rows.length, (await s.scopeAggregates(q)).accounts_affected];
    })();
    const runs = await Promise.all(Array.from({ length: 12 }, (_, i) => one(i % 2 === 0 ? 'forged-1' : 'forged-2')));
    expect(new Set(runs.map((r) => JSON.stringify(r))).size).toBe(2);
    await s.close();
  });
});
