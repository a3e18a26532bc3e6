/**
 * Spec clause: the modifiers appendix, one behaviour per test, and refusals with positions.
 */
import { describe, expect, it } from 'vitest';
import { hits, rule, rulesFrom } from '../../test/fixtures/sigma/helpers.js';
import { base64offset, encodeText, windash } from './encode.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('generic modifiers', () => {
  it('contains, startswith, endswith', () => {
    const ev = [{ route: '/v1/Members/42' }, { route: '/x' }];
    expect(hits("s:\n  c-uri|contains: members\ncondition: s", ev)).toEqual([true, false]);
    expect(hits("s:\n  c-uri|startswith: /V1/\ncondition: s", ev)).toEqual([true, false]);
    expect(hits("s:\n  c-uri|endswith: '/42'\ncondition: s", ev)).toEqual([true, false]);
  });

  it('a value list is OR; |all makes it AND', () => {
    const ev = [{ route: '/a/b' }, { route: '/a' }];
    expect(hits("s:\n  c-uri|contains: [a, b]\ncondition: s", ev)).toEqual([true, true]);
    expect(hits("s:\n  c-uri|contains|all: [a, b]\ncondition: s", ev)).toEqual([true, false]);
  });

  it('exists', () => {
    const ev = [{ host: 'h' }, {}, { host: null }];
    expect(hits("s:\n  cs-host|exists: true\ncondition: s", ev)).toEqual([true, false, false]);
    expect(hits("s:\n  cs-host|exists: false\ncondition: s", ev)).toEqual([false, true, true]);
  });

  it('cased makes the comparison case-sensitive', () => {
    expect(hits("s:\n  cs-method|cased: GET\ncondition: s", [{ method: 'GET' }, { method: 'get' }])).toEqual([true, false]);
    expect(hits("s:\n  c-uri|cased|contains: Ab\ncondition: s", [{ route: 'xAbx' }, { route: 'xabx' }])).toEqual([true, false]);
  });

  it('neq: the field is present and differs', () => {
    expect(hits("s:\n  cs-method|neq: GET\ncondition: s", [{ method: 'POST' }, { method: 'get' }, {}])).toEqual([true, false, false]);
  });
});

describe('string modifiers', () => {
  it('windash: flags with - / en dash, em dash, horizontal bar', () => {
    expect(windash('-a x -b')?.length).toBe(25);
    const d = "s:\n  cmd|windash|contains: ' -enc '\ncondition: s";
    expect(hits(d, [{ cmd: 'p -enc x' }, { cmd: 'p /enc x' }, { cmd: 'p \u2013enc x' }, { cmd: 'p \u2015enc x' }, { cmd: 'p enc x' }])).toEqual([true, true, true, true, false]);
  });

  it('re is case-sensitive; i, m, s flags', () => {
    expect(hits("s:\n  c-uri|re: '^/a+b$'\ncondition: s", [{ route: '/aab' }, { route: '/AAB' }])).toEqual([true, false]);
    expect(hits("s:\n  c-uri|re|i: '^/a+b$'\ncondition: s", [{ route: '/AAB' }])).toEqual([true]);
    expect(hits("s:\n  msg|re|m: '^two$'\ncondition: s", [{ msg: 'one\ntwo' }])).toEqual([true]);
    expect(hits("s:\n  msg|re: '^two$'\ncondition: s", [{ msg: 'one\ntwo' }])).toEqual([false]);
    expect(hits("s:\n  msg|re|s: 'a.b'\ncondition: s", [{ msg: 'a\nb' }])).toEqual([true]);
    expect(hits("s:\n  msg|re: 'a.b'\ncondition: s", [{ msg: 'a\nb' }])).toEqual([false]);
  });

  it('base64 and base64offset|contains', () => {
    expect(hits("s:\n  data|base64: hello\ncondition: s", [{ data: b64('hello') }, { data: 'hello' }])).toEqual([true, false]);
    const d = "s:\n  data|base64offset|contains: secret\ncondition: s";
    expect(hits(d, [{ data: b64('secret') }, { data: b64('xsecret!') }, { data: b64('xxsecretyy') }, { data: b64('public') }])).toEqual([true, true, true, false]);
  });

  it('base64offset yields the three stable encodings', () => {
    expect(base64offset(Buffer.from('/bin/bash'))).toEqual(['L2Jpbi9iYXNo', '9iaW4vYmFza', 'vYmluL2Jhc2']);
  });

  it('utf16le/wide, utf16be and utf16 (with BOM) before base64', () => {
    const le = encodeText('cmd', 'utf16le').toString('base64');
    expect(hits("s:\n  data|wide|base64: cmd\ncondition: s", [{ data: le }])).toEqual([true]);
    expect(hits("s:\n  data|utf16le|base64offset|contains: cmd\ncondition: s", [{ data: Buffer.concat([Buffer.from('xx'), encodeText('cmd', 'utf16le')]).toString('base64') }])).toEqual([true]);
    expect(hits("s:\n  data|utf16be|base64: cmd\ncondition: s", [{ data: encodeText('cmd', 'utf16be').toString('base64') }, { data: le }])).toEqual([true, false]);
    expect(hits("s:\n  data|utf16|base64: cmd\ncondition: s", [{ data: Buffer.from([0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0]).toString('base64') }])).toEqual([true]);
  });

  it('expand replaces %placeholders% with the user-supplied values', () => {
    const ph = new Map([['admins', ['/admin', '/root']]]);
    expect(hits("s:\n  c-uri|expand|startswith: '%admins%'\ncondition: s", [{ route: '/root/x' }, { route: '/user' }], ph)).toEqual([true, false]);
  });
});

