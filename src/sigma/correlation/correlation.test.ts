/**
 * Spec clause: correlation rules — each type, window edges (the window is (T − timespan, T]),
 * group-by on several fields, aliases, generate, correlations of correlations, ranges, late and
 * out-of-order events, and state freed once a group's window has passed.
 */
import { describe, expect, it } from 'vitest';
import { rulesFrom, runTimed } from '../../../test/fixtures/sigma/helpers.js';

const S = 1000;
const login = `title: Failed login
id: failed-login
name: failed_login
logsource: {category: webserver}
detection:
  s: {c-uri|startswith: /v1/auth/login, sc-status: 401}
  condition: s
`;
const corr = (body: string, extra = '') => `${login}---
title: C
id: corr-1
${extra}correlation:
${body.trim().split('\n').map((l) => `  ${l}`).join('\n')}
`;
const fail = (t: number, ip = '203.0.113.7', more: Record<string, unknown> = {}) => ({ t, route: '/v1/auth/login', status: 401, src_ip: ip, ...more });

describe('event_count', () => {
  const y = corr('type: event_count\nrules: [failed_login]\ngroup-by: [c-ip]\ntimespan: 10s\ncondition: {gte: 3}');
  it('fires when the 3rd event of a group falls inside the window, once per episode', () => {
    const { firings } = runTimed(y, [fail(0), fail(4 * S), fail(9 * S), fail(9.5 * S)]);
    expect(firings.map((f) => [f.group, f.windowStart, f.windowEnd, f.value])).toEqual([[{ 'c-ip': '203.0.113.7' }, 0, 9 * S, 3]]);
  });
  it('an event exactly timespan older is outside the window', () => {
    expect(runTimed(y, [fail(0), fail(5 * S), fail(10 * S)]).firings).toEqual([]);
    expect(runTimed(y, [fail(1), fail(5 * S), fail(10 * S)]).firings).toHaveLength(1);
  });
  it('windows slide (no fixed buckets): events straddling a 10s boundary still count', () => {
    expect(runTimed(y, [fail(8 * S), fail(11 * S), fail(12 * S)]).firings).toHaveLength(1);
  });
  it('groups are separate', () => {
    expect(runTimed(y, [fail(0, 'a'), fail(1, 'b'), fail(2, 'a'), fail(3, 'b')]).firings).toEqual([]);
  });
  it('re-arms after the condition stopped holding', () => {
    const { firings } = runTimed(y, [fail(0), fail(1 * S), fail(2 * S), fail(30 * S), fail(31 * S), fail(32 * S)]);
    expect(firings.map((f) => f.windowEnd)).toEqual([2 * S, 32 * S]);
  });
  it('out-of-order events inside the window count; events older than the window are dropped', () => {
    const a = runTimed(y, [fail(9 * S), fail(2 * S), fail(5 * S)]);
    expect(a.firings.map((f) => [f.windowStart, f.windowEnd])).toEqual([[2 * S, 9 * S]]);
    const b = runTimed(y, [fail(20 * S), fail(5 * S), fail(6 * S), fail(21 * S)]);
    expect(b.firings).toEqual([]);
    expect(b.engine.correlations[0]?.lateDropped).toBe(2);
  });
  it('ranges: gte and lt together', () => {
    const r = corr('type: event_count\nrules: [failed_login]\ngroup-by: [c-ip]\ntimespan: 10s\ncondition: {gte: 2, lt: 3}');
    expect(runTimed(r, [fail(0), fail(1), fail(2)]).firings.map((f) => f.value)).toEqual([2]);
  });
});

