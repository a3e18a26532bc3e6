/**
 * Turns a CIDR indicator into the keys of the store's `subnet` column (IPv4 /24 as `a.b.c`,
 * IPv6 /48 as 12 hex digits), plus a host range for prefixes longer than /24 or /48 that the
 * query checks with `bw_host` (IPv4: last octet as 2 hex digits; IPv6: all 32 hex digits).
 * Shorter prefixes expand to at most 65 536 keys; anything wider is refused.
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
