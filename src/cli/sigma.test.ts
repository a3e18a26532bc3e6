/**
 * `breachwatch sigma check` and `sigma match` end to end on small fixtures.
 */
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerSigma } from './sigma.js';

const FIX = new URL('../../test/fixtures/sigma/', import.meta.url).pathname;
const SHARED_WEB = new URL('../../../shared/sigma/rules/web', import.meta.url).pathname;

async function run(...args: string[]): Promise<{ out: string[]; err: string; code: number }> {
  const out: string[] = [];
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(...String(s).split('\n').filter(Boolean)); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err += String(s); return true; });
  const program = new Command('breachwatch').exitOverride();
  registerSigma(program);
  process.exitCode = undefined;
  let code: number;
  try {
    await program.parseAsync(['node', 'breachwatch', ...args]);
    code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (x) {
    code = (x as { code?: string }).code === 'ERR_INPUT_UNREADABLE' || (x as { code?: string }).code === 'ERR_USAGE' ? 2 : 1;
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  process.exitCode = undefined;
  return { out, err, code };
}

describe('sigma check', () => {
  beforeEach(() => { process.exitCode = undefined; });
  afterEach(() => { process.exitCode = undefined; });
  it('lists loaded rules and exits 0 when all load', async () => {
    const r = await run('sigma', 'check', SHARED_WEB);
    expect(r.code).toBe(0);
    expect(r.out.every((l) => l.startsWith('loaded  '))).toBe(true);
    expect(r.out.length).toBeGreaterThan(40);
    expect(r.err).toMatch(/loaded, 0 refused/);
  });
  it('lists refusals with file:line:column and exits 1', async () => {
    const r = await run('sigma', 'check', `${FIX}bad-rules.yml`);
    expect(r.code).toBe(1);
    expect(r.out.filter((l) => l.startsWith('refused'))).toHaveLength(3);
    expect(r.out.join('\n')).toContain(`${FIX}bad-rules.yml:19:8  ERR_SIGMA_RULE  level must be one of`);
  });
  it('an unreadable path is exit 2', async () => {
    expect((await run('sigma', 'check', `${FIX}nope`)).code).toBe(2);
  });
});

describe('sigma match', () => {
  it('prints matches and correlation firings as NDJSON; bad lines are reported, not fatal', async () => {
    const r = await run('sigma', 'match', '--rules', `${FIX}sqlmap-swarm.yml`, SHARED_WEB, `${FIX}web-events.ndjson`);
    expect(r.code).toBe(0);
    const recs = r.out.map((l) => JSON.parse(l) as Record<string, unknown>);
    const sqli = recs.filter((x) => x['rule_id'] === '5513deaf-f49a-46c2-a6c8-3f111b5cb453');
    expect(sqli.map((x) => [x['index'], x['time']])).toEqual([[0, '2025-06-24T03:00:00.000Z']]);
    expect(recs.filter((x) => x['rule_id'] === '9a1e6c3b-2f4d-4e8a-b1c7-3d5f7a9b0c01').map((x) => x['index'])).toEqual([1, 3]);
    expect(recs.find((x) => x['correlation_id'] !== undefined)).toEqual({
      correlation_id: '9a1e6c3b-2f4d-4e8a-b1c7-3d5f7a9b0c02', title: 'sqlmap reading several accounts', level: 'high',
      group: { 'c-ip': '203.0.113.7' }, window_start: '2025-06-24T03:00:01.000Z', window_end: '2025-06-24T03:00:03.000Z', value: 2,
    });
    expect(r.err).toMatch(/web-events.ndjson:3: bad JSON/);
  });
  it('reads JSON arrays, applies a field map and the declared logsource', async () => {
    const args = ['sigma', 'match', '--rules', `${FIX}windows-rule.yml`, '--field-map', `${FIX}field-map.yml`];
    const declared = await run(...args, '--logsource', 'product=windows,category=process_creation', `${FIX}events.json`);
    expect(declared.out.map((l) => (JSON.parse(l) as { index: number }).index)).toEqual([0]);
    expect((await run(...args, `${FIX}events.json`)).out).toEqual([]);
    expect((await run(...args, '--ignore-logsource', `${FIX}events.json`)).out).toHaveLength(1);
  });
  it('bad --logsource is a usage error', async () => {
    expect((await run('sigma', 'match', '--rules', `${FIX}windows-rule.yml`, '--logsource', 'os=linux', `${FIX}events.json`)).code).toBe(2);
  });
});
