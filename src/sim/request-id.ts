/**
 * Request ids that hide who made the request. Each id is a keyed Feistel permutation of
 * `counter * 2 + attackerBit` over 48 bits, printed as `r-` + 12 hex digits: unique by
 * construction, random-looking without the key, and decodable with the key stored in
 * `truth.json` — so a scorer can label any event, while detectors cannot.
 */

const MASK24 = 0xffffff;
const TWO24 = 0x1000000;

/** The secret that labels request ids; written to truth.json only. */
export interface RequestIdKey {
  readonly scheme: 'feistel48-v1';
  readonly rounds: readonly number[];
}

function round(x: number, k: number): number {
  let h = Math.imul(x ^ k, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & MASK24;
}

const H3 = Array.from({ length: 4096 }, (_, i) => i.toString(16).padStart(3, '0'));

function hex6(x: number): string {
  return (H3[x >>> 12] ?? '000') + (H3[x & 4095] ?? '000');
}

/** Issues request ids in order; deterministic for a given key. */
export class RequestIds {
  private counter = 0;
  private readonly k: readonly number[];

  constructor(readonly key: RequestIdKey) {
    this.k = key.rounds;
  }

  /** Next id; `attacker` sets the hidden bit. */
  next(attacker: boolean): string {
    const v = this.counter++ * 2 + (attacker ? 1 : 0);
    let l = Math.floor(v / TWO24) & MASK24;
    let r = v & MASK24;
    for (const k of this.k) {
      const nl = r;
      r = l ^ round(r, k);
      l = nl;
    }
    return 'r-' + hex6(l) + hex6(r);
  }
}

/** Decodes an id made by {@link RequestIds}: true when it marks an attacker request. */
export function isAttackRequestId(id: string, key: RequestIdKey): boolean {
  if (id.length !== 14 || !id.startsWith('r-')) return false;
  let l = parseInt(id.slice(2, 8), 16);
  let r = parseInt(id.slice(8, 14), 16);
  if (!Number.isFinite(l) || !Number.isFinite(r)) return false;
  for (let i = key.rounds.length - 1; i >= 0; i--) {
    const pl = r ^ round(l, key.rounds[i] ?? 0);
    r = l;
    l = pl;
  }
  return (r & 1) === 1;
}
