/**
 * Offline enrichment of attacker addresses when the gateway gave no ASN or country: the ASN
 * from `@ip-location-db/asn` (its IPv4 range CSV, loaded once into typed arrays and searched
 * by binary search) and the country from `@ip-location-db/geo-whois-asn-country-mmdb` read
 * with `mmdb-lib`. No network; the data's date (the packages' build) is named in the output.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isIPv4 } from 'node:net';
import type { Response } from 'mmdb-lib';

/** What one address resolves to. */
export interface GeoAnswer {
  readonly asn?: string;
  readonly as_org?: string;
  readonly country?: string;
}

/** An offline lookup, with where its data came from. */
export interface GeoLookup {
  lookup(ip: string): GeoAnswer;
  /** Package names, versions and the data's build date. */
  readonly sources: readonly { name: string; version: string; data_date: string }[];
}

const require = createRequire(import.meta.url);
const pkgDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));
const ipv4Num = (ip: string): number => ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);

async function pkgInfo(name: string): Promise<{ name: string; version: string }> {
  const p = JSON.parse(await readFile(join(pkgDir(name), 'package.json'), 'utf8')) as { version: string };
  return { name, version: p.version };
}

/** `2.3.2026061719` → `2026-06-17` (the packages put the data's build date in the version). */
function dateOfVersion(v: string): string {
  const m = /(\d{4})(\d{2})(\d{2})\d*$/.exec(v);
  return m === null ? 'unknown' : `${m[1]}-${m[2]}-${m[3]}`;
}

/** Loads both data sets (a few hundred ms; call once per export). */
export async function openGeoLookup(): Promise<GeoLookup> {
  const asnPkg = await pkgInfo('@ip-location-db/asn');
  const ccPkg = await pkgInfo('@ip-location-db/geo-whois-asn-country-mmdb');
  const text = await readFile(join(pkgDir(asnPkg.name), 'asn-ipv4-num.csv'), 'utf8');
  const lines = text.split('\n').filter((l) => l !== '');
  const start = new Float64Array(lines.length);
  const end = new Float64Array(lines.length);
  const asn = new Uint32Array(lines.length);
  const org: string[] = new Array<string>(lines.length);
  lines.forEach((l, i) => {
    const a = l.indexOf(',');
    const b = l.indexOf(',', a + 1);
    const c = l.indexOf(',', b + 1);
    start[i] = Number(l.slice(0, a));
    end[i] = Number(l.slice(a + 1, b));
    asn[i] = Number(l.slice(b + 1, c));
    org[i] = l.slice(c + 1).replace(/^"(.*)"$/, '$1').replaceAll('""', '"');
  });
  // This data set's records are `{country_code}`, not one of MaxMind's shapes.
  const { Reader } = await import('mmdb-lib');
  const mmdb = new Reader<Response>(await readFile(join(pkgDir(ccPkg.name), 'geo-whois-asn-country.mmdb')));
  const mmdbDate = new Date(mmdb.metadata.buildEpoch).toISOString().slice(0, 10);
  return {
    sources: [
      { ...asnPkg, data_date: dateOfVersion(asnPkg.version) },
      { ...ccPkg, data_date: Number.isNaN(mmdb.metadata.buildEpoch.getTime()) ? dateOfVersion(ccPkg.version) : mmdbDate },
    ],
    lookup(ip) {
      let out: GeoAnswer = {};
      if (isIPv4(ip)) {
        const n = ipv4Num(ip);
        let lo = 0;
        let hi = start.length - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          if ((start[mid] ?? 0) <= n) lo = mid + 1;
          else hi = mid - 1;
        }
        if (hi >= 0 && n <= (end[hi] ?? -1)) out = { asn: `AS${String(asn[hi])}`, as_org: org[hi] ?? '' };
      }
      try {
        const cc = (mmdb.get(ip) as { country_code?: string } | null)?.country_code;
        if (cc !== undefined) out = { ...out, country: cc };
      } catch {
        // Not an address the reader takes: no country.
      }
      return out;
    },
  };
}
