/**
 * The timeline chart's scales: a round maximum for the value axis and a few readable ticks
 * on whole hours or days for the time axis. Pure functions (no DOM), tested on their own.
 */

/** One hour in ms. */
export const HOUR = 3_600_000;
/** One day in ms. */
export const DAY = 24 * HOUR;

/** 1, 2, 5 × 10^k at or above `v` (at least 1), so axis labels are round. */
export function niceMax(v: number): number {
  if (v <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].map((m) => m * p).find((c) => c >= v)) ?? 10 * p;
}

/** Up to ~6 x-axis ticks on whole hours (short spans) or whole days (long spans). */
export function xTicks(from: number, to: number): { at: number; label: string }[] {
  const span = to - from;
  const step = span <= 12 * HOUR ? 2 * HOUR : span <= 48 * HOUR ? 6 * HOUR : Math.ceil(span / 6 / DAY) * DAY;
  const out: { at: number; label: string }[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
    const iso = new Date(t).toISOString();
    out.push({ at: t, label: step < DAY ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(5, 10) });
  }
  return out;
}
