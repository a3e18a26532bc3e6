/**
 * CIDR indicators → keys of the store's `subnet` column; source addresses → the same keys,
 * checked against DuckDB's own macros on valid and malformed addresses alike.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { addressKey, subnetKeys } from './cidr.js';
import { MACROS_SQL } from './duckdb/schema.js';

describe('subnetKeys', () => {
  it('keys an IPv4 /24 as its first three octets', () => {
    expect(subnetKeys('203.0.113.0/24')).toEqual([{ key: '203.0.113', lo: null, hi: null }]);
  });

  it('expands shorter IPv4 prefixes into /24 keys', () => {
    expect(subnetKeys('10.1.2.0/23')?.map((k) => k.key)).toEqual(['10.1.2', '10.1.3']);
    expect(subnetKeys('10.0.0.0/8')).toHaveLength(65536);
    expect(subnetKeys('10.0.0.0/7')).toBeUndefined();
  });

  it('gives a last-octet range for longer IPv4 prefixes', () => {
    expect(subnetKeys('203.0.113.96/28')).toEqual([{ key: '203.0.113', lo: '60', hi: '6f' }]);
    expect(subnetKeys('203.0.113.7/32')).toEqual([{ key: '203.0.113', lo: '07', hi: '07' }]);
  });

  it('keys IPv6 /48 as 12 hex digits and ranges longer prefixes over all 32', () => {
    expect(subnetKeys('2001:db8:abcd::/48')).toEqual([{ key: '20010db8abcd', lo: null, hi: null }]);
    expect(subnetKeys('2001:db8:abcd:12::/64')).toEqual([{
      key: '20010db8abcd', lo: '20010db8abcd00120000000000000000', hi: '20010db8abcd0012ffffffffffffffff',
    }]);
    expect(subnetKeys('2001:db8::/47')?.map((k) => k.key)).toEqual(['20010db80000', '20010db80001']);
  });

  it('refuses what is not a CIDR', () => {
    expect(subnetKeys('203.0.113.7')).toBeUndefined();
    expect(subnetKeys('nonsense/24')).toBeUndefined();
  });
});

describe('addressKey', () => {
  it('gives the keys DuckDB\'s bw_subnet and bw_host macros give, for any string', async () => {
    const ips = [
      '203.0.113.7', '203.0.113.255', '10.0.0.300', '10.0.0.99999999999', '1.2.3', '1.2.3.', 'nodots', '',
      '2001:db8:abcd:12::5', '2001:DB8:ABCD::1%eth0', '::1', '::', 'fe80::', '1:2:3:4:5:6:7:8', '::ffff:203.0.113.9',
      '2001:db8:abcd:zz::1', '12345::1', '1::2::3', '::ffff:1.2.3', 'a.b:c',
    ];
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      for (const m of MACROS_SQL) await c.run(m);
      for (const ip of ips) {
        const lit = `'${ip.replaceAll("'", "''")}'`;
        const row = (await c.runAndReadAll(`SELECT bw_subnet(${lit}), bw_host(${lit})`)).getRows()[0];
        expect(addressKey(ip), ip).toEqual({ subnet: row?.[0] ?? null, host: row?.[1] ?? null });
      }
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });
});
