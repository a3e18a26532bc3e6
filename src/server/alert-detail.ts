/**
 * One alert's page: the alert, an hourly timeline of the personal-data requests behind it
 * (requests and distinct accounts per hour, from the store's scope aggregates over the alert's
 * indicators clipped to each hour; per day when the alert spans more than two days), its top
 * sources, the tokens and keys involved.
 */
import type { Alert, Indicator } from '../model/index.js';
import { HOUR, toRfc3339 } from '../model/index.js';
import type { AlertStore, ScopeStore } from '../store/index.js';

/** The answer of `GET /api/v1/alerts/:id`. */
export interface AlertDetail {
  readonly alert: Alert;
  readonly timeline: { hour: string; requests: number; accounts: number }[];
  readonly bucket: 'hour' | 'day';
  readonly sources: { ip: string; country?: string; asn?: string; requests: number; accounts: number }[];
  readonly tokens: { count: number; sample: string[] };
  readonly keys: string[];
}

const MAX_HOURS = 48;
const TOP_SOURCES = 20;

function clip(ind: readonly Indicator[], from: number, to: number): Indicator[] {
  return ind.filter((i) => i.first_seen <= to && i.last_seen >= from)
    .map((i) => ({ ...i, first_seen: Math.max(i.first_seen, from), last_seen: Math.min(i.last_seen, to) }));
}

async function hourly(store: ScopeStore, ind: readonly Indicator[], from: number, to: number): Promise<AlertDetail['timeline']> {
  const out: AlertDetail['timeline'] = [];
  for (let h = Math.floor(from / HOUR) * HOUR; h <= to; h += HOUR) {
    const part = clip(ind, h, h + HOUR - 1);
    if (part.length === 0) { out.push({ hour: toRfc3339(h), requests: 0, accounts: 0 }); continue; }
    const agg = await store.scopeAggregates({ indicators: part });
    const requests = agg.by_day.reduce((s, d) => s + d.requests, 0);
    out.push({ hour: toRfc3339(h), requests, accounts: agg.accounts_affected });
  }
  return out;
}

/** Builds the detail of `alert` from the store. */
export async function alertDetail(store: ScopeStore & AlertStore, alert: Alert): Promise<AlertDetail> {
  const ind: Indicator[] = (await store.listIndicators([alert.alert_id]))
    .map((s) => ({ type: s.type, value: s.value, first_seen: s.first_seen, last_seen: s.last_seen }));
  const tokens = ind.filter((i) => i.type === 'token').map((i) => i.value);
  const keys = new Set<string>();
  if (alert.entity.type === 'key') keys.add(alert.entity.id);
  const kids = alert.details['kids'];
  if (Array.isArray(kids)) for (const k of kids) if (typeof k === 'string') keys.add(k);
  let timeline: AlertDetail['timeline'] = [];
  let bucket: AlertDetail['bucket'] = 'hour';
  let sources: AlertDetail['sources'] = [];
  if (ind.length > 0) {
    const from = Math.min(...ind.map((i) => i.first_seen));
    const to = Math.max(...ind.map((i) => i.last_seen));
    const all = await store.scopeAggregates({ indicators: ind });
    sources = [...all.sources].sort((a, b) => b.requests - a.requests).slice(0, TOP_SOURCES).map((s) => ({
      ip: s.ip, requests: s.requests, accounts: s.accounts,
      ...(s.country !== undefined && { country: s.country }), ...(s.asn !== undefined && { asn: s.asn }),
    }));
    if (to - from <= MAX_HOURS * HOUR) timeline = await hourly(store, ind, from, to);
    else {
      bucket = 'day';
      timeline = all.by_day.map((d) => ({ hour: `${d.day}T00:00:00.000Z`, requests: d.requests, accounts: d.accounts }));
    }
  }
  return { alert, timeline, bucket, sources, tokens: { count: tokens.length, sample: tokens.slice(0, 20) }, keys: [...keys] };
}
