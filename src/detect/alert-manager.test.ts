/** Alert manager: stable ids, folding rules, evidence cap, indicators, drains, suppression. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Alert, Finding } from '../model/index.js';
import { AlertManager } from './alert-manager.js';
import { alertId } from './alert-id.js';

const f = (o: Partial<Finding>): Finding => ({
  detector: 'unissued-token', severity: 'high', title: 't', entity: { type: 'key', id: 'k1' },
  first_seen: 1000, last_seen: 2000, at: 2000, events: 1, accounts: 1, ...o,
});

describe('AlertManager', () => {
  it('alert id = bw- + 20 hex of sha256(detector\\ntype\\nid)', () => {
    const want = createHash('sha256').update('unissued-token\nkey\nk1').digest('hex').slice(0, 20);
    expect(alertId('unissued-token', { type: 'key', id: 'k1' })).toBe(`bw-${want}`);
  });

  it('folds findings for the same entity: max severity, widened window, fixed detected_at, latest totals', () => {
    const m = new AlertManager();
    m.add(f({ evidence: ['r1', 'r2'] }));
    m.add(f({ severity: 'critical', first_seen: 500, last_seen: 9000, at: 9000, events: 7, accounts: 3, evidence: ['r2', 'r3'], details: { n: 2 } }));
    m.add(f({ severity: 'medium', events: 5, at: 10_000 }));
    const [a, ...rest] = m.alerts();
    expect(rest).toEqual([]);
    expect(a).toMatchObject({
      severity: 'critical', events: 7, accounts: 3, evidence: ['r1', 'r2', 'r3'], details: { n: 2 },
      first_seen: new Date(500).toISOString(), last_seen: new Date(9000).toISOString(), detected_at: new Date(2000).toISOString(),
    });
  });

  it('keeps the title and the counts from one finding, so the title\'s numbers are the alert\'s', () => {
    const m = new AlertManager();
    const said = (events: number, accounts: number, severity: Finding['severity'] = 'high'): Finding =>
      f({ severity, events, accounts, title: `read ${accounts} accounts in ${events} requests` });
    const agrees = (): void => {
      const a = m.alerts()[0]!;
      expect(a.title).toBe(`read ${a.accounts} accounts in ${a.events} requests`);
    };
    m.add(said(10, 4, 'critical'));
    agrees();
    m.add(said(30, 12, 'medium')); // lower severity, larger totals: the totals (and their title) move
    agrees();
    expect(m.alerts()[0]).toMatchObject({ severity: 'critical', events: 30, accounts: 12 });
    m.add(said(20, 15)); // more accounts, fewer requests: not a later state of what is shown
    agrees();
    expect(m.alerts()[0]).toMatchObject({ events: 30, accounts: 12 });
  });

  it('caps evidence at 20 distinct request ids (the first ones)', () => {
    const m = new AlertManager();
    m.add(f({ evidence: Array.from({ length: 30 }, (_, i) => `r${i}`) }));
    expect(m.alerts()[0]?.evidence).toHaveLength(20);
    expect(m.alerts()[0]?.evidence[19]).toBe('r19');
  });

  it('drains changed alerts and new or widened indicators once', () => {
    const m = new AlertManager();
    m.add(f({ indicators: [{ type: 'token', value: 'j1', first_seen: 1, last_seen: 2 }] }));
    expect(m.drainChanged()).toHaveLength(1);
    expect(m.drainChanged()).toHaveLength(0);
    expect(m.drainIndicators()).toEqual([{ alert_id: alertId('unissued-token', { type: 'key', id: 'k1' }), type: 'token', value: 'j1', first_seen: 1, last_seen: 2 }]);
    m.add(f({ indicators: [{ type: 'token', value: 'j1', first_seen: 1, last_seen: 2 }] }));
    expect(m.drainIndicators()).toEqual([]);
    m.add(f({ indicators: [{ type: 'token', value: 'j1', first_seen: 1, last_seen: 5 }] }));
    expect(m.drainIndicators()[0]?.last_seen).toBe(5);
  });

  it('without retained indicators, drained ones are forgotten and a later widening is drained again', () => {
    const m = new AlertManager([], undefined, false);
    m.add(f({ indicators: [{ type: 'token', value: 'j1', first_seen: 1, last_seen: 2 }] }));
    expect(m.drainIndicators()).toHaveLength(1);
    expect(m.indicators()).toEqual([]);
    m.add(f({ indicators: [{ type: 'token', value: 'j1', first_seen: 3, last_seen: 4 }] }));
    expect(m.drainIndicators().map((i) => [i.first_seen, i.last_seen])).toEqual([[3, 4]]);
  });

  it('suppressions drop matching findings only', () => {
    const m = new AlertManager([{ detector: 'unissued-token', entity_id: 'k1' }, {}]);
    m.add(f({}));
    m.add(f({ entity: { type: 'key', id: 'k2' } }));
    expect(m.alerts().map((a) => a.entity.id)).toEqual(['k2']);
  });

  it('sorts by detected_at then id, notifies on creation and escalation, and round-trips a snapshot', () => {
    const seen: Alert[] = [];
    const m = new AlertManager([], (a) => seen.push(a));
    m.add(f({ entity: { type: 'key', id: 'b' }, at: 5 }));
    m.add(f({ entity: { type: 'key', id: 'a' }, at: 9 }));
    m.add(f({ entity: { type: 'key', id: 'a' }, at: 9, severity: 'critical' }));
    m.add(f({ entity: { type: 'key', id: 'a' }, at: 9, severity: 'low' }));
    expect(m.alerts().map((a) => a.entity.id)).toEqual(['b', 'a']);
    expect(seen.map((a) => `${a.entity.id}:${a.severity}`)).toEqual(['b:high', 'a:high', 'a:critical']);
    const r = new AlertManager();
    r.restore(JSON.parse(JSON.stringify(m.snapshot())) as ReturnType<AlertManager['snapshot']>);
    expect(r.alerts()).toEqual(m.alerts());
  });
});
