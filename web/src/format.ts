/**
 * Display formatting. Times are event time and shown in UTC, to the second, so what the
 * analyst reads matches the logs and the alert files.
 */

const nf = new Intl.NumberFormat('en-US');

/** `2025-06-24T03:12:45.123Z` → `2025-06-24 03:12:45 UTC`; unparseable input as given. */
export function fmtTime(t: string | number | null | undefined): string {
  if (t === null || t === undefined || t === '') return '—';
  const ms = typeof t === 'number' ? t : Date.parse(t);
  if (!Number.isFinite(ms)) return String(t);
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Epoch ms of an RFC 3339 string or epoch-ms number; NaN when unparseable. */
export function toMs(t: string | number): number {
  return typeof t === 'number' ? t : Date.parse(t);
}

/** Thousands separators: 148000000 → `148,000,000`. */
export function fmtNum(n: number | null | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? nf.format(n) : '—';
}

/** A duration in words, coarse: `5 d 3 h`, `42 min`, `12 s`. */
export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const hrs = Math.floor(m / 60);
  if (hrs < 48) return `${hrs} h ${m % 60} min`;
  return `${Math.floor(hrs / 24)} d ${hrs % 24} h`;
}

/** An autonomous system number as `AS4766` (accepts `4766`, `"4766"` or `"AS4766"`). */
export function fmtAsn(asn: string | number | undefined): string {
  if (asn === undefined || asn === '') return '—';
  return `AS${String(asn).replace(/^AS/i, '')}`;
}
