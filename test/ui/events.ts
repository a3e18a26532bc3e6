/**
 * A small forged-token day for the dashboard test: four customers using tokens the auth
 * server really issued (kid sig-2025-02), and an attacker who kept the old signing key
 * (sig-2019-01) forging tokens for other customers' accounts and reading their profile and
 * addresses from two addresses, a little more each hour for six hours. 92 access events,
 * 25 ledger records; every forged jti is missing from the ledger. Delivered hour by hour
 * (ledger, then access) as a live feed would be.
 */

const T0 = Date.parse('2025-06-24T00:00:00Z');
const MIN = 60_000;
const HOURS = 6;

/** Where the attacker works from (enrichment the gateway adds). */
export const ATTACKER_SOURCES = [
  { src_ip: '203.0.113.9', country: 'KR', asn: 4766 },
  { src_ip: '198.51.100.23', country: 'US', asn: 16509 },
] as const;

const iso = (t: number): string => new Date(t).toISOString();
const secs = (t: number): number => Math.floor(t / 1000);

/** One hour of both feeds as NDJSON bodies (empty string when a feed has nothing). */
export interface HourBatch {
  readonly ledger: string;
  readonly access: string;
}

/** The test's events, hour by hour in event-time order, as a live feed would deliver them. */
export interface ForgedDay {
  readonly batches: readonly HourBatch[];
  readonly accessCount: number;
  readonly ledgerCount: number;
  readonly forgedJtis: readonly string[];
}

/** Builds the day. Deterministic. */
export function forgedDay(): ForgedDay {
  const ledger: { t: number; rec: object }[] = [];
  const access: { t: number; rec: object }[] = [];
  const forged: string[] = [];
  let rid = 0;
  const read = (t: number, src: { src_ip: string; country?: string; asn?: number }, account: string, token: object, ua: string): void => {
    for (const [i, route] of ['/v1/members/{id}/profile', '/v1/members/{id}/addresses'].entries()) {
      access.push({ t: t + i * 1000, rec: {
        time: iso(t + i * 1000), request_id: `r-${++rid}`, ...src, user_agent: ua, method: 'GET', route,
        status: 200, records: i === 0 ? 1 : 2, account_id: account, token,
      } });
    }
  };
  for (let h = 0; h < HOURS; h++) {
    const hour = T0 + h * 60 * MIN;
    for (let c = 1; c <= 4; c++) {
      // sign-ins from the first minute of each hour: the ledger is visibly recording before
      // and after the attacker's claimed issuances, so the ledger proves them forged
      const t = hour + (c * 7 - 6) * MIN;
      const jti = `t-c${c}-h${h}`;
      const sub = `m-100${c}`;
      ledger.push({ t, rec: { time: iso(t), jti, kid: 'sig-2025-02', sub, exp: secs(t) + 3600, client_id: 'ios', grant: 'refresh' } });
      read(t + 2000, { src_ip: `211.36.142.${10 + c}`, country: 'KR', asn: 9644 }, sub,
        { jti, kid: 'sig-2025-02', sub, iat: secs(t), exp: secs(t) + 3600, client_id: 'ios' }, 'ShopApp/7.1 (iOS 17.5)');
    }
    // The attacker: 1 + h forged tokens this hour, each for a different victim.
    for (let k = 0; k <= h; k++) {
      const t = hour + 3 * MIN + k * 4 * MIN;
      const victim = `m-2${String(h * 10 + k).padStart(3, '0')}`;
      const jti = `f-${h}-${k}`;
      forged.push(jti);
      const src = ATTACKER_SOURCES[k % 2] ?? ATTACKER_SOURCES[0];
      read(t, src, victim, { jti, kid: 'sig-2019-01', sub: victim, iat: secs(t), exp: secs(t) + 3600 }, 'Mozilla/5.0 (X11; Linux x86_64)');
    }
  }
  // Both streams run past the last forged use by more than the allowed lateness.
  const end = T0 + HOURS * 60 * MIN + 10 * MIN;
  ledger.push({ t: end, rec: { time: iso(end), jti: 't-end', kid: 'sig-2025-02', sub: 'm-1001', exp: secs(end) + 3600 } });
  read(end + 1000, { src_ip: '211.36.142.11', country: 'KR', asn: 9644 }, 'm-1001',
    { jti: 't-end', kid: 'sig-2025-02', sub: 'm-1001', iat: secs(end), exp: secs(end) + 3600 }, 'ShopApp/7.1 (iOS 17.5)');
  const hourOf = (t: number): number => Math.floor((t - T0) / (60 * MIN));
  const ndjson = (xs: { t: number; rec: object }[], hour: number): string => xs
    .filter((x) => hourOf(x.t) === hour).sort((a, b) => a.t - b.t).map((x) => `${JSON.stringify(x.rec)}\n`).join('');
  const batches: HourBatch[] = [];
  for (let hour = 0; hour <= hourOf(end + 1000); hour++) batches.push({ ledger: ndjson(ledger, hour), access: ndjson(access, hour) });
  return { batches, accessCount: access.length, ledgerCount: ledger.length, forgedJtis: forged };
}
