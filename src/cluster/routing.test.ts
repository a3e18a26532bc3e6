import { describe, expect, it } from 'vitest';
import type { AccessEvent, CatalogRoute, LedgerEvent, ReferenceData } from '../model/index.js';
import { RouteTable } from '../detect/index.js';
import { detectSettings } from '../compose/index.js';
import { PartitionEngines } from './engines.js';
import { partitionOf } from './fnv.js';
import { Router } from './routing.js';

const CATALOG: CatalogRoute[] = [
  { method: 'POST', route: '/v1/auth/login', fields: [], kind: 'auth' },
  { method: 'GET', route: '/v1/members/{id}', fields: ['name'], kind: 'personal' },
];
const T = Date.UTC(2025, 5, 1);
const access = (t: number, ip: string, extra: Partial<AccessEvent> = {}): AccessEvent => ({
  kind: 'access', t, src_ip: ip, method: 'GET', route: '/v1/members/{id}', status: 200, ref: { file: 'a', line: t - T }, ...extra,
});
const ledger: LedgerEvent = { kind: 'ledger', t: T, type: 'issue', jti: 'j1', sub: 'u1', kid: 'k1', ref: { file: 'l', line: 1 } };

/** An address whose partition of 3 is `p`. */
function ipOn(p: number): string {
  for (let i = 0; ; i++) if (partitionOf(`10.0.0.${i}`, 3) === p) return `10.0.0.${i}`;
}

describe('Router', () => {
  const routed = (r: Router, e: AccessEvent | LedgerEvent): number[] => {
    const out: number[] = [];
    r.route(e, (p) => out.push(p));
    return out;
  };

  it('sends every event to partition 0 and ledger records to every partition', () => {
    const r = new Router(3, new RouteTable(CATALOG));
    expect(routed(r, access(T, ipOn(1)))).toEqual([0]);
    expect(routed(r, ledger)).toEqual([0, 1, 2]);
    expect(routed(new Router(1, new RouteTable(CATALOG)), ledger)).toEqual([0]);
  });

  it("sends a source's events to its partition from its first failed login on", () => {
    const r = new Router(3, new RouteTable(CATALOG));
    const ip = ipOn(2);
    expect(routed(r, access(T, ip))).toEqual([0]);
    expect(routed(r, access(T + 1, ip, { method: 'POST', route: '/v1/auth/login', status: 401 }))).toEqual([0, 2]);
    expect(routed(r, access(T + 2, ip))).toEqual([0, 2]);
  });

  it("sends a cross-account read to the partition of the token's sub", () => {
    const r = new Router(3, new RouteTable(CATALOG));
    const token = { jti: 'j', kid: 'k', sub: 'u-7', iat: 1, exp: 2 };
    const p = partitionOf('u-7', 3);
    expect(routed(r, access(T, ipOn(1), { token, account_id: 'u-8' }))).toEqual(p === 0 ? [0] : [0, p]);
    expect(routed(r, access(T, ipOn(1), { token, account_id: 'u-7' }))).toEqual([0]);
  });
});

describe('PartitionEngines', () => {
  it("moves a keyed engine's watermark to the global one carried by each event and by the end mark", async () => {
    const ref: ReferenceData = { keys: [], staff: [], catalog: CATALOG };
    const engines = await PartitionEngines.build({ partition: 1, partitions: 3, ref, settings: detectSettings() });
    const mine = access(T + 10, ipOn(1));
    engines.start(T);
    // partition 1 sees one event; the global watermark before it was T + 50 (events it never saw)
    engines.push([mine], [T + 50]);
    const ip = engines.all().find((x) => x.name === 'ip')!.engine;
    expect(ip.watermark).toBe(T + 50);
    engines.finish(T + 90);
    expect(ip.watermark).toBe(T + 90);
    expect(engines.all().map((x) => x.name)).toEqual(['ip', 'sub']);
  });
});
