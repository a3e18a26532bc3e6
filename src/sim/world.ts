/**
 * What every generator shares during a run: the clock frame, the customers, the network
 * pieces, the random stream and the emitter.
 */
import type { Emitter } from './emit.js';
import type { Population } from './population.js';
import type { Rng } from './rng.js';

/** Called whenever the auth server issues a customer token (token-replay hooks in here). */
export type IssueHook = (account: number, t: number, jti: string, token: string, exp: number) => void;

/** Shared run state. */
export interface World {
  /** Epoch ms of the first simulated instant (a UTC midnight). */
  readonly start: number;
  readonly days: number;
  readonly pop: Population;
  /** Office egress addresses customers use from work. */
  readonly offices: readonly { ip: string; asn: string }[];
  readonly rng: Rng;
  readonly emit: Emitter;
  /** 1 at planted honey accounts: no benign session or lookup ever reads them. */
  readonly honey: Uint8Array;
  onIssue: IssueHook | null;
}

/** Day of week (0 = Sunday) in Korea at epoch ms `t`. */
export function kstWeekday(t: number): number {
  return new Date(t + 9 * 3600_000).getUTCDay();
}

/** True for a Korean Saturday or Sunday. */
export function isWeekend(t: number): boolean {
  const d = kstWeekday(t);
  return d === 0 || d === 6;
}
