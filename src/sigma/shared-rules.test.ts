/**
 * Every rule in ../shared/sigma loads, or is refused with a located reason.
 */
import { describe, expect, it } from 'vitest';
import { compile } from './compile.js';
import { loadSigmaRules } from './load.js';

const SHARED = new URL('../../../shared/sigma/rules', import.meta.url).pathname;

describe('shared SigmaHQ rules', () => {
  it('loads every rule or refuses it at file:line:column with a reason', async () => {
    const { rules, refused, documents } = await loadSigmaRules([SHARED]);
    const loaded = rules.detections.length + rules.correlations.length + rules.filters.length;
    expect(loaded + refused.length).toBe(documents);
    for (const r of refused) {
      expect(r.file).toMatch(/\.ya?ml$/);
      expect(r.line).toBeGreaterThan(0);
      expect(r.column).toBeGreaterThan(0);
      expect(r.reason.length).toBeGreaterThan(5);
    }
    // Listed in the report; none is expected today.
    expect(refused.map((r) => `${r.file}:${r.line}:${r.column} ${r.reason}`)).toEqual([]);
    expect(documents).toBeGreaterThan(250);
  });

  it('compiles all of them together and evaluates a SQL-injection request against them', async () => {
    const { rules } = await loadSigmaRules([SHARED]);
    const c = compile(rules, { logsources: 'all' });
    expect(c.rules).toHaveLength(rules.detections.length);
    const ev = { time: '2025-06-24T03:00:00Z', src_ip: '203.0.113.7', method: 'GET', route: '/v1/products/{id}', path: '/v1/products/7?id=1%27%20UNION%20SELECT%20password%20FROM%20users', status: 200, user_agent: 'x' };
    const titles = c.match(ev, []).map((i) => c.rules[i]!.title);
    expect(titles).toContain('SQL Injection Strings In URI');
  });
});
