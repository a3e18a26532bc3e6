/**
 * CIDR indicators → keys of the store's `subnet` column.
 */
import { describe, expect, it } from 'vitest';
import { subnetKeys } from './cidr.js';

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
