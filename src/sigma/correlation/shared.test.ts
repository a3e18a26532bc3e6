/**
 * Correlation state management: windows shared by correlations that aggregate the same thing
 * (each with its own condition and firing edge), group-key slots shared across correlations,
 * the lazy expiry wheel (a group is freed within 1/16 of the timespan after its window passed,
 * slots are re-used under a new generation), and results independent of all that sharing.
 */
import { describe, expect, it } from 'vitest';
import { rulesFrom, runTimed } from '../../../test/fixtures/sigma/helpers.js';
import { SigmaEngine } from '../engine.js';
import type { CorrelationFiring } from './engine.js';

const S = 1000;
const base = `title: Read
name: read
logsource: {category: webserver}
detection: {s: {c-uri|startswith: /v1/}, condition: s}
`;
const vc = (id: string, gt: number, span = '1m', by = 'c-ip') =>
  `---\ntitle: ${id}\nid: ${id}\ncorrelation: {type: value_count, rules: [read], group-by: [${by}], timespan: ${span}, condition: {field: account_id, gt: ${gt}}}\n`;
const ev = (t: number, ip: string, acct: string) => ({ t, route: '/v1/x', src_ip: ip, user_agent: 'u', account_id: acct, status: 200 });
const show = (fs: CorrelationFiring[]) => fs.map((f) => [f.rule.id, f.group['c-ip'] ?? f.group['cs-user-agent'], f.windowStart, f.windowEnd, f.value]);

describe('shared windows', () => {
  it('correlations differing only in condition share one window and fire independently, in rule order', () => {
    const { firings, engine } = runTimed(base + vc('hi', 2) + vc('lo', 1), [ev(0, 'a', 'x'), ev(S, 'a', 'y'), ev(2 * S, 'a', 'z')]);
    expect(show(firings)).toEqual([['lo', 'a', 0, S, 2], ['hi', 'a', 0, 2 * S, 3]]);
    expect(engine.liveGroups()).toBe(1); // one physical group serves both
  });
  it('a different timespan or group-by gets its own window', () => {
    const { engine } = runTimed(base + vc('a', 5) + vc('b', 5, '2m') + vc('c', 5, '1m', 'cs-user-agent'), [ev(0, 'a', 'x')]);
    expect(engine.liveGroups()).toBe(3);
  });
});

describe('expiry', () => {
  it('frees a group within 1/16 of the timespan after its window passed, and re-creates it fresh', () => {
    const { engine } = runTimed(base + vc('v', 1), [ev(0, 'a', 'x'), ev(10 * S, 'b', 'x')]);
    expect(engine.liveGroups()).toBe(2);
    engine.advance(60 * S + 3.75 * S); // 'a' (last 0) passed at 60 s; its bucket [0, 3.75 s) is done at 63.75 s
    expect(engine.liveGroups()).toBe(1);
    engine.advance(70 * S + 3.75 * S);
    expect(engine.liveGroups()).toBe(0);
    const fired: CorrelationFiring[] = [];
    for (const e of [ev(80 * S, 'a', 'p'), ev(81 * S, 'a', 'q')]) engine.process(e, e.t, { onFiring: (f) => fired.push(f) });
    expect(show(fired)).toEqual([['v', 'a', 80 * S, 81 * S, 2]]);
  });
  it('an occurrence without an event time (NaN) is not placed in any window', () => {
    const { rules } = rulesFrom(base + vc('v', 0));
    const eng = new SigmaEngine(rules, { logsources: 'all' });
    const fired: CorrelationFiring[] = [];
    eng.process(ev(0, 'a', 'x'), Number.NaN, { onFiring: (f) => fired.push(f) });
    expect([eng.liveGroups(), fired.length]).toEqual([0, 0]);
  });
  it('memory follows the live groups under churn (one new source per event)', () => {
    const { rules } = rulesFrom(base + vc('v', 3));
    const eng = new SigmaEngine(rules, { logsources: 'all' });
    let peak = 0;
    for (let i = 0; i < 20_000; i++) {
      eng.process(ev(i * 100, `10.0.${i >> 8 & 255}.${i & 255}`, 'x'), i * 100, {});
      peak = Math.max(peak, eng.liveGroups());
    }
    // 1 min window at 10 events/s: 600 live groups, plus at most one 1/16 bucket not yet freed.
    expect(peak).toBeLessThanOrEqual(600 + 38 + 1);
    expect(peak).toBeGreaterThanOrEqual(600);
  });
});

describe('results do not depend on sharing or freeing', () => {
  it('matches separate engines per correlation on random traffic, snapshot/restore included', () => {
    let s = 7;
    const r = (n: number) => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s % n; };
    const events = Array.from({ length: 3000 }, (_, i) => ev(i * 700 + r(600), `ip${r(40)}`, `m${r(25)}`));
    const rules = [vc('a', 2), vc('b', 4), vc('c', 3, '30s'), vc('d', 6, '2m'), vc('e', 2, '1m', 'cs-user-agent')];
    const run = (yaml: string, list = events) => runTimed(base + yaml, list).firings;
    const together = show(run(rules.join('')));
    const alone = rules.flatMap((y) => show(run(y)));
    const key = (x: unknown[]) => `${String(x[3]).padStart(12, '0')} ${String(x[0])} ${String(x[1])}`;
    expect(together.length).toBeGreaterThan(20);
    expect([...together].sort((x, y) => key(x).localeCompare(key(y)))).toEqual([...alone].sort((x, y) => key(x).localeCompare(key(y))));

    const half = runTimed(base + rules.join(''), events.slice(0, 1500));
    const snap = JSON.parse(JSON.stringify(half.engine.snapshot())) as unknown;
    const rest = runTimed(base + rules.join(''), []);
    rest.engine.restore(snap);
    const more: CorrelationFiring[] = [];
    for (const e of events.slice(1500)) rest.engine.process(e, e.t, { onFiring: (f) => more.push(f) });
    expect([...show(half.firings), ...show(more)]).toEqual(together);
  });
});
