/**
 * Every attack scenario: contract-valid output and truth that matches the events — affected
 * accounts are exactly those whose personal data a 2xx attacker response carried, and each
 * scenario's defining facts hold (forged jtis unissued, replayed ones issued, …).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRun, type RawAccess, type RunData } from './check-output.contract.js';
import { isAttackRequestId, simulate, type RequestIdKey, type ScenarioName } from './index.js';
import { INSIDER } from './reference.js';

const root = mkdtempSync(join(tmpdir(), 'bw-scn-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(scenario: ScenarioName, accounts = 500, days = 6): Promise<RunData & { attackerEvents: RawAccess[] }> {
  const out = join(root, scenario);
  const r = await simulate({ scenario, accounts, days, seed: 3, out });
  const data = readRun(out);
  const key = data.truth.request_id_key as RequestIdKey;
  const attackerEvents = data.access.filter((e) => isAttackRequestId(e.request_id, key));
  expect(data.issues).toEqual([]);
  expect(r.attackRequests).toBe(attackerEvents.length);
  expect(r.attackFirstRequest).toBe(attackerEvents[0]?.time);
  return { ...data, attackerEvents };
}

/** Shared truth checks: affected accounts and the first request time. */
function checkTruth(d: RunData & { attackerEvents: RawAccess[] }): Record<string, unknown> {
  const a = d.truth.attack;
  expect(a).not.toBeNull();
  const attack = a ?? {};
  const exposed = new Set<string>();
  for (const e of d.attackerEvents) {
    if (e.status < 300 && d.personalRoutes.has(`${e.method} ${e.route}`)) exposed.add(e.account_id ?? e.token?.sub ?? '');
  }
  expect(attack.affected_accounts).toEqual([...exposed].sort());
  expect(attack.affected_count).toBe(exposed.size);
  expect(attack.attacker_requests).toBe(d.attackerEvents.length);
  expect(attack.first_request_time).toBe(d.attackerEvents[0]?.time);
  expect(new Set(attack.attacker_ips as string[])).toEqual(new Set(d.attackerEvents.map((e) => e.src_ip)));
  expect(Date.parse(String(attack.first_request_time))).toBeGreaterThanOrEqual(Date.parse(String(attack.start)));
  return attack;
}

const issuedJtis = (d: RunData): Set<string> => new Set(d.ledger.filter((l) => l.type !== 'revoke').map((l) => l.jti));

