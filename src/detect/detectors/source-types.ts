/**
 * The five source types of many-accounts-per-source (their entity and indicator names) and
 * the per-token cache of which sources a request resolves to.
 */
import type { EntityType, Indicator } from '../../model/index.js';
import type { Src } from './source-state.js';

export const T_IP = 0, T_SUBNET = 1, T_DEVICE = 2, T_UA = 3, T_ACTOR = 4;
/** Alert entity type per source type. */
export const ENTITY: readonly EntityType[] = ['ip', 'subnet', 'device', 'user_agent', 'account'];
/** Indicator type per source type. */
export const IND: readonly Indicator['type'][] = ['ip', 'subnet', 'device', 'user_agent', 'actor'];
/** Title label per source type. */
export const LABEL: readonly string[] = ['IP', 'Subnet', 'Device', 'User agent', 'Account'];

/**
 * The sources one token's requests resolve to: a Src, or for ip/subnet/device a slot in the
 * single-account table (slot + key hash, re-checked on use since the slot may be promoted).
 */
export class Binding {
  gen = 0;
  s0: Src | undefined = undefined;
  s1: Src | undefined = undefined;
  s2: Src | undefined = undefined;
  p0 = -1;
  p1 = -1;
  p2 = -1;
  k0 = 0;
  k1 = 0;
  k2 = 0;

  constructor(
    readonly ip: string, readonly dev: string | undefined, readonly ua: string | undefined,
    readonly acct: string | undefined, readonly h: number, readonly net: string | undefined,
    readonly sUa: Src | undefined,
  ) {}

  set(type: number, s: Src | undefined, slot: number, kh: number): void {
    if (type === T_IP) { this.s0 = s; this.p0 = slot; this.k0 = kh; }
    else if (type === T_SUBNET) { this.s1 = s; this.p1 = slot; this.k1 = kh; }
    else { this.s2 = s; this.p2 = slot; this.k2 = kh; }
  }

  src(type: number): Src | undefined {
    return type === T_IP ? this.s0 : type === T_SUBNET ? this.s1 : this.s2;
  }

  slot(type: number): number {
    return type === T_IP ? this.p0 : type === T_SUBNET ? this.p1 : this.p2;
  }

  kh(type: number): number {
    return type === T_IP ? this.k0 : type === T_SUBNET ? this.k1 : this.k2;
  }
}

