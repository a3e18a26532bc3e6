/**
 * The customers, held in typed arrays (one slot per account) so that millions fit in memory:
 * home address and ISP, mobile carrier, workplace, activity level, devices, data sizes.
 * Account ids and device ids are computed from the index, never stored as strings.
 */
import { DeviceKind } from './agents.js';
import { ISPS, residentialIp } from './network.js';
import { hex8, permute32, type Rng } from './rng.js';

/** Mean sessions per day for each activity class (most visit a few times a month). */
export const ACTIVITY_RATE: readonly number[] = [0.05, 0.2, 0.8];

/** All customers. */
export interface Population {
  readonly n: number;
  readonly homeIp: Uint32Array;
  readonly isp: Uint8Array;
  readonly carrier: Uint8Array;
  /** 0 = works from no office; k = office egress k-1. */
  readonly office: Uint16Array;
  readonly activity: Uint8Array;
  readonly devCount: Uint8Array;
  readonly devKind: Uint8Array;
  readonly uaVariant: Uint8Array;
  readonly addrCount: Uint8Array;
  readonly orderCount: Uint8Array;
  /** Key of the device-id permutation. */
  readonly deviceKey: number;
}

/** `m-0000001` for index 0. */
export function accountId(i: number): string {
  return 'm-' + String(i + 1).padStart(7, '0');
}

/** Stable device id of an account's device slot (0 or 1); unique across accounts. */
export function deviceId(pop: Population, i: number, slot: number): string {
  return 'd-' + hex8(permute32(i * 2 + slot, pop.deviceKey));
}

function drawKind(rng: Rng): number {
  const u = rng.float();
  if (u < 0.38) return DeviceKind.Android;
  if (u < 0.62) return DeviceKind.Ios;
  if (u < 0.82) return DeviceKind.DesktopChrome;
  if (u < 0.9) return DeviceKind.MacSafari;
  return DeviceKind.MobileWeb;
}

/** Builds `n` customers; `offices` is how many office egress addresses exist. */
export function createPopulation(n: number, offices: number, rng: Rng): Population {
  const pop: Population = {
    n,
    homeIp: new Uint32Array(n),
    isp: new Uint8Array(n),
    carrier: new Uint8Array(n),
    office: new Uint16Array(n),
    activity: new Uint8Array(n),
    devCount: new Uint8Array(n),
    devKind: new Uint8Array(n * 2),
    uaVariant: new Uint8Array(n),
    addrCount: new Uint8Array(n),
    orderCount: new Uint8Array(n),
    deviceKey: rng.u32(),
  };
  for (let i = 0; i < n; i++) {
    const isp = rng.int(ISPS.length);
    pop.isp[i] = isp;
    // Households share an address now and then: reuse the previous customer's.
    pop.homeIp[i] = i > 0 && rng.chance(0.04) ? (pop.homeIp[i - 1] ?? 0) : residentialIp(rng, isp);
    if (i > 0 && pop.homeIp[i] === pop.homeIp[i - 1]) pop.isp[i] = pop.isp[i - 1] ?? isp;
    pop.carrier[i] = rng.int(3);
    pop.office[i] = offices > 0 && rng.chance(0.08) ? 1 + rng.int(offices) : 0;
    const a = rng.float();
    pop.activity[i] = a < 0.7 ? 0 : a < 0.92 ? 1 : 2;
    const two = rng.chance(0.35);
    pop.devCount[i] = two ? 2 : 1;
    pop.devKind[i * 2] = drawKind(rng);
    pop.devKind[i * 2 + 1] = drawKind(rng);
    pop.uaVariant[i] = rng.int(256);
    pop.addrCount[i] = 1 + Math.min(3, Math.floor(rng.exp(0.8)));
    pop.orderCount[i] = Math.min(40, Math.floor(rng.exp(7)));
  }
  return pop;
}
