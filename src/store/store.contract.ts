/**
 * The contract every {@link Store} backend passes (DuckDB now, ClickHouse later): call
 * `runStoreContract(name, target)` from a backend's test file. `target.open` must return a
 * fresh, empty, initialized store each time. Only the `Store` interface is used here, plus a
 * child process (`test/fixtures/store/commit-child.ts`) that a crash test kills. A backend
 * may leave out a part only by giving the reason in writing ({@link Skip}); the reason is
 * printed in the skipped test's name.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, Indicator, Severity } from '../model/index.js';
import { answersPivots, type AffectedAccount, type Store } from './store.js';
import {
  CATALOG, EVENTS, HOUR, PRODUCT, PROFILE, T0, access,
} from '../../test/fixtures/store/scope-events.js';
import * as pv from '../../test/fixtures/store/pivot-events.js';
import { commitOf, rowsUpTo } from '../../test/fixtures/store/commits.js';
import { runRespondStoreContract } from './respond-store.contract.js';

/** A part of the suite a backend does not run, and why (at least a sentence). */
export interface Skip {
  readonly skip: string;
}

/** What the suite runs against. */
export interface StoreContractTarget {
  /** A fresh, empty, initialized store each time. */
  readonly open: () => Promise<Store>;
  /**
   * Durability across processes: `url()` names a fresh, empty store that a child process opens
   * for live use through the composition layer; `reopen(url)` opens what it left, in this
   * process, after the child was killed.
   */
  readonly crash: { readonly url: () => string; readonly reopen: (url: string) => Promise<Store> } | Skip;
  /** Row isolation (a row the backend refuses never fails a load); present only as a {@link Skip}. */
  readonly isolation?: Skip;
  /** Scope's pivot queries (an optional role): `'answered'` runs their part, a skip says why not. */
  readonly pivots: 'answered' | Skip;
}

function isSkip(x: object): x is Skip {
  return 'skip' in x;
}

/** Declares a part as skipped, refusing a reason too short to say anything. */
function skipped(title: string, s: Skip): void {
  if (s.skip.trim().length < 12) throw new Error(`store contract: skipping '${title}' needs a written reason, got '${s.skip}'`);
  it.skip(`${title} (skipped: ${s.skip})`, () => undefined);
}

/** Collects an async iterable. */
async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function alert(id: string, severity: Severity, detector = 'unissued-token'): Alert {
  return {
    alert_id: id, detector, severity, title: `alert ${id}`, entity: { type: 'token', id: `jti-${id}` },
    first_seen: '2025-06-24T01:00:00.000Z', last_seen: '2025-06-24T02:00:00.000Z',
    detected_at: '2025-06-24T01:00:00.000Z', events: 3, accounts: 2, evidence: ['r-1', 'r-2'], details: { n: 1 },
    status: 'open',
  };
}

const ind = (type: Indicator['type'], value: string, fromH = 0, toH = 48): Indicator =>
  ({ type, value, first_seen: T0 + fromH * HOUR, last_seen: T0 + toH * HOUR });