describe('scenarios', () => {
  it('forged-token: nearly every account read with unissued sig-2019-01 tokens from a few foreign IPs', async () => {
    const d = await run('forged-token');
    const a = checkTruth(d);
    const ledger = issuedJtis(d);
    expect(d.attackerEvents.every((e) => e.token !== undefined && !ledger.has(e.token.jti) && e.token.kid === 'sig-2019-01')).toBe(true);
    expect(d.attackerEvents.every((e) => e.token !== undefined && e.token.exp - e.token.iat === 3600)).toBe(true);
    expect(new Set(d.attackerEvents.map((e) => e.token?.jti)).size).toBe(a.forged_jtis_count);
    expect(Number(a.affected_count)).toBeGreaterThan(0.85 * 500);
    const ips = a.attacker_ips as string[];
    expect(ips.length).toBeGreaterThanOrEqual(3);
    expect(ips.length).toBeLessThanOrEqual(5);
    // Benign traffic keeps using issued tokens only.
    const benignTokens = d.access.filter((e) => e.token !== undefined && !d.attackerEvents.includes(e));
    expect(benignTokens.every((e) => ledger.has(e.token?.jti ?? ''))).toBe(true);
  });

  it('forged-token-swarm: many residential addresses, each for a few accounts', async () => {
    const d = await run('forged-token-swarm');
    const a = checkTruth(d);
    const ledger = issuedJtis(d);
    expect(d.attackerEvents.every((e) => e.token !== undefined && !ledger.has(e.token.jti))).toBe(true);
    const perIp = new Map<string, Set<string>>();
    for (const e of d.attackerEvents) perIp.set(e.src_ip, (perIp.get(e.src_ip) ?? new Set()).add(e.account_id ?? ''));
    expect(perIp.size).toBeGreaterThan(200);
    expect(Math.max(...[...perIp.values()].map((s) => s.size))).toBeLessThanOrEqual(8);
    expect(a.proxies).toBeGreaterThanOrEqual(2000);
  });

  it('token-replay: replayed jtis are in the ledger but used from another device', async () => {
    const d = await run('token-replay', 1500, 8);
    const a = checkTruth(d);
    const issue = new Map(d.ledger.filter((l) => l.type !== 'revoke').map((l) => [l.jti, l]));
    const replayed = a.replayed_jtis as string[];
    expect(replayed.length).toBeGreaterThan(10);
    expect(replayed.every((j) => issue.has(j))).toBe(true);
    for (const e of d.attackerEvents) {
      const l = issue.get(e.token?.jti ?? '');
      expect(l?.sub).toBe(e.token?.sub);
      expect(l?.device_id).not.toBe(e.device_id);
      expect(Date.parse(e.time) / 1000).toBeLessThan(e.token?.exp ?? 0);
    }
    expect(Number(a.affected_count)).toBeLessThan(0.06 * 1500);
  });

  it('credential-stuffing: failed logins, then real issues to the attacker and harvesting', async () => {
    const d = await run('credential-stuffing', 1000);
    const a = checkTruth(d);
    const failed = d.attackerEvents.filter((e) => e.route === '/v1/auth/login' && e.status === 401);
    expect(failed.length).toBeGreaterThan(500);
    const ips = new Set(a.attacker_ips as string[]);
    const jtis = a.attacker_jtis as string[];
    expect(jtis.length).toBe(a.compromised_accounts);
    const issue = new Map(d.ledger.filter((l) => l.type !== 'revoke').map((l) => [l.jti, l]));
    for (const j of jtis) {
      expect(issue.get(j)?.grant).toBe('password');
      expect(ips.has(issue.get(j)?.src_ip ?? '')).toBe(true);
    }
    expect(Number(a.affected_count)).toBeGreaterThan(0);
    expect(Number(a.affected_count)).toBeLessThanOrEqual(jtis.length);
  });

  it('insider-console: a data analyst reads thousands of customers with issued console tokens', async () => {
    const d = await run('insider-console', 2000, 10);
    const a = checkTruth(d);
    const ledger = issuedJtis(d);
    const withToken = d.attackerEvents.filter((e) => e.token !== undefined);
    expect(withToken.every((e) => e.token?.sub === INSIDER && e.token.client_id === 'cs-console' && ledger.has(e.token.jti))).toBe(true);
    // The rest are the insider's own console sign-ins and refreshes.
    expect(d.attackerEvents.filter((e) => e.token === undefined).every((e) => e.route.startsWith('/v1/auth/'))).toBe(true);
    expect(Number(a.affected_count)).toBeGreaterThan(500);
    const insiderDays = new Map<string, Set<string>>();
    for (const e of withToken) insiderDays.set(e.time.slice(0, 10), (insiderDays.get(e.time.slice(0, 10)) ?? new Set()).add(e.account_id ?? ''));
    expect(Math.min(...[...insiderDays.values()].map((x) => x.size))).toBeGreaterThan(100);
    // Working hours only: 09:00–19:30 KST is 00:00–10:30 UTC.
    expect(d.attackerEvents.every((e) => Number(e.time.slice(11, 13)) <= 10)).toBe(true);
    // Benign support agents read far fewer customers per day.
    const agentDays = new Map<string, Set<string>>();
    for (const e of d.access) {
      if (e.token?.client_id !== 'cs-console' || e.token.sub === INSIDER || e.account_id === undefined) continue;
      const k = e.token.sub + e.time.slice(0, 10);
      agentDays.set(k, (agentDays.get(k) ?? new Set()).add(e.account_id));
    }
    expect(Math.max(...[...agentDays.values()].map((s) => s.size))).toBeLessThanOrEqual(60);
  });

  it('unauthenticated-enumeration: sequential profiles served without a token from rotating addresses', async () => {
    const d = await run('unauthenticated-enumeration', 1000);
    const a = checkTruth(d);
    expect(d.attackerEvents.every((e) => e.token === undefined)).toBe(true);
    const served = d.attackerEvents.filter((e) => e.status === 200);
    expect(served.every((e) => e.route === '/v1/members/{id}/profile')).toBe(true);
    const ids = served.map((e) => Number((e.account_id ?? '').slice(2)));
    expect(ids.every((x, i) => i === 0 || x === (ids[i - 1] ?? 0) + 1)).toBe(true);
    expect(new Set(served.map((e) => e.src_ip)).size).toBeGreaterThanOrEqual(10);
    expect(d.attackerEvents.filter((e) => e.status === 401)).toHaveLength(2);
    expect(a.first_exposure_time).toBe(served[0]?.time);
    // No benign request reads a personal route without a token.
    expect(d.access.filter((e) => e.token === undefined && e.status === 200 && d.personalRoutes.has(`${e.method} ${e.route}`)))
      .toHaveLength(served.length);
  });

  it('cross-account-harvest: a genuinely issued customer token reads other accounts, a few more each day', async () => {
    const d = await run('cross-account-harvest', 1000, 8);
    const a = checkTruth(d);
    const ledger = issuedJtis(d);
    const reads = d.attackerEvents.filter((e) => e.account_id !== undefined && e.token !== undefined);
    expect(reads.length).toBeGreaterThan(20);
    expect(reads.every((e) => ledger.has(e.token?.jti ?? '') && e.token?.sub === a.attacker_account && e.account_id !== e.token?.sub)).toBe(true);
    expect(reads.every((e) => e.token?.client_id === 'android')).toBe(true);
    expect(a.affected_accounts as string[]).not.toContain(a.attacker_account);
    const perDay = new Map<string, Set<string>>();
    for (const e of reads) perDay.set(e.time.slice(0, 10), (perDay.get(e.time.slice(0, 10)) ?? new Set()).add(e.account_id ?? ''));
    expect(Math.max(...[...perDay.values()].map((x) => x.size))).toBeLessThan(50);
  });

  it('honey-account-hit: valid logins from a rotating proxy pool, planted accounts among them, never read by anyone else', async () => {
    const d = await run('honey-account-hit', 2000);
    const a = checkTruth(d);
    const honey = new Set(d.truth.honey_accounts as string[]);
    expect(honey.size).toBeGreaterThanOrEqual(2);
    expect((a.honey_accounts_read as string[]).every((h) => honey.has(h))).toBe(true);
    expect((a.honey_accounts_read as string[]).length).toBeGreaterThan(0);
    const benignHoney = d.access.filter((e) => !d.attackerEvents.includes(e) && honey.has(e.account_id ?? e.token?.sub ?? ''));
    expect(benignHoney).toEqual([]);
    expect(new Set(d.attackerEvents.map((e) => e.src_ip)).size).toBe(4);
    expect(d.attackerEvents.filter((e) => e.status >= 400)).toEqual([]);
    const firstHoney = d.attackerEvents.find((e) => e.status === 200 && honey.has(e.account_id ?? ''));
    expect(a.first_honey_read_time).toBe(firstHoney?.time);
  });
});
