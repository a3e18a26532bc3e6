/**
 * block-sources through the CLI (in process: the real commander program) on a fresh
 * simulation: the simulator's carrier NAT addresses carry the collateral warning, an
 * attacker-only source does not; the CLI holds the two-person rule (self-approval, replay,
 * double execution exit 1); the deny lists are written in the three formats with an expiry.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/index.js';
import { CARRIERS, simulate } from '../../src/sim/index.js';
import { makeWorld, type World } from './world.js';

let simDir = '';
let w: World;
beforeAll(async () => {
  simDir = await mkdtemp(join(tmpdir(), 'bw-contain-sim-'));
  await simulate({ scenario: 'forged-token', accounts: 3000, days: 2, seed: 11, out: simDir });
  w = await makeWorld(simDir);
}, 300_000);
afterAll(async () => {
  await w.close();
  await rm(simDir, { recursive: true, force: true });
});

/** Runs the CLI; returns its exit status and what it printed. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((s: unknown) => { out.push(String(s)); });
  const error = vi.spyOn(console, 'error').mockImplementation((s: unknown) => { err.push(String(s)); });
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'breachwatch', ...args]);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    process.exitCode = undefined;
  }
}

describe('block-sources', () => {
  it('flags carrier NAT addresses as shared before anyone blocks them; two admins; written once', async () => {
    const db = join(w.dir, 'bw.duckdb');
    const flags = ['--db', db, '--home', w.ctx.home, '--incident', w.incidentId];
    const nat = CARRIERS.flatMap((c) => c.nat);
    const alerts = await w.store.listAlerts({ minSeverity: 'high' });
    await w.release();
    const p = await cli('contain', 'propose', 'block-sources', ...flags, '--as', 'alice', '--source', ...nat, '--alert', ...alerts.map((a) => a.alert_id), '--expires-hours', '24');
    expect(p.code, p.err).toBe(0);
    const prop = JSON.parse(p.out) as { proposal: { action_id: string; warnings: string[]; effect: { collateral: { value: string; shared: boolean; customer_like: number | null }[] } } };
    const coll = new Map(prop.proposal.effect.collateral.map((c) => [c.value, c]));
    const natSeen = nat.filter((ip) => (coll.get(ip)?.customer_like ?? 0) > 0);
    expect(natSeen.length).toBeGreaterThan(0);
    for (const ip of natSeen) expect(coll.get(ip)?.shared, ip).toBe(true);
    for (const ip of natSeen) expect(prop.proposal.warnings.some((x) => x.includes(ip) && /carrier NAT/.test(x))).toBe(true);
    const attacker = prop.proposal.effect.collateral.filter((c) => !nat.includes(c.value));
    expect(attacker.length).toBeGreaterThan(0);
    expect(attacker.every((c) => !c.shared)).toBe(true);

    const id = prop.proposal.action_id;
    const self = await cli('contain', 'approve', id, ...flags, '--as', 'alice');
    expect(self.code).toBe(1);
    expect(self.err).toMatch(/two-person rule/);
    expect((await cli('contain', 'execute', id, ...flags, '--as', 'alice')).code).toBe(1);
    expect((await cli('contain', 'approve', id, ...flags, '--as', 'bob')).code).toBe(0);
    expect((await cli('contain', 'approve', id, ...flags, '--as', 'carol')).err).toMatch(/approved already/);
    const x = await cli('contain', 'execute', id, ...flags, '--as', 'bob');
    expect(x.code, x.err).toBe(0);
    const twice = await cli('contain', 'execute', id, ...flags, '--as', 'bob');
    expect(twice.code).toBe(1);
    expect(twice.err).toMatch(/executed already/);

    const res = (JSON.parse(x.out) as { execution: { result: { files: string[]; expires: string } } }).execution.result;
    const nginx = await readFile(res.files.find((f) => f.endsWith('deny.nginx.conf')) ?? '', 'utf8');
    for (const ip of nat) expect(nginx).toContain(`deny ${ip};`);
    expect(nginx).toMatch(/expires/);
    const waf = JSON.parse(await readFile(res.files.find((f) => f.endsWith('aws-waf-ipset-v4.json')) ?? '', 'utf8')) as { IPAddressVersion: string; Addresses: string[] };
    expect(waf.IPAddressVersion).toBe('IPV4');
    expect(waf.Addresses).toContain(`${nat[0] ?? ''}/32`);
    expect(Date.parse(res.expires) - Date.now()).toBeGreaterThan(23 * 3600_000);
    const st = await cli('contain', 'status', ...flags);
    expect((JSON.parse(st.out) as { state: string }[]).map((s) => s.state)).toEqual(['executed']);
  });
});
