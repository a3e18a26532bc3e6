/**
 * Turns a CIDR indicator into the keys of the store's `subnet` column (IPv4 /24 as `a.b.c`,
 * IPv6 /48 as 12 hex digits), plus a host range for prefixes longer than /24 or /48 that the
 * query checks with `bw_host` (IPv4: last octet as 2 hex digits; IPv6: all 32 hex digits).
 * Shorter prefixes expand to at most 65 536 keys; anything wider is refused. The row side,
 * the keys of one source address, is {@link addressKey}: DuckDB computes the same in SQL
 * macros (`duckdb/schema.ts`), ClickHouse stores what this function gives.
 */
import ipaddr from 'ipaddr.js';

/** One row the scope query joins on. `lo`/`hi` are null when the whole key matches. */
export interface SubnetKey {
  readonly key: string;
  readonly lo: string | null;
  readonly hi: string | null;
}

const MAX_EXPANSION_BITS = 16;

const hex2 = (b: number): string => b.toString(16).padStart(2, '0');

/** Keys for `cidr`, or `undefined` when it is not a CIDR (or too wide to expand). */
export function subnetKeys(cidr: string): SubnetKey[] | undefined {
  let parsed: ReturnType<typeof ipaddr.parseCIDR>;
  try {
    parsed = ipaddr.parseCIDR(cidr.trim());
  } catch {
    return undefined;
  }
  const [addr, prefix] = parsed;
  const bytes = addr.toByteArray();
  const v4 = addr.kind() === 'ipv4';
  const keyBits = v4 ? 24 : 48;
  const net = mask(bytes, prefix, false);
  if (prefix >= keyBits) {
    const key = v4 ? net.slice(0, 3).join('.') : net.slice(0, 6).map(hex2).join('');
    if (prefix === keyBits) return [{ key, lo: null, hi: null }];
    const top = mask(bytes, prefix, true);
    const host = (b: number[]): string => (v4 ? hex2(b[3] ?? 0) : b.map(hex2).join(''));
    return [{ key, lo: host(net), hi: host(top) }];
  }
  if (keyBits - prefix > MAX_EXPANSION_BITS) return undefined;
  const out: SubnetKey[] = [];
  const count = 2 ** (keyBits - prefix);
  const keyBytes = keyBits / 8;
  let base = 0;
  for (let i = 0; i < keyBytes; i++) base = base * 256 + (net[i] ?? 0);
  for (let n = 0; n < count; n++) {
    let v = base + n;
    const kb: number[] = new Array<number>(keyBytes);
    for (let i = keyBytes - 1; i >= 0; i--) {
      kb[i] = v % 256;
      v = Math.floor(v / 256);
    }
    out.push({ key: v4 ? kb.join('.') : kb.map(hex2).join(''), lo: null, hi: null });
  }
  return out;
}

/** Network (`fill` false) or last (`fill` true) address of `bytes`/`prefix`. */
function mask(bytes: number[], prefix: number, fill: boolean): number[] {
  return bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    const keep = (0xff << (8 - bits)) & 0xff;
    return fill ? (b & keep) | (~keep & 0xff) : b & keep;
  });
}

/** The `subnet` and `host` keys of one source address (see {@link addressKey}). */
export interface AddressKey {
  readonly subnet: string | null;
  readonly host: string | null;
}

const LAST_OCTET = /\.(\d+)$/;
const MAPPED_V4 = /(\d+\.\d+\.\d+)\.\d+$/;

/** DuckDB's `lpad(s, n, '0')`: pads on the left, and cuts a longer string to `n` characters. */
const lpad = (s: string, n: number): string => (s.length >= n ? s.slice(0, n) : s.padStart(n, '0'));

/** DuckDB's `bw_ip6hex`: the text form expanded group by group to 32 hex digits (no validation). */
function ip6hex(s: string): string {
  const split = (x: string): string[] => (x === '' ? [] : x.split(':'));
  let groups: string[];
  if (s.includes('::')) {
    const parts = s.split('::');
    const head = split(parts[0] ?? '');
    const tail = split(parts[1] ?? '');
    groups = [...head, ...new Array<string>(Math.max(0, 8 - head.length - tail.length)).fill('0'), ...tail];
  } else {
    groups = s.split(':');
  }
  return groups.map((g) => lpad(g, 4)).join('');
}

/**
 * The keys a scope query matches a source address by, exactly as DuckDB's `bw_subnet` and
 * `bw_host` macros compute them from any string (a malformed address gets the same keys in
 * both stores): `subnet` is an IPv4 address up to its last dot (`a.b.c`), an IPv4-mapped
 * IPv6 address's dotted `a.b.c`, or the first 12 hex digits of an IPv6 address; `host` is
 * the last IPv4 octet as 2 hex digits, or the IPv6 address as 32.
 *
 * @example
 * addressKey('203.0.113.7')   // { subnet: '203.0.113', host: '07' }
 */
export function addressKey(ip: string): AddressKey {
  if (!ip.includes(':')) {
    const dot = ip.lastIndexOf('.');
    return { subnet: dot < 0 ? ip : ip.slice(0, dot), host: dot < 0 ? null : lastOctet(ip) };
  }
  if (ip.includes('.')) return { subnet: MAPPED_V4.exec(ip)?.[1] ?? '', host: lastOctet(ip) };
  const hex = ip6hex((ip.toLowerCase().split('%')[0]) ?? '');
  return { subnet: hex.slice(0, 12), host: hex };
}

/** `lpad(printf('%x', TRY_CAST(last octet AS INTEGER)), 2, '0')`, null where DuckDB gives NULL. */
function lastOctet(ip: string): string | null {
  const digits = LAST_OCTET.exec(ip)?.[1];
  if (digits === undefined) return null;
  const n = Number(digits);
  return n > 2_147_483_647 ? null : lpad(n.toString(16), 2);
}
