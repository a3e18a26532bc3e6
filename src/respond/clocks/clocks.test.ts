/**
 * The legal clocks: deadlines in wall-clock hours from awareness, applied by the rules' own
 * conditions (Korea: a report at 1,000 persons or on unlawful access), and met, late, running
 * or overdue by the milestone that meets them.
 */
import { describe, expect, it } from 'vitest';
import { HOUR } from '../../model/index.js';
import { clocks, fmtSpan, type ClockFacts } from './clocks.js';
import { loadClockRules } from './rules.js';

const AWARE = Date.parse('2025-11-08T09:00:00+09:00');
const facts = (f: Partial<ClockFacts>): ClockFacts =>
  ({ affected: 10, unlawful_access: false, sensitive_data: false, high_risk: false, milestones: {}, ...f });

describe('Korean PIPA clocks (data/clocks/kr-pipa.yaml)', () => {
  it('runs both 72-hour clocks from awareness when the leak came from unlawful access', async () => {
    const rules = await loadClockRules('kr-pipa');
    const c = clocks(rules, AWARE, facts({ unlawful_access: true }), AWARE + 70 * HOUR);
    expect(c.map((x) => [x.id, x.required, x.state, x.remaining_ms, x.due_at])).toEqual([
      ['person_notice', true, 'running', 2 * HOUR, AWARE + 72 * HOUR],
      ['regulator_report', true, 'running', 2 * HOUR, AWARE + 72 * HOUR],
    ]);
    expect(c[1]!.because).toEqual(['unlawful_access: true']);
  });

  it('needs no report for under 1,000 persons without unlawful access or sensitive data, and one at 1,000', async () => {
    const rules = await loadClockRules('kr-pipa');
    expect(clocks(rules, AWARE, facts({ affected: 999 }), AWARE)[1]!.state).toBe('not_required');
    expect(clocks(rules, AWARE, facts({ affected: 1000 }), AWARE)[1]).toMatchObject({ state: 'running', because: ['affected_at_least: 1000'] });
    expect(clocks(rules, AWARE, facts({ affected: 0 }), AWARE)[0]!.state).toBe('not_required');
  });

  it('is met, late or overdue by the milestones', async () => {
    const rules = await loadClockRules('kr-pipa');
    const c = clocks(rules, AWARE, facts({ affected: 5000, milestones: { notified_at: AWARE + 71 * HOUR, reported_at: AWARE + 73 * HOUR } }), AWARE + 100 * HOUR);
    expect(c.map((x) => x.state)).toEqual(['met', 'late']);
    const o = clocks(rules, AWARE, facts({ affected: 5000 }), AWARE + 75 * HOUR);
    expect(o.map((x) => [x.state, x.remaining_ms])).toEqual([['overdue', -3 * HOUR], ['overdue', -3 * HOUR]]);
    expect(fmtSpan(-3 * HOUR - 60_000)).toBe('-3h 1m');
    expect(fmtSpan(2 * 24 * HOUR + 5 * 60_000)).toBe('2d 0h 5m');
  });

  it('says when the GDPR fixes no number of hours', async () => {
    const rules = await loadClockRules('eu-gdpr');
    const c = clocks(rules, AWARE, facts({ high_risk: true }), AWARE + 80 * HOUR);
    expect(c.map((x) => [x.id, x.state])).toEqual([['regulator_report', 'overdue'], ['person_notice', 'no_deadline']]);
  });

  it('refuses a rules file that is not one, with the place of the problem', async () => {
    await expect(loadClockRules('no-such-law')).rejects.toMatchObject({ code: 'ERR_INPUT_UNREADABLE' });
    await expect(loadClockRules('../../etc/passwd;')).rejects.toMatchObject({ code: 'ERR_INPUT_INVALID' });
  });
});
