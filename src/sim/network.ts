/**
 * The simulated internet: domestic ISP blocks for homes, carrier-grade NAT addresses shared
 * by thousands of phones, office egress addresses shared by hundreds of workers, the
 * platform's own HQ egress, and hosting/proxy space for attackers. Addresses are uint32.
 */
import type { Rng } from './rng.js';

/** Where an address sits (what a gateway's enrichment would say). */
export interface NetBlock {
  readonly asn: string;
  readonly country: string;
  /** /16 prefixes as "a.b". */
  readonly prefixes: readonly string[];
}

/** Residential broadband providers (domestic). */
export const ISPS: readonly NetBlock[] = [
  { asn: 'AS4766', country: 'KR', prefixes: ['121.130', '121.131', '175.196', '175.197', '211.104', '220.72'] },
  { asn: 'AS9318', country: 'KR', prefixes: ['1.224', '1.225', '58.120', '58.121', '218.38', '222.101'] },
  { asn: 'AS3786', country: 'KR', prefixes: ['61.72', '61.73', '106.240', '106.241', '114.200'] },
];

/** Mobile carriers; each exposes a couple of NAT egress addresses. */
export const CARRIERS: readonly { asn: string; nat: readonly string[] }[] = [
  { asn: 'AS9644', nat: ['223.38.10.17', '223.38.10.18'] },
  { asn: 'AS4766', nat: ['39.7.24.5', '39.7.24.6'] },
  { asn: 'AS17858', nat: ['117.111.3.40', '117.111.3.41'] },
];

/** Corporate networks customers work in (office egress). */
export const OFFICE_ASNS: readonly string[] = ['AS9848', 'AS10036', 'AS38661', 'AS9457'];

/** The platform's own HQ egress, used by staff consoles. */
export const HQ = { ips: ['203.248.117.10', '203.248.117.11'], asn: 'AS45996', country: 'KR' } as const;

/** Converts an address to dotted form. */
export function ipString(x: number): string {
  return `${x >>> 24}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`;
}

/** Parses dotted form to uint32. */
export function ipNumber(s: string): number {
  const p = s.split('.').map(Number);
  return (((p[0] ?? 0) << 24) | ((p[1] ?? 0) << 16) | ((p[2] ?? 0) << 8) | (p[3] ?? 0)) >>> 0;
}

const ISP_PREFIXES: readonly (readonly number[])[] = ISPS.map((b) => b.prefixes.map((p) => ipNumber(`${p}.0.0`)));

/** A random host address (.2–.254) inside one of an ISP's /16s. */
export function residentialIp(rng: Rng, isp: number): number {
  const prefix = rng.pick(ISP_PREFIXES[isp] ?? ISP_PREFIXES[0] ?? [0]);
  return (prefix + (rng.int(256) << 8) + 2 + rng.int(253)) >>> 0;
}

/** Office egress addresses: one /28-ish per office, a couple of addresses each. */
export function officeIps(count: number, rng: Rng): { ip: string; asn: string }[] {
  const out: { ip: string; asn: string }[] = [];
  for (let i = 0; i < count; i++) {
    const base = ipNumber(`203.${226 + (i % 20)}.${rng.int(256)}.0`);
    out.push({ ip: ipString(base + 1 + rng.int(14)), asn: OFFICE_ASNS[i % OFFICE_ASNS.length] ?? 'AS9848' });
  }
  return out;
}

/** Attacker hosting: a few addresses in foreign datacenter space. */
export const HOSTING: readonly { ip: string; asn: string; country: string }[] = [
  { ip: '45.76.180.23', asn: 'AS20473', country: 'SG' },
  { ip: '139.59.101.77', asn: 'AS14061', country: 'SG' },
  { ip: '159.223.52.140', asn: 'AS14061', country: 'US' },
  { ip: '172.105.88.3', asn: 'AS63949', country: 'JP' },
  { ip: '5.161.70.211', asn: 'AS212317', country: 'US' },
  { ip: '94.130.13.90', asn: 'AS24940', country: 'DE' },
  { ip: '103.152.220.44', asn: 'AS136574', country: 'HK' },
  { ip: '185.220.101.35', asn: 'AS60729', country: 'NL' },
];
