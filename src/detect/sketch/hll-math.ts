/**
 * HyperLogLog estimate from register ranks (shared by the plain and the sliding counter).
 * Uses the standard bias constant and linear counting for small cardinalities.
 */

/** Bias-correction constant for `m` registers. */
function alpha(m: number): number {
  if (m === 16) return 0.673;
  if (m === 32) return 0.697;
  if (m === 64) return 0.709;
  return 0.7213 / (1 + 1.079 / m);
}

/**
 * Cardinality from the sum of 2^-rank over all `m` registers and the number of zero registers.
 */
export function hllEstimate(m: number, invSum: number, zeros: number): number {
  const raw = (alpha(m) * m * m) / invSum;
  if (raw <= 2.5 * m && zeros > 0) return m * Math.log(m / zeros);
  return raw;
}

/**
 * Rank of the `bits`-bit remainder `rest` (1 + leading zeros within `bits` bits), in 1..bits+1.
 */
export function rankOf(rest: number, bits: number): number {
  return rest === 0 ? bits + 1 : Math.clz32(rest) - (32 - bits) + 1;
}