describe('value_count', () => {
  const y = corr('type: value_count\nrules: [failed_login]\ngroup-by: [c-ip]\ntimespan: 1m\ncondition: {field: account_id, gt: 2}');
  it('counts distinct values in the window', () => {
    const evs = [fail(0, 'x', { account_id: 'a' }), fail(S, 'x', { account_id: 'a' }), fail(2 * S, 'x', { account_id: 'b' }), fail(3 * S, 'x', { account_id: 'c' })];
    const { firings } = runTimed(y, evs);
    expect(firings.map((f) => [f.value, f.windowStart, f.windowEnd])).toEqual([[3, S, 3 * S]]); // start: the shortest window ending at T holding every counted value
  });
  it('a value seen again refreshes its time; values that left the window no longer count', () => {
    const evs = [fail(0, 'x', { account_id: 'a' }), fail(30 * S, 'x', { account_id: 'b' }), fail(60 * S, 'x', { account_id: 'c' }), fail(61 * S, 'x', { account_id: 'd' })];
    expect(runTimed(y, evs).firings.map((f) => [f.value, f.windowStart])).toEqual([[3, 30 * S]]);
  });
  it('a late value inside the window is counted exactly', () => {
    const evs = [fail(50 * S, 'x', { account_id: 'a' }), fail(55 * S, 'x', { account_id: 'b' }), fail(20 * S, 'x', { account_id: 'c' })];
    expect(runTimed(y, evs).firings.map((f) => [f.value, f.windowStart])).toEqual([[3, 20 * S]]);
  });
});

describe('temporal and temporal_ordered, aliases, group-by on several fields', () => {
  const two = `${login}---
title: Admin read
id: admin-read
logsource: {category: webserver}
detection:
  s: {c-uri|startswith: /admin}
  condition: s
`;
  const evA = (t: number, ip: string, ua = 'u') => fail(t, ip, { user_agent: ua });
  const evB = (t: number, ip: string, ua = 'u') => ({ t, route: '/admin/x', status: 200, client: ip, user_agent: ua });
  const c = (type: string) => `${two}---
title: Login then admin
id: seq
correlation:
  type: ${type}
  rules: [failed_login, admin-read]
  group-by: [ip, cs-user-agent]
  aliases:
    ip:
      failed_login: c-ip
      admin-read: client
  timespan: 10s
`;
  it('temporal: all rules within the window, in any order; group-by uses aliases and several fields', () => {
    const { firings } = runTimed(c('temporal'), [evB(0, '1.1.1.1'), evA(5 * S, '1.1.1.1')]);
    expect(firings.map((f) => [f.group, f.value])).toEqual([[{ ip: '1.1.1.1', 'cs-user-agent': 'u' }, 2]]);
    expect(runTimed(c('temporal'), [evB(0, '1.1.1.1', 'u1'), evA(5 * S, '1.1.1.1', 'u2')]).firings).toEqual([]);
    expect(runTimed(c('temporal'), [evB(0, '1.1.1.1'), evA(10 * S, '1.1.1.1')]).firings).toEqual([]);
  });
  it('temporal_ordered: only in the listed order', () => {
    expect(runTimed(c('temporal_ordered'), [evB(0, '1.1.1.1'), evA(5 * S, '1.1.1.1')]).firings).toEqual([]);
    const ok = runTimed(c('temporal_ordered'), [evA(0, '1.1.1.1'), evB(9 * S, '1.1.1.1')]).firings;
    expect(ok.map((f) => [f.windowStart, f.windowEnd])).toEqual([[0, 9 * S]]);
    expect(runTimed(c('temporal_ordered'), [evA(0, '1.1.1.1'), evB(10 * S, '1.1.1.1')]).firings).toEqual([]);
  });
});

describe('value_sum, value_avg, value_percentile', () => {
  const big = (t: number, bytes: number) => fail(t, 'x', { bytes });
  it('value_sum over the window', () => {
    const y = corr('type: value_sum\nrules: [failed_login]\ngroup-by: [c-ip]\ntimespan: 10s\ncondition: {field: sc-bytes, gte: 100}');
    expect(runTimed(y, [big(0, 60), big(10 * S, 50), big(11 * S, 50)]).firings.map((f) => [f.value, f.windowStart])).toEqual([[100, 10 * S]]);
  });
  it('value_avg over the window', () => {
    const y = corr('type: value_avg\nrules: [failed_login]\ngroup-by: [c-ip]\ntimespan: 10s\ncondition: {field: sc-bytes, gt: 10}');
    expect(runTimed(y, [big(0, 10), big(S, 10), big(2 * S, 13)]).firings.map((f) => f.value)).toEqual([11]);
  });
  it('value_percentile (nearest rank)', () => {
    const y = corr('type: value_percentile\nrules: [failed_login]\ngroup-by: [c-ip]\ntimespan: 10s\ncondition: {field: sc-bytes, percentile: 50, gte: 5}');
    expect(runTimed(y, [big(0, 1), big(1, 9), big(2, 5)]).firings.map((f) => f.value)).toEqual([5]);
  });
});