/** Runs the shared store contract suite against one backend. */
export function runStoreContract(name: string, target: StoreContractTarget): void {
  const open = target.open;
  describe(`Store contract: ${name}`, () => {
    let store: Store | undefined;
    const fresh = async (): Promise<Store> => {
      store = await open();
      return store;
    };
    const loaded = async (): Promise<Store> => {
      const s = await fresh();
      await s.putCatalog(CATALOG);
      await s.appendAccess(EVENTS.slice(0, 5));
      await s.appendAccess(EVENTS.slice(5));
      await s.flush();
      return s;
    };
    const accounts = async (s: Store, ...inds: Indicator[]): Promise<string[]> =>
      (await all(s.affectedAccounts({ indicators: inds }))).map((r) => r.account_id);

    afterEach(async () => {
      await store?.close();
      store = undefined;
    });

    it('is empty when new', async () => {
      const s = await fresh();
      expect(await s.countAccess()).toBe(0);
      expect(await s.listAlerts()).toEqual([]);
      expect(await s.listIndicators(['a'])).toEqual([]);
      expect(await all(s.affectedAccounts({ indicators: [ind('token', 'forged-1')] }))).toEqual([]);
      expect(await s.scopeAggregates({ indicators: [ind('token', 'forged-1')] }))
        .toEqual({ window: null, accounts_affected: 0, by_field: {}, by_day: [], sources: [] });
    });

    it('keeps everything readable after releasing memory, and reports its memory', async () => {
      const s = await loaded();
      const before = await accounts(s, ind('token', 'forged-1'));
      await s.releaseMemory();
      expect(await s.countAccess()).toBe(EVENTS.length);
      expect(await accounts(s, ind('token', 'forged-1'))).toEqual(before);
      await s.appendAccess([access({ h: 1, ip: '192.0.2.9', route: PRODUCT })]);
      await s.flush();
      await s.releaseMemory();
      expect(await s.countAccess()).toBe(EVENTS.length + 1);
      const m = await s.memoryBytes();
      if (m !== undefined) expect(m).toBeGreaterThanOrEqual(0);
    });

    it('counts appended ledger events after flush', async () => {
      const s = await fresh();
      expect(await s.countLedger()).toBe(0);
      await s.appendLedger([
        { kind: 'ledger', t: T0, type: 'issue', jti: 'j-1', kid: 'k', sub: 'm-1', exp: T0 / 1000 + 900, ref: { file: 'l.ndjson', line: 1 } },
        { kind: 'ledger', t: T0 + 1, type: 'revoke', jti: 'j-1', ref: { file: 'l.ndjson', line: 2 } },
      ]);
      await s.flush();
      expect(await s.countLedger()).toBe(2);
    });

    it('finds stored requests by request_id; "" is no id, and an id is a value, never SQL', async () => {
      const s = await fresh();
      const ua = `Mozilla/5.0 ${'x'.repeat(200)}`;
      const blankRaw = `{"time":"2025-06-24T03:00:00.000Z","src_ip":"192.0.2.1","method":"GET","route":"${PROFILE}","status":200,"request_id":""}`;
      await s.appendAccess([
        { ...access({ h: 1, ip: '203.0.113.7', route: PROFILE, jti: 'forged-1', account: 'm-1', ua }), request_id: 'req-1' },
        { ...access({ h: 2, ip: '203.0.113.8', route: PROFILE }), request_id: 'req-2' },
        access({ h: 3, ip: '192.0.2.1', route: PROFILE, raw: blankRaw }),
      ]);
      await s.flush();
      expect(await s.findRequests('req-1')).toEqual([expect.objectContaining({
        request_id: 'req-1', time: T0 + HOUR, src_ip: '203.0.113.7', method: 'GET', route: PROFILE, status: 200,
        account_id: 'm-1', jti: 'forged-1', kid: 'sig-2019-01', sub: 'm-1', user_agent: ua, file: 'access-2025-06-24.ndjson',
      })]);
      expect(await s.findRequests("req-1' OR '1'='1")).toEqual([]);
      expect(await s.findRequests('')).toEqual([]);
      expect(await s.findRequests('nope')).toEqual([]);
    });

    it('counts appended access events after flush', async () => {
      const s = await loaded();
      expect(await s.countAccess()).toBe(EVENTS.length);
      await s.appendAccess([]);
      await s.appendAccess([access({ h: 1, ip: '192.0.2.9', route: PRODUCT })]);
      await s.flush();
      expect(await s.countAccess()).toBe(EVENTS.length + 1);
    });

    it('stores everything whatever the caller says is left to come', async () => {
      const s = await fresh();
      await s.putCatalog(CATALOG);
      const hints = [Infinity, 1e9, 3, 0, 1, Infinity, 0];
      for (let i = 0; i < EVENTS.length; i++) {
        s.expectRemaining(hints[i % hints.length]!);
        await s.appendAccess([EVENTS[i]!]);
      }
      s.expectRemaining(0);
      await s.flush();
      expect(await s.countAccess()).toBe(EVENTS.length);
      expect(await accounts(s, ind('token', 'forged-1', 0, 48))).toEqual(['m-1', 'm-10', 'm-11']);
    });

    it('accepts ledger records and key registry entries (replaced by kid)', async () => {
      const s = await fresh();
      const ref = { file: 'ledger.ndjson', line: 1 };
      await s.appendLedger([
        { kind: 'ledger', t: T0, type: 'issue', jti: 'ok-3', kid: 'k1', sub: 'm-3', exp: 1719190800, grant: 'password', ref },
        { kind: 'ledger', t: T0 + HOUR, type: 'revoke', jti: 'ok-3', ref },
      ]);
      const key = { kid: 'k1', alg: 'ES256', created: T0, activated: T0, retired: null, revoked: null,
        storage: 'file' as const, max_token_ttl_s: 3600, custodians: ['s-1'] };
      await s.putKeys([key]);
      await s.putKeys([{ ...key, storage: 'hsm' }]);
      await s.flush();
      expect(await s.countAccess()).toBe(0);
    });

    it('upserts alerts by id and lists them filtered and paged, most severe first', async () => {
      const s = await fresh();
      await s.upsertAlerts([alert('b', 'medium'), alert('a', 'high'), alert('c', 'critical', 'key-custody'), alert('d', 'low')]);
      await s.upsertAlerts([{ ...alert('b', 'critical'), title: 'replaced' }]);
      const every = await s.listAlerts();
      expect(every.map((a) => a.alert_id)).toEqual(['b', 'c', 'a', 'd']);
      expect(every[0]).toEqual({ ...alert('b', 'critical'), title: 'replaced' });
      expect((await s.listAlerts({ minSeverity: 'high' })).map((a) => a.alert_id)).toEqual(['b', 'c', 'a']);
      expect((await s.listAlerts({ detector: 'key-custody' })).map((a) => a.alert_id)).toEqual(['c']);
      expect((await s.listAlerts({ alertIds: ['d', 'a', 'zz'] })).map((a) => a.alert_id)).toEqual(['a', 'd']);
      expect(await s.listAlerts({ alertIds: [] })).toEqual([]);
      const p1 = await s.listAlerts({ limit: 2 });
      const p2 = await s.listAlerts({ limit: 2, offset: 2 });
      expect([...p1, ...p2].map((a) => a.alert_id)).toEqual(['b', 'c', 'a', 'd']);
    });

    it('merges indicators with the same alert, type and value to the widest window', async () => {
      const s = await fresh();
      await s.addIndicators([
        { alert_id: 'a', ...ind('ip', '203.0.113.7', 2, 3) },
        { alert_id: 'a', ...ind('ip', '203.0.113.7', 1, 2) },
        { alert_id: 'b', ...ind('token', 'forged-1', 1, 2) },
      ]);
      await s.addIndicators([{ alert_id: 'a', ...ind('ip', '203.0.113.7', 2, 5) }]);
      expect(await s.listIndicators(['a'])).toEqual([{ alert_id: 'a', ...ind('ip', '203.0.113.7', 1, 5) }]);
      expect((await s.listIndicators(['a', 'b'])).length).toBe(2);
    });

    it('keeps status and verdict, and lets a later write retract (and reopen) an alert and an indicator', async () => {
      const s = await fresh();
      await s.upsertAlerts([{ ...alert('a', 'critical'), verdict: 'forged' }, { ...alert('u', 'medium'), verdict: 'unverifiable' }]);
      await s.addIndicators([{ alert_id: 'a', ...ind('token', 'j-1') }, { alert_id: 'a', ...ind('token', 'j-2') }]);
      await s.upsertAlerts([{ ...alert('a', 'critical'), verdict: 'forged', status: 'retracted', details: { retracted_reason: 'late ledger record' } }]);
      await s.addIndicators([{ alert_id: 'a', ...ind('token', 'j-1'), retracted: true }]);
      const [a] = await s.listAlerts({ alertIds: ['a'] });
      expect(a).toMatchObject({ status: 'retracted', verdict: 'forged', details: { retracted_reason: 'late ledger record' } });
      expect((await s.listAlerts({ status: 'open' })).map((x) => x.alert_id)).toEqual(['u']);
      expect((await s.listAlerts({ alertIds: ['u'] }))[0]?.verdict).toBe('unverifiable');
      expect((await s.listIndicators(['a'])).map((i) => i.value)).toEqual(['j-2']);
      expect(await s.listIndicators(['a'], true)).toEqual([
        { alert_id: 'a', ...ind('token', 'j-1'), retracted: true }, { alert_id: 'a', ...ind('token', 'j-2') },
      ]);
      await s.addIndicators([{ alert_id: 'a', ...ind('token', 'j-1', 0, 50) }]);
      expect((await s.listIndicators(['a'])).map((i) => `${i.value} ${i.last_seen}`)).toEqual([`j-1 ${T0 + 50 * HOUR}`, `j-2 ${T0 + 48 * HOUR}`]);
    });

    it('scopes by token, inside the window bounds (inclusive), 2xx personal reads only', async () => {
      const s = await loaded();
      expect(await accounts(s, ind('token', 'forged-1', 1, 10))).toEqual(['m-1', 'm-10']);
      expect(await accounts(s, ind('token', 'forged-1', 0, 48))).toEqual(['m-1', 'm-10', 'm-11']);
      expect(await accounts(s, ind('token', 'forged-1', 1.5, 9))).toEqual(['m-1']);
      expect(await accounts(s, ind('token', 'forged-2'))).toEqual([]);
    });

    it('scopes by ip, subnet (IPv4 /24 and longer, IPv6 /48), device, user agent and actor', async () => {
      const s = await loaded();
      expect(await accounts(s, ind('ip', '203.0.113.7'))).toEqual(['m-1', 'm-10', 'm-11']);
      expect(await accounts(s, ind('subnet', '203.0.113.0/24'))).toEqual(['m-1', 'm-10', 'm-11', 'm-12', 'm-3']);
      expect(await accounts(s, ind('subnet', '203.0.113.96/28'))).toEqual(['m-3']);
      expect(await accounts(s, ind('subnet', '203.0.112.0/23'))).toEqual(['m-1', 'm-10', 'm-11', 'm-12', 'm-3']);
      expect(await accounts(s, ind('subnet', '2001:db8:abcd::/48'))).toEqual(['m-4']);
      expect(await accounts(s, ind('subnet', '2001:db8:abce::/48'))).toEqual([]);
      expect(await accounts(s, ind('subnet', '2001:db8:abcd:12::/64'))).toEqual(['m-4']);
      expect(await accounts(s, ind('subnet', '2001:db8:abcd:13::/64'))).toEqual([]);
      expect(await accounts(s, ind('device', 'd-evil'))).toEqual(['m-5']);
      expect(await accounts(s, ind('user_agent', 'EvilBot/1.0'))).toEqual(['m-6']);
      expect(await accounts(s, ind('actor', 's-attacker'))).toEqual(['m-7']);
    });

    it('gives fields, times, counts and sources per account; a request matching twice counts once', async () => {
      const s = await loaded();
      const rows = await all(s.affectedAccounts({ indicators: [ind('token', 'forged-1'), ind('ip', '203.0.113.7')] }));
      expect(rows[0]).toEqual<AffectedAccount>({
        account_id: 'm-1', fields: ['address', 'email', 'entrance_code', 'name', 'phone'],
        first_access: T0 + HOUR, last_access: T0 + 2 * HOUR, accesses: 2, src_ips: ['203.0.113.7', '203.0.113.8'],
      });
      expect(rows.map((r) => r.accesses)).toEqual([2, 1, 1]);
    });

    it('counts a request once under overlapping subnets and repeated windows of one token', async () => {
      const s = await loaded();
      const rows = await all(s.affectedAccounts({ indicators: [
        ind('subnet', '203.0.113.0/24'), ind('subnet', '203.0.112.0/23'),
        ind('token', 'forged-1', 0, 5), ind('token', 'forged-1', 1, 3), ind('token', 'forged-1', 9.5, 10),
      ] }));
      expect(rows.map((r) => [r.account_id, r.accesses])).toEqual([['m-1', 2], ['m-10', 1], ['m-11', 1], ['m-12', 1], ['m-3', 1]]);
      const one = await all(s.affectedAccounts({ indicators: [ind('token', 'forged-1', 0, 5), ind('token', 'forged-1', 1, 3), ind('token', 'forged-1', 9.5, 10)] }));
      expect(one.map((r) => [r.account_id, r.accesses])).toEqual([['m-1', 2], ['m-10', 1]]);
    });

    it('drops a route from scope when the catalog no longer calls it personal', async () => {
      const s = await loaded();
      await s.putCatalog([{ method: 'GET', route: PROFILE, fields: [], kind: 'browse' }]);
      const rows = await all(s.affectedAccounts({ indicators: [ind('token', 'forged-1')] }));
      expect(rows[0]?.accesses).toBe(1);
    });

    it('answers scope queries side by side, each with its own scratch state', async () => {
      const s = await loaded();
      const qs = [
        [ind('token', 'forged-1')], [ind('ip', '203.0.113.7')], [ind('subnet', '203.0.113.0/24')], [ind('device', 'd-evil')],
        [ind('token', 'forged-1'), ind('device', 'd-evil')],
      ].map((indicators) => ({ indicators }));
      const want = [];
      for (const q of qs) want.push({ rows: await all(s.affectedAccounts({ ...q })), agg: await s.scopeAggregates({ ...q }) });
      // every query's stream opened and held at its first row while all the others build theirs
      const its = qs.map((q) => s.affectedAccounts(q)[Symbol.asyncIterator]());
      const firsts = await Promise.all(its.map((it) => it.next()));
      const aggs = await Promise.all(qs.map((q) => s.scopeAggregates(q)));
      for (const [i, it] of its.entries()) {
        const rows = firsts[i]?.done === true ? [] : [firsts[i]?.value as AffectedAccount];
        for (let r = await it.next(); r.done !== true; r = await it.next()) rows.push(r.value);
        expect(rows).toEqual(want[i]?.rows);
        expect(aggs[i]).toEqual(want[i]?.agg);
      }
      // and asked again after more queries than a backend keeps scratch state for
      for (const [i, q] of qs.entries()) expect(await s.scopeAggregates(q)).toEqual(want[i]?.agg);
    });

    it('returns aggregates that match the rows', async () => {
      const s = await loaded();
      const q = { indicators: [ind('subnet', '203.0.113.0/24'), ind('device', 'd-evil')] };
      const rows = await all(s.affectedAccounts(q));
      const agg = await s.scopeAggregates(q);
      const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
      expect(rows.map((r) => r.account_id)).toEqual([...rows.map((r) => r.account_id)].sort());
      expect(agg.accounts_affected).toBe(rows.length);
      expect(agg.window).toEqual({ from: Math.min(...rows.map((r) => r.first_access)), to: Math.max(...rows.map((r) => r.last_access)) });
      expect(sum(agg.by_day.map((d) => d.requests))).toBe(sum(rows.map((r) => r.accesses)));
      expect(agg.by_day.map((d) => d.day)).toEqual(['2025-06-24', '2025-06-25']);
      expect(sum(agg.sources.map((x) => x.requests))).toBe(sum(rows.map((r) => r.accesses)));
      for (const [field, n] of Object.entries(agg.by_field)) expect(n).toBe(rows.filter((r) => r.fields.includes(field)).length);
      expect(agg.by_field.entrance_code).toBe(1);
      expect(agg.sources[0]).toEqual({ ip: '203.0.113.7', country: 'KR', asn: 'AS4766', requests: 3, accounts: 3, first: T0 + HOUR, last: T0 + 10 * HOUR + 1 });
    });

    const pivotTitle = 'answers the pivot queries: token sources, a key\'s never-issued tokens, source profiles, source tokens';
    if (target.pivots !== 'answered') skipped(pivotTitle, target.pivots);
    else it(pivotTitle, async () => {
      const s = await fresh();
      if (!answersPivots(s)) throw new Error(`store contract: ${name} says it answers the pivot queries but lacks them`);
      await s.putCatalog(pv.CATALOG);
      const w = pv.pivotWorld();
      await s.appendAccess(w.access);
      const day = { from: pv.T0, to: pv.T0 + 86_400_000 };
      // no ledger yet: nothing to call never-issued
      expect(await s.keySources('sig-2019-01', day.from, day.to)).toEqual([]);
      await s.appendLedger(w.ledger);
      expect(await s.keySources('sig-2019-01', day.from, day.to)).toEqual([{ ip: pv.D, requests: 1, first: pv.T0 + 50 * 60_000, last: pv.T0 + 50 * 60_000 }]);
      expect(await s.keySources('sig-2019-01', pv.T0 + 51 * 60_000, day.to)).toEqual([]);
      const flag = { type: 'token' as const, value: 'j-flag', first_seen: pv.T0, last_seen: pv.T0 + 60_000 };
      expect((await s.tokenSources([flag])).map((u) => [u.ip, u.requests])).toEqual([[pv.A, 1], [pv.B, 1]]);
      expect((await s.tokenSources([{ ...flag, last_seen: pv.T0 }])).map((u) => u.ip)).toEqual([pv.A]);
      expect(await s.sourceProfiles([pv.A, pv.X, '192.0.2.1'], 0.8)).toEqual([
        { ip: pv.A, tokens: 2, customerLike: 0, actingForOthers: 0 }, { ip: pv.X, tokens: 8, customerLike: 5, actingForOthers: 0 },
      ]);
      expect(await s.sourceProfiles([pv.E], 0.8)).toEqual([{ ip: pv.E, tokens: 3, customerLike: 0, actingForOthers: 3 }]);
      const toks = await s.sourceTokens([pv.B], ['j-flag']);
      expect(toks).toEqual([{ jti: 'j-t3', requests: 2, personal: 2, forOthers: 0, elsewhere: 1, first: pv.T0 + 20 * 60_000, last: pv.T0 + 21 * 60_000 }]);
      expect((await s.sourceTokens([pv.E], [])).map((t) => [t.jti, t.forOthers])).toEqual([['j-ins', 1], ['j-s1', 4], ['j-s2', 4]]);
    });

    it("makes a commit's rows and its seq visible together; appends leave the seq alone", async () => {
      const s = await fresh();
      expect(await s.lastCommittedSeq()).toBe(0);
      for (let k = 1; k <= 7; k++) await s.commit(commitOf(k));
      await s.flush();
      expect(await s.lastCommittedSeq()).toBe(7);
      expect({ access: await s.countAccess(), ledger: await s.countLedger() }).toEqual(rowsUpTo(7));
      await s.appendAccess(EVENTS);
      await s.flush();
      expect(await s.lastCommittedSeq()).toBe(7);
      expect(await s.countAccess()).toBe(rowsUpTo(7).access + EVENTS.length);
    });

    const ISOLATION = 'never fails on a row the parsers accepted but the backend refuses: the rest is stored, the seq held';
    if (target.isolation !== undefined) skipped(ISOLATION, target.isolation);
    else it(ISOLATION, async () => {
      const s = await fresh();
      // A lone UTF-16 surrogate: JavaScript's JSON reads it, not every database does.
      const odd = '{"time":"2025-06-24T03:00:00.000Z","src_ip":"192.0.2.7","method":"GET","route":"/v1/orders","status":200,"user_agent":"\\ud800","request_id":"odd-1"}';
      const c = commitOf(4);
      const oddEvent = { ...c.access[0], request_id: 'odd-1', ref: { file: 'odd.ndjson', line: 7 }, raw: odd } as (typeof c.access)[number];
      const oddLedger = { ...commitOf(3).ledger[0], jti: 'j-\ud800' } as (typeof c.ledger)[number];
      await s.commit({ seq: 4, access: [...c.access, oddEvent], ledger: [oddLedger] });
      await s.commit(commitOf(5));
      await s.flush();
      const rejected = s.drainRejected();
      expect(rejected.length).toBeLessThanOrEqual(2);
      expect(await s.countAccess()).toBe(c.access.length + rowsUpTo(5).access - rowsUpTo(4).access + (rejected.some((r) => r.table === 'access') ? 0 : 1));
      expect(await s.countLedger()).toBe(rejected.some((r) => r.table === 'ledger') ? 0 : 1);
      expect(await s.lastCommittedSeq()).toBe(5);
      for (const r of rejected) expect(r.error.length).toBeGreaterThan(0);
      expect(s.drainRejected()).toEqual([]);
    });

    it('counts an empty commit, and refuses a seq that does not grow', async () => {
      const s = await fresh();
      await s.commit({ seq: 3, access: [], ledger: [] });
      await s.flush();
      expect(await s.lastCommittedSeq()).toBe(3);
      await expect(s.commit(commitOf(3))).rejects.toMatchObject({ code: 'ERR_STORE' });
      await expect(s.commit(commitOf(2))).rejects.toMatchObject({ code: 'ERR_STORE' });
      await s.commit(commitOf(4));
      await s.flush();
      expect(await s.lastCommittedSeq()).toBe(4);
      expect(await s.countAccess()).toBe(commitOf(4).access.length);
    });

    it('never reports a seq ahead of the rows it holds while loading', async () => {
      const s = await fresh();
      const seen: number[] = [];
      for (let k = 1; k <= 40; k++) {
        await s.commit(commitOf(k));
        seen.push(await s.lastCommittedSeq());
      }
      await s.flush();
      const held = await s.lastCommittedSeq();
      expect(held).toBe(40);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect({ access: await s.countAccess(), ledger: await s.countLedger() }).toEqual(rowsUpTo(40));
    });

    const crash = target.crash;
    if (isSkip(crash)) skipped('keeps the seq and its rows together across a SIGKILL', crash);
    else {
      it('keeps the seq and its rows together across a SIGKILL, and stores a recommitted tail once', async () => {
        const url = crash.url();
        const held = await killMidCommit(url, 12);
        const s = await crash.reopen(url);
        store = s;
        const seq = await s.lastCommittedSeq();
        // What the child saw held is durable; commits after it may or may not be, but the rows
        // held are exactly those of commits 1..seq, whichever seq that is.
        expect(seq).toBeGreaterThanOrEqual(held);
        expect({ access: await s.countAccess(), ledger: await s.countLedger() }).toEqual(rowsUpTo(seq));
        // Recovery commits what the store lacks: everything then is there exactly once.
        const end = seq + 5;
        for (let k = seq + 1; k <= end; k++) await s.commit(commitOf(k));
        await s.flush();
        expect(await s.lastCommittedSeq()).toBe(end);
        expect({ access: await s.countAccess(), ledger: await s.countLedger() }).toEqual(rowsUpTo(end));
        await expect(s.commit(commitOf(seq))).rejects.toMatchObject({ code: 'ERR_STORE' });
      });
    }

    // The response roles (incidents, saved scope runs, holds, retention): every backend has them.
    runRespondStoreContract(open);
  });
}

/**
 * Runs the commit child on `url` until it reports at least `minHeld` commits held, then kills
 * it with SIGKILL (wherever it is by then: often inside a load); returns the `held` it printed last.
 */
async function killMidCommit(url: string, minHeld: number): Promise<number> {
  const script = new URL('../../test/fixtures/store/commit-child.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', script, url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<void>((res) => child.on('exit', () => res()));
  let held = 0;
  const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      const m = /^seq (\d+) held (\d+)$/.exec(line);
      if (m === null) continue;
      held = Number(m[2]);
      if (held >= minHeld) {
        child.kill('SIGKILL');
        break;
      }
    }
  } finally {
    clearTimeout(deadline);
    child.kill('SIGKILL');
    await exited;
  }
  if (held < minHeld) throw new Error(`commit child stopped before holding ${minHeld} commits (held ${held}): ${err}`);
  return held;
}
