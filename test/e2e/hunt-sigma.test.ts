/**
 * `breachwatch hunt --sigma RULES...` through the real binary: a Sigma rule's matches become
 * alerts (`detector: "sigma:<rule id>"`, severity from `level`, detected_at = event time of the
 * first match), next to the built-in detectors; a refused rule stops hunt with exit 2 and the
 * rule's file:line:column and reason on stderr. Fixture: test/fixtures/sigma/hunt/README.md.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/model/index.js';
import { ROOT, runCli } from './run-cli.js';

const FIX = join(ROOT, 'test', 'fixtures', 'sigma', 'hunt');
const RULE_ID = '4f1c2d3e-0000-4a5b-8c9d-000000000001';
let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'bw-hunt-sigma-')); });
afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

const huntArgs = (rules: string[], tag: string): string[] => [
  'hunt', '--access', join(FIX, 'access.ndjson'), '--ledger', join(FIX, 'ledger.ndjson'), '--catalog', join(FIX, 'catalog.yaml'),
  '--db', join(dir, `${tag}.duckdb`), '--alerts', join(dir, `${tag}-alerts.ndjson`), '--sigma', ...rules,
];

describe('breachwatch hunt --sigma', () => {
  it('turns Sigma matches into sigma:<id> alerts with the rule level and the first match as detected_at', async () => {
    const r = await runCli(huntArgs([join(FIX, 'sqli-union.yml')], 'ok'));
    expect(r.stderr).not.toMatch(/refused/);
    expect(r.code).toBe(0);
    const alerts = (await readFile(join(dir, 'ok-alerts.ndjson'), 'utf8')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Alert);
    const sigma = alerts.filter((a) => a.detector.startsWith('sigma'));
    expect(sigma).toHaveLength(1);
    expect(sigma[0]).toMatchObject({
      detector: `sigma:${RULE_ID}`, severity: 'high', title: 'SQL injection UNION SELECT in the query string',
      entity: { type: 'ip', id: '198.51.100.23' }, detected_at: '2025-06-24T03:12:41.500Z',
      first_seen: '2025-06-24T03:12:41.500Z', last_seen: '2025-06-24T03:12:44.250Z', events: 2,
    });
    expect(sigma[0]?.evidence).toContain('r-h2');
    // "union station selection" (192.0.2.50) is not an injection.
    expect(alerts.some((a) => a.entity.id === '192.0.2.50')).toBe(false);
  });

  it('exits 2 when a rule is refused, naming its file:line:column and the reason', async () => {
    const bad = join(FIX, 'refused.yml');
    const r = await runCli(huntArgs([join(FIX, 'sqli-union.yml'), bad], 'bad'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:8:`);
    expect(r.stderr).toMatch(/refused.yml:8:\d+: .*unknown modifier "containz"/);
  });
});
