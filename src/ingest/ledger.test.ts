// Tests for ledger-line parsing (contract input 2).
import { describe, expect, it } from 'vitest';
import { parseLedgerLine } from './ledger.js';

const ref = { file: 'l.ndjson', line: 1 };
const issue = { time: '2025-06-24T03:10:02.004Z', jti: 't-1', kid: 'sig-2019-01', sub: 'm-1', exp: 1719202365 };
const codes = (o: Record<string, unknown>): string[] => {
  const r = parseLedgerLine(JSON.stringify(o), ref);
  return r.ok ? [] : r.issues.map((i) => `${i.code}@${i.path ?? ''}`);
};

describe('parseLedgerLine', () => {
  it('parses an issue record; type defaults to issue', () => {
    const r = parseLedgerLine(JSON.stringify({ ...issue, client_id: 'ios', grant: 'password', src_ip: '1.2.3.4', device_id: 'd', x: 1 }), ref);
    expect(r).toEqual({ ok: true, value: {
      kind: 'ledger', t: Date.UTC(2025, 5, 24, 3, 10, 2, 4), type: 'issue', jti: 't-1', kid: 'sig-2019-01', sub: 'm-1',
      exp: 1719202365, client_id: 'ios', grant: 'password', src_ip: '1.2.3.4', device_id: 'd', ref,
    } });
  });

  it('accepts a revoke with only time and jti', () => {
    const r = parseLedgerLine('{"time":"2025-06-24T05:00:00.000Z","type":"revoke","jti":"t-1"}', ref);
    expect(r.ok && r.value).toEqual({ kind: 'ledger', t: Date.UTC(2025, 5, 24, 5), type: 'revoke', jti: 't-1', ref });
  });

  it('requires kid, sub and exp for issue records', () => {
    expect(codes({ time: issue.time, jti: 't' })).toEqual(['missing_field@kid', 'missing_field@sub', 'missing_field@exp']);
    expect(codes({ ...issue, exp: '1719202365' })).toEqual(['bad_type@exp']);
    expect(codes({ ...issue, type: 'rotate' })).toEqual(['bad_value@type']);
    expect(codes({ ...issue, exp: 1e300 })).toEqual(['out_of_range@exp']);
    expect(codes({ ...issue, time: '2025-02-30T00:00:00Z' })).toEqual(['bad_time@time']);
    expect(codes({ ...issue, time: 'now' })).toEqual(['bad_time@time']);
    expect(parseLedgerLine('nope', ref)).toMatchObject({ ok: false, issues: [{ code: 'bad_json' }] });
  });
});
