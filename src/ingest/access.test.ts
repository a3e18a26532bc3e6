// Tests for access-line parsing (contract input 1): fields, defaults, path resolution, issues.
import { describe, expect, it } from 'vitest';
import type { AccessEvent, ParseResult } from '../model/index.js';
import { parseAccessLine } from './access.js';
import { Catalog } from './catalog.js';

const ref = { file: 'a.ndjson', line: 7 };
const catalog = new Catalog([{ method: 'GET', route: '/v1/members/{id}/addresses', fields: ['address'], kind: 'personal' }]);
const base = { time: '2025-06-24T03:12:45.123Z', src_ip: '203.0.113.7', method: 'GET', route: '/v1/orders', status: 200 };
const token = { jti: 't-1', kid: 'sig-2019-01', sub: 'm-1', iat: 1719198765, exp: 1719202365 };

function ok(r: ParseResult<AccessEvent>): AccessEvent {
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}
function codes(line: Record<string, unknown> | string): string[] {
  const r = parseAccessLine(typeof line === 'string' ? line : JSON.stringify(line), ref, { catalog });
  return r.ok ? [] : r.issues.map((i) => `${i.code}@${i.path ?? ''}`);
}

describe('parseAccessLine', () => {
  it('quarantines a lone UTF-16 surrogate anywhere in the line (stores refuse it), and keeps a paired one', () => {
    const line = (ua: string, jti = 't-1'): string => JSON.stringify(base).replace(/}$/, `,"user_agent":"${ua}","token":{"jti":"${jti}","kid":"k","sub":"m-1","iat":1,"exp":2}}`);
    expect(codes(line('\\ud800'))).toEqual(['lone_surrogate@$.user_agent']);
    expect(codes(line('x\\uDFFFy'))).toEqual(['lone_surrogate@$.user_agent']);
    expect(codes(line('ok', 'j-\\udbff'))).toEqual(['lone_surrogate@$.token.jti']);
    expect(ok(parseAccessLine(line('\\ud83d\\ude00'), ref)).user_agent).toBe('\u{1F600}');
  });

  it('parses the contract example, keeping the line as raw', () => {
    const text = JSON.stringify({ ...base, request_id: 'r-1', user_agent: 'UA', device_id: 'd-1', session_id: 's-1', bytes: 10, records: 3, country: 'KR', asn: 4766, token: { ...token, client_id: 'ios' }, unknown: { x: 1 } });
    const e = ok(parseAccessLine(text, ref));
    expect(e).toEqual({
      kind: 'access', t: Date.UTC(2025, 5, 24, 3, 12, 45, 123), src_ip: '203.0.113.7', method: 'GET', route: '/v1/orders',
      status: 200, token: { ...token, client_id: 'ios' }, account_id: 'm-1', request_id: 'r-1', user_agent: 'UA',
      device_id: 'd-1', session_id: 's-1', bytes: 10, records: 3, country: 'KR', asn: '4766', ref, raw: text,
    });
  });

  it('keeps an explicit account_id over token.sub, and an anonymous request has none', () => {
    expect(ok(parseAccessLine(JSON.stringify({ ...base, account_id: 'm-9', token }), ref)).account_id).toBe('m-9');
    const anon = ok(parseAccessLine(JSON.stringify({ ...base, token: null }), ref));
    expect(anon).not.toHaveProperty('account_id');
    expect(anon).not.toHaveProperty('token');
  });

  it('resolves a path-only event through the catalog, keeping path and no raw', () => {
    const e = ok(parseAccessLine(JSON.stringify({ ...base, route: undefined, path: '/v1/members/m-1/addresses?x=1' }), ref, { catalog }));
    expect(e.route).toBe('/v1/members/{id}/addresses');
    expect(e.path).toBe('/v1/members/m-1/addresses?x=1');
    expect(e.raw).toBeUndefined();
  });

  it('keeps path next to a given route (Sigma URI fields read it), and the line stays raw', () => {
    const line = JSON.stringify({ ...base, path: '/v1/orders?page=2' });
    const e = ok(parseAccessLine(line, ref, { catalog }));
    expect(e.route).toBe('/v1/orders');
    expect(e.path).toBe('/v1/orders?page=2');
    expect(e.raw).toBe(line);
  });

  it('upper-cases the method (then raw is not exact)', () => {
    const e = ok(parseAccessLine(JSON.stringify({ ...base, method: 'get' }), ref));
    expect(e.method).toBe('GET');
    expect(e.raw).toBeUndefined();
  });

  it('reports each kind of bad input with a code and path', () => {
    expect(codes('{"time": ')).toEqual(['bad_json@$']);
    expect(codes('[1,2]')).toEqual(['not_object@$']);
    expect(codes('"x"')).toEqual(['not_object@$']);
    expect(codes({ ...base, src_ip: undefined })).toEqual(['missing_field@src_ip']);
    expect(codes({ ...base, status: '200' })).toEqual(['bad_type@status']);
    expect(codes({ ...base, status: 200.5 })).toEqual(['out_of_range@status']);
    expect(codes({ ...base, time: '24/06/2025 03:00' })).toEqual(['bad_time@time']);
    expect(codes({ ...base, time: 1719198765 })).toEqual(['bad_type@time']);
    expect(codes({ ...base, route: undefined })).toEqual(['missing_field@route']);
    expect(codes({ ...base, route: undefined, path: '/v2/nothing' })).toEqual(['unknown_route@path']);
    expect(codes({ ...base, token: { ...token, iat: 'x', sub: undefined } })).toEqual(['missing_field@token.sub', 'bad_type@token.iat']);
    expect(codes({ ...base, token: 'abc' })).toEqual(['bad_type@token']);
    expect(codes({ ...base, jwt: 'not-a-jwt' })).toEqual(['bad_jwt@jwt']);
    expect(codes({ ...base, bytes: -1, user_agent: 5, asn: true })).toEqual(['out_of_range@bytes', 'bad_type@asn', 'bad_type@user_agent']);
  });

  it('quarantines every number outside what its store column and its meaning allow', () => {
    // Each of these once passed the parser and then failed every load of the store.
    expect(codes({ ...base, status: 3_000_000_000 })).toEqual(['out_of_range@status']);
    expect(codes({ ...base, status: 99 })).toEqual(['out_of_range@status']);
    expect(codes({ ...base, status: 600 })).toEqual(['out_of_range@status']);
    expect(codes({ ...base, records: 1e10 })).toEqual(['out_of_range@records']);
    expect(codes({ ...base, records: 2 ** 31 - 1 })).toEqual([]);
    expect(codes({ ...base, bytes: 1e300 })).toEqual(['out_of_range@bytes']);
    expect(codes({ ...base, bytes: 2 ** 53 })).toEqual(['out_of_range@bytes']);
    expect(codes({ ...base, bytes: 2 ** 53 - 1 })).toEqual([]);
    expect(codes({ ...base, token: { ...token, iat: 1e300 } })).toEqual(['out_of_range@token.iat']);
    expect(codes({ ...base, token: { ...token, exp: -1 } })).toEqual(['out_of_range@token.exp']);
    expect(codes({ ...base, token: { ...token, iat: 1719198765.5 } })).toEqual([]);
    expect(codes({ ...base, asn: 2 ** 32 })).toEqual(['out_of_range@asn']);
    const r = parseAccessLine(JSON.stringify({ ...base, status: 3e9 }), ref);
    expect(r.ok ? '' : r.issues[0]?.message).toContain('HTTP status code is 100–599');
  });

  it('refuses impossible calendar dates instead of rolling them over', () => {
    expect(codes({ ...base, time: '2025-02-30T00:00:00Z' })).toEqual(['bad_time@time']);
    expect(codes({ ...base, time: '2025-04-31T12:00:00.000Z' })).toEqual(['bad_time@time']);
    expect(codes({ ...base, time: '2023-02-29T00:00:00Z' })).toEqual(['bad_time@time']);
    expect(codes({ ...base, time: '2024-02-29T00:00:00Z' })).toEqual([]);
    expect(codes({ ...base, time: '2025-06-24T03:12:45+24:00' })).toEqual(['bad_time@time']);
  });

  it('takes request_id "" as no id (it must not make unrelated requests duplicates)', () => {
    const e = ok(parseAccessLine(JSON.stringify({ ...base, request_id: '' }), ref));
    expect(e).not.toHaveProperty('request_id');
  });

  it('treats null optional fields as absent', () => {
    const e = ok(parseAccessLine(JSON.stringify({ ...base, request_id: null, bytes: null, asn: null }), ref));
    expect(e).not.toHaveProperty('request_id');
    expect(e).not.toHaveProperty('bytes');
  });
});
