/**
 * Subnet of an address as a CIDR string (/24 for IPv4, /48 for IPv6), cached per address in a
 * bounded map so the per-event path allocates only on a cache miss.
 */
import ipaddr from 'ipaddr.js';

const CACHE_MAX = 100_000;

/** Address → subnet, with a bounded cache (cleared when full). */
export class SubnetCache {
  private cache = new Map<string, string>();

  /** `a.b.c.0/24` or `xxxx:xxxx:xxxx::/48`; undefined when `ip` is not an address. */
  of(ip: string): string | undefined {
    const v4 = ipv4Prefix(ip);
    if (v4 > 0) return `${ip.slice(0, v4)}.0/24`;
    const hit = this.cache.get(ip);
    if (hit !== undefined) return hit === '' ? undefined : hit;
    const s = subnetOf(ip);
    if (this.cache.size >= CACHE_MAX) this.cache = new Map();
    this.cache.set(ip, s ?? '');
    return s;
  }
}

/**
 * For a plain dotted-quad IPv4 address without leading zeros, the index of its last dot
 * (the /24 prefix is `ip.slice(0, index)`); -1 for anything else (left to ipaddr.js).
 */
function ipv4Prefix(ip: string): number {
  const n = ip.length;
  if (n < 7 || n > 15) return -1;
  let dots = 0;
  let last = -1;
  let val = 0;
  let digits = 0;
  for (let i = 0; i <= n; i++) {
    const c = i === n ? 46 : ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || val > 255 || (digits > 1 && ip.charCodeAt(i - digits) === 48)) return -1;
      if (i < n) {
        dots++;
        last = i;
      }
      val = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      val = val * 10 + (c - 48);
      digits++;
    } else {
      return -1;
    }
  }
  return dots === 3 ? last : -1;
}

/** Uncached subnet computation. */
export function subnetOf(ip: string): string | undefined {
  if (!ipaddr.isValid(ip)) return undefined;
  const a = ipaddr.process(ip);
  const b = a.toByteArray();
  if (a.kind() === 'ipv4') return `${b[0]}.${b[1]}.${b[2]}.0/24`;
  const w = (i: number): string => (((b[i] ?? 0) << 8) | (b[i + 1] ?? 0)).toString(16);
  return `${w(0)}:${w(2)}:${w(4)}::/48`;
}
