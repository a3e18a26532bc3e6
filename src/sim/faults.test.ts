/**
 * The feed-fault scenarios write what their truth says: no ledger record inside the gap or
 * outside the ledger's span (while sign-ins go on), gateway B's own file in time order with a
 * clock 90 s behind the ledger, and every token still genuinely issued.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { simulate, type ScenarioName } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'bw-faults-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Line { time: string; jti?: string; route?: string; status?: number; token?: { jti: string } }
interface Faults { ledger_gaps: { from: string; to: string }[]; ledger_span: { from: string; to: string } | null; gateway_b: { file: string; clock_offset_ms: number } | null }

const read = (dir: string, name: string): Line[] => readFileSync(join(dir, name), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);

async function run(scenario: ScenarioName): Promise<{ dir: string; faults: Faults; ledger: Line[]; files: string[] }> {
  const dir = join(root, scenario);
  await simulate({ scenario, accounts: 800, days: 4, seed: 5, out: dir });
  const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as { feed_faults: Faults; attack: unknown };
  const ledger = readdirSync(join(dir, 'ledger')).sort().flatMap((f) => read(dir, `ledger/${f}`));
  return { dir, faults: truth.feed_faults, ledger, files: readdirSync(join(dir, 'access')).sort() };
}

const t = (s: string): number => Date.parse(s);

describe('feed-fault scenarios', () => {
  it('ledger-gap: no record in the gap, sign-ins go on meanwhile; benign', async () => {
    const r = await run('ledger-gap');
    const [g] = r.faults.ledger_gaps;
    expect(g).toBeDefined();
    const inGap = (x: Line): boolean => t(x.time) >= t(g?.from ?? '') && t(x.time) < t(g?.to ?? '');
    expect(r.ledger.filter(inGap)).toEqual([]);
    const day = r.files.filter((f) => f.includes(g?.from.slice(0, 10) ?? '')).flatMap((f) => read(r.dir, `access/${f}`));
    expect(day.filter((x) => inGap(x) && x.route === '/v1/auth/login' && (x.status ?? 0) < 300).length).toBeGreaterThan(5);
    expect((JSON.parse(readFileSync(join(r.dir, 'truth.json'), 'utf8')) as { attack: unknown }).attack).toBeNull();
  });

  it('archive-edges: the ledger holds records only inside its span', async () => {
    const r = await run('archive-edges');
    const span = r.faults.ledger_span;
    expect(span).not.toBeNull();
    const times = r.ledger.map((x) => t(x.time));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(t(span?.from ?? ''));
    expect(Math.max(...times)).toBeLessThan(t(span?.to ?? ''));
  });

  it('clock-skew: gateway B logs to its own file, in time order, 90 s behind the ledger', async () => {
    const r = await run('clock-skew');
    expect(r.files).toContain('gateway-b.ndjson');
    const b = read(r.dir, 'access/gateway-b.ndjson');
    expect(b.length).toBeGreaterThan(1000);
    for (let i = 1; i < b.length; i++) expect(t(b[i]?.time ?? '') >= t(b[i - 1]?.time ?? '')).toBe(true);
    const issued = new Map(r.ledger.filter((x) => x.jti !== undefined).map((x) => [x.jti, t(x.time)]));
    const firstUse = new Map<string, number>();
    for (const x of b) if (x.token !== undefined && !firstUse.has(x.token.jti)) firstUse.set(x.token.jti, t(x.time));
    const deltas = [...firstUse].filter(([j]) => issued.has(j)).map(([j, u]) => u - (issued.get(j) as number)).sort((x, y) => x - y);
    expect(deltas.length).toBeGreaterThan(100);
    const median = deltas[Math.floor(deltas.length / 2)] as number;
    // first use about a second after issuance, on a clock 90 s behind
    expect(median).toBeGreaterThan(-90_000);
    expect(median).toBeLessThan(-86_000);
    expect(r.faults.gateway_b?.clock_offset_ms).toBe(-90_000);
  });
});