describe('numeric, time, IP and field-reference modifiers', () => {
  it('lt lte gt gte', () => {
    const ev = [{ status: 399 }, { status: 400 }, { status: '401' }, { status: 'x' }];
    expect(hits("s:\n  sc-status|gte: 400\ncondition: s", ev)).toEqual([false, true, true, false]);
    expect(hits("s:\n  sc-status|gt: 400\ncondition: s", ev)).toEqual([false, false, true, false]);
    expect(hits("s:\n  sc-status|lt: 400\ncondition: s", ev)).toEqual([true, false, false, false]);
    expect(hits("s:\n  sc-status|lte: 400\ncondition: s", ev)).toEqual([true, true, false, false]);
  });

  it('minute hour day week month year (UTC) on the event time', () => {
    const ev = [{ time: '2025-06-24T03:12:45Z' }];
    for (const [m, v] of [['minute', 12], ['hour', 3], ['day', 24], ['week', 26], ['month', 6], ['year', 2025]] as const) {
      expect(hits(`s:\n  time|${m}: ${v}\ncondition: s`, ev)).toEqual([true]);
      expect(hits(`s:\n  time|${m}: ${v + 1}\ncondition: s`, ev)).toEqual([false]);
    }
    expect(hits("s:\n  time|hour|lt: 6\ncondition: s", ev)).toEqual([true]);
  });

  it('cidr for IPv4 and IPv6 (IPv4-mapped addresses unwrap)', () => {
    expect(hits("s:\n  c-ip|cidr: 203.0.113.0/24\ncondition: s", [{ src_ip: '203.0.113.7' }, { src_ip: '203.0.114.7' }, { src_ip: '::ffff:203.0.113.9' }, { src_ip: 'junk' }])).toEqual([true, false, true, false]);
    expect(hits("s:\n  c-ip|cidr: '2001:db8::/32'\ncondition: s", [{ src_ip: '2001:db8::1' }, { src_ip: '2001:db9::1' }, { src_ip: '10.0.0.1' }])).toEqual([true, false, false]);
  });

  it('fieldref compares with another field', () => {
    expect(hits("s:\n  account_id|fieldref: token.sub\ncondition: s", [{ account_id: 'm-1', token: { sub: 'm-1' } }, { account_id: 'm-1', token: { sub: 'm-2' } }])).toEqual([true, false]);
    expect(hits("s:\n  account_id|fieldref|neq: token.sub\ncondition: s", [{ account_id: 'm-1', token: { sub: 'm-2' } }, { account_id: 'm-1', token: { sub: 'm-1' } }])).toEqual([true, false]);
  });
});

describe('refusals are located and explained', () => {
  const refusal = (body: string) => rulesFrom(rule(body)).refused[0];
  it('unknown modifier', () => {
    const r = refusal("s:\n  c-uri|contians: x\ncondition: s");
    expect(r).toMatchObject({ file: 'inline.yml', line: 7, column: 21, code: 'ERR_SIGMA_RULE' });
    expect(r?.reason).toMatch(/unknown modifier "contians"/);
  });
  it('base64offset without contains, utf16 without base64, bad cidr, bad regex, missing placeholder', () => {
    expect(refusal("s:\n  d|base64offset: x\ncondition: s")?.reason).toMatch(/contains/);
    expect(refusal("s:\n  d|utf16le: x\ncondition: s")?.reason).toMatch(/base64/);
    expect(refusal("s:\n  c-ip|cidr: 1.2.3.4/99\ncondition: s")?.reason).toMatch(/CIDR/);
    const re = refusal("s:\n  d|re: '(?<=x'\ncondition: s");
    expect(re?.code).toBe('ERR_SIGMA_UNSUPPORTED');
    expect(refusal("s:\n  d|expand: '%nope%'\ncondition: s")?.reason).toMatch(/%nope%/);
  });
  it('points at the offending list element', () => {
    expect(refusal("s:\n  c-ip|cidr:\n    - 10.0.0.0/8\n    - bad\ncondition: s")).toMatchObject({ line: 9, column: 9 });
  });
});