describe('generate, correlations of correlations, state', () => {
  it('referenced rules stay silent unless generate: true', () => {
    const base = 'type: event_count\nrules: [failed_login]\ngroup-by: [c-ip]\ntimespan: 10s\ncondition: {gte: 2}';
    expect(runTimed(corr(base), [fail(0), fail(1)]).matches).toEqual([]);
    expect(runTimed(corr(`${base}\ngenerate: true`), [fail(0), fail(1)]).matches).toEqual(['Failed login', 'Failed login']);
  });
  it('a correlation can count another correlation\'s firings', () => {
    const y = `${corr('type: event_count\nrules: [failed_login]\ngroup-by: [c-ip]\ntimespan: 10s\ncondition: {gte: 2}')}---
title: Many bursts
id: corr-2
correlation:
  type: value_count
  rules: [corr-1]
  timespan: 1h
  condition: {field: c-ip, gte: 2}
`;
    const { firings } = runTimed(y, [fail(0, 'a'), fail(1, 'a'), fail(2, 'b'), fail(3, 'b')]);
    expect(firings.map((f) => f.rule.id)).toEqual(['corr-2']);
    expect(firings[0]?.value).toBe(2);
  });
  it('unknown references and cycles are refused with a position', () => {
    const bad = rulesFrom(corr('type: event_count\nrules: [nope]\ntimespan: 10s\ncondition: {gte: 2}'));
    expect(bad.refused[0]).toMatchObject({ line: 13, column: 11 });
    const cyc = `title: A\nid: a\ncorrelation: {type: event_count, rules: [b], timespan: 1m, condition: {gte: 1}}\n---\ntitle: B\nid: b\ncorrelation: {type: event_count, rules: [a], timespan: 1m, condition: {gte: 1}}\n`;
    expect(rulesFrom(cyc).refused.map((r) => r.reason)).toEqual(['correlation references form a cycle', 'correlation references form a cycle']);
  });
  it('bad correlation sections are refused with a reason', () => {
    expect(rulesFrom(corr('type: event_count\nrules: [failed_login]\ntimespan: 10x\ncondition: {gte: 2}')).refused[0]?.reason).toMatch(/timespan/);
    expect(rulesFrom(corr('type: value_count\nrules: [failed_login]\ntimespan: 10s\ncondition: {gte: 2}')).refused[0]?.reason).toMatch(/condition.field/);
    expect(rulesFrom(corr('type: weird\nrules: [failed_login]\ntimespan: 10s\ncondition: {gte: 2}')).refused[0]?.code).toBe('ERR_SIGMA_UNSUPPORTED');
  });
  it('frees a group once its window has passed, and snapshot/restore continues identically', () => {
    const y = corr('type: event_count\nrules: [failed_login]\ngroup-by: [c-ip]\ntimespan: 10s\ncondition: {gte: 3}');
    const { engine } = runTimed(y, [fail(0, 'a'), fail(1, 'b'), fail(2, 'c')]);
    expect(engine.liveGroups()).toBe(3);
    engine.advance(11 * S);
    expect(engine.liveGroups()).toBe(0);

    const evs = [fail(0), fail(S), fail(2 * S), fail(30 * S), fail(31 * S), fail(32 * S)];
    const whole = runTimed(y, evs).firings.map((f) => f.windowEnd);
    const first = runTimed(y, evs.slice(0, 4));
    const snap = JSON.parse(JSON.stringify(first.engine.snapshot())) as unknown;
    const second = runTimed(y, []);
    second.engine.restore(snap);
    const rest: number[] = [];
    for (const e of evs.slice(4)) second.engine.process(e, e.t, { onFiring: (f) => rest.push(f.windowEnd) });
    expect([...first.firings.map((f) => f.windowEnd), ...rest]).toEqual(whole);
  });
});
