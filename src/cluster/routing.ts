/**
 * Which partitions an event goes to, and which detectors a partition runs (docs/CLUSTER.md).
 *
 * Partition 0 is the global partition: it receives every event and runs every detector whose
 * state is platform-wide or reads the platform-wide feed state (ledger coverage, per-source
 * clock offsets, peer medians, campaigns per signing key): there, and only there, they see
 * exactly the events, in the same order and with the same timer ticks, as in one process.
 * The keyed detectors run on the partition of their key, FNV-1a 32 of the key modulo the
 * partition count (partition 0 owns its share of keys too):
 *
 * - `credential-stuffing`, by source address: a source's events from its first failed login on
 *   (before that the detector ignores the source, see `isFailedLogin`);
 * - `cross-account-access`, by the token's `sub`: only the events it looks at
 *   (`mayCrossAccounts`), plus every ledger record (it reads the client and grant a token was
 *   issued with, and a record's `sub` need not be the token's).
 *
 * Ledger records go to every partition. The publisher keeps one set: the addresses that failed
 * a login. Every event carries the global watermark before it, so a keyed engine's watermark
 * and late flags are the single process's (see `Engine.advanceTo`).
 */
import type { AccessEvent, PipelineEvent } from '../model/index.js';
import { isFailedLogin, mayCrossAccounts, type RouteTable } from '../detect/index.js';
import { partitionOf } from './fnv.js';

/** The partition that receives every event and runs the platform-wide detectors. */
export const GLOBAL_PARTITION = 0;

/** The routing keys of the keyed detectors. */
export type KeyKind = 'ip' | 'sub';

/** Each keyed detector and the key its state is kept by. */
export const KEYED_DETECTORS: Readonly<Record<KeyKind, string>> = {
  ip: 'credential-stuffing',
  sub: 'cross-account-access',
};

/** The key kinds, in a fixed order. */
export const KEY_KINDS: readonly KeyKind[] = ['ip', 'sub'];

/** True for a keyed detector (partition 0's global engine runs every built-in but these). */
export function isKeyed(detector: string): boolean {
  return KEY_KINDS.some((k) => KEYED_DETECTORS[k] === detector);
}

/** The key of kind `k` an access event is routed by for its keyed detector, if it needs the event. */
export function keyOf(k: KeyKind, e: AccessEvent): string | undefined {
  return k === 'ip' ? e.src_ip : e.token?.sub;
}

/** The publisher's side of the routing: partitions per event, with the one set it keeps. */
export class Router {
  /** Sources that failed a login so far (credential-stuffing's state starts there). */
  private readonly failed = new Set<string>();

  constructor(private readonly partitions: number, private readonly routes: RouteTable) {}

  /**
   * Calls `to(p)` once for every partition `e` goes to (partition 0 first, always). A keyed
   * worker checks ownership again (`owns`), so a superset here is harmless.
   */
  route(e: PipelineEvent, to: (p: number) => void): void {
    to(GLOBAL_PARTITION);
    const n = this.partitions;
    if (n === 1) return;
    if (e.kind === 'ledger') {
      for (let p = 1; p < n; p++) to(p);
      return;
    }
    let ip = -1;
    if (this.failed.has(e.src_ip) || (isFailedLogin(e, this.routes) && this.failed.add(e.src_ip))) {
      ip = partitionOf(e.src_ip, n);
      if (ip !== GLOBAL_PARTITION) to(ip);
    }
    if (mayCrossAccounts(e, this.routes)) {
      const sub = partitionOf((e.token as NonNullable<AccessEvent['token']>).sub, n);
      if (sub !== GLOBAL_PARTITION && sub !== ip) to(sub);
    }
  }
}

/** The worker's side: does partition `p` of `partitions` own `e` for key kind `k`? Ledger records: always. */
export function owns(k: KeyKind, e: PipelineEvent, p: number, partitions: number): boolean {
  if (e.kind === 'ledger') return true;
  const key = keyOf(k, e);
  return key !== undefined && partitionOf(key, partitions) === p;
}
