/**
 * Load generator of the portal bench, its own process; prints one JSON line at the end.
 *   tsx bench/portal-loadgen.ts <json>   with {mode, url, seconds, concurrency, rate?, cookies?}
 * Modes: `baseline` GETs `/`; `lookup` is the OTP request alone (POST /lookup with a fresh
 * unknown address, again and again with the form token of one GET /: the token is an HMAC of
 * the cookie, so it stays valid, as it would for a script hammering the form); `otp` is a
 * person's step (that POST and the GET /code its redirect leads to, which gives the next
 * form's token: one unit = that pair);
 * `page` GETs `/me` with a signed-in cookie; `steady` does `otp` and `page` alternately at
 * `rate` requests a second.
 * The burst modes run on autocannon (keep-alive connections, requests written from
 * prepared buffers), which spends far less CPU per request than `fetch`: the server under
 * test, not the load generator, is what runs out, so the rates compare the servers' costs.
 * The steady mode runs at a fixed low rate, where the client's cost does not matter, on fetch.
 */
import { randomBytes } from 'node:crypto';
import autocannon, { type Context, type Request } from 'autocannon';

type Burst = 'baseline' | 'lookup' | 'otp' | 'page';
interface Args { mode: Burst | 'steady'; url: string; seconds: number; concurrency: number; rate?: number; cookies?: string[] }
const a = JSON.parse(process.argv[2] ?? '{}') as Args;

class Worker {
  cookie = '';
  csrf = '';
  constructor(cookie = '') { this.cookie = cookie; }
  async req(method: string, path: string, body?: string): Promise<number> {
    const r = await fetch(`${a.url}${path}`, {
      method, redirect: 'manual',
      headers: { ...(this.cookie !== '' && { cookie: this.cookie }), ...(body !== undefined && { 'content-type': 'application/x-www-form-urlencoded' }) },
      ...(body !== undefined && { body }),
    });
    const set = r.headers.get('set-cookie');
    if (set !== null) this.cookie = set.split(';')[0] ?? '';
    const text = await r.text();
    const m = /name="csrf" value="([^"]+)"/.exec(text);
    if (m?.[1] !== undefined) this.csrf = m[1];
    return r.status;
  }
  async otp(): Promise<boolean> {
    const s = await this.req('POST', '/lookup', new URLSearchParams({ csrf: this.csrf, lang: 'en', identifier: `load-${randomBytes(6).toString('hex')}@bench.example.org` }).toString());
    if (s !== 303) return false;
    return (await this.req('GET', '/code?lang=en')) === 200;
  }
}

const lat: number[] = [];
let ok = 0;
let bad = 0;
const end = performance.now() + a.seconds * 1000;

async function one(w: Worker, kind: 'baseline' | 'otp' | 'page'): Promise<void> {
  const t = performance.now();
  const good = kind === 'otp' ? await w.otp() : (await w.req('GET', kind === 'page' ? '/me?lang=en' : '/')) === 200;
  lat.push(performance.now() - t);
  if (good) ok++; else bad++;
}

/** Free OTP workers: each holds one cookie and form token, so it serves one request at a time. */
const idle: Worker[] = [];
async function otpOnce(): Promise<void> {
  let w = idle.pop();
  if (w === undefined) {
    w = new Worker();
    await w.req('GET', '/?lang=en');
  }
  try { await one(w, 'otp'); } finally { idle.push(w); }
}

async function steady(): Promise<void> {
  const pageW = (a.cookies ?? []).map((c) => new Worker(c));
  const interval = 1000 / (a.rate ?? 50);
  let n = 0;
  const inflight = new Set<Promise<void>>();
  const start = performance.now();
  while (performance.now() < end) {
    const due = start + n * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const pw = pageW[n % Math.max(1, pageW.length)];
    const p = n % 2 === 0 || pw === undefined ? otpOnce() : one(pw, 'page');
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
    n++;
  }
  await Promise.all(inflight);
}

/** A fresh address nobody holds (the same work as a known one, minus the mail). */
let lookups = 0;
const unknown = (): string => `load-${process.pid}-${lookups++}@bench.example.org`;
const FORM = 'application/x-www-form-urlencoded';
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The sequence of requests each autocannon connection repeats, and how many make one unit. */
async function burstRequests(mode: Burst): Promise<{ requests: Request[]; per: number; expect: Record<string, number> }> {
  if (mode === 'baseline') return { requests: [{ method: 'GET', path: '/' }], per: 1, expect: { 200: 1 } };
  if (mode === 'page') {
    const cookies = a.cookies ?? [];
    let next = 0;
    return {
      requests: [{
        method: 'GET', path: '/me?lang=en',
        setupRequest: (req, ctx) => {
          ctx.cookie ??= cookies[next++ % Math.max(1, cookies.length)] ?? '';
          return { ...req, headers: { cookie: str(ctx.cookie) } };
        },
      }],
      per: 1, expect: { 200: 1 },
    };
  }
  const w = new Worker();
  await w.req('GET', '/?lang=en');
  const start: Context = { cookie: w.cookie, csrf: w.csrf };
  if (mode === 'lookup') {
    const body = (): string => new URLSearchParams({ csrf: str(start.csrf), lang: 'en', identifier: unknown() }).toString();
    return {
      requests: [{ method: 'POST', path: '/lookup', setupRequest: (req) => ({ ...req, headers: { cookie: str(start.cookie), 'content-type': FORM }, body: body() }) }],
      per: 1, expect: { 303: 1 },
    };
  }
  return {
    requests: [
      {
        method: 'POST', path: '/lookup',
        setupRequest: (req, ctx) => {
          ctx.cookie ??= start.cookie;
          ctx.csrf ??= start.csrf;
          return { ...req, headers: { cookie: str(ctx.cookie), 'content-type': FORM }, body: new URLSearchParams({ csrf: str(ctx.csrf), lang: 'en', identifier: unknown() }).toString() };
        },
        onResponse: (_status, _body, ctx, headers) => {
          const set = headers['set-cookie'];
          if (set !== undefined) ctx.cookie = String(set).split(';')[0] ?? '';
        },
      },
      {
        method: 'GET', path: '/code?lang=en',
        setupRequest: (req, ctx) => ({ ...req, headers: { cookie: str(ctx.cookie) } }),
        onResponse: (_status, body, ctx) => {
          const m = /name="csrf" value="([^"]+)"/.exec(body);
          if (m?.[1] !== undefined) ctx.csrf = m[1];
        },
      },
    ],
    per: 2, expect: { 303: 1, 200: 1 },
  };
}

/** Runs a burst mode on autocannon: units (requests, or OTP pairs) per second, and how many answered as expected. */
async function burst(mode: Burst): Promise<void> {
  const { requests, per, expect } = await burstRequests(mode);
  const r = await autocannon({ url: a.url, connections: a.concurrency, duration: a.seconds, requests });
  const answered = Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, v.count]));
  // A unit is good when each of its requests got the status expected of it; the rest are refusals.
  const units = Math.min(...Object.entries(expect).map(([status, n]) => Math.floor((answered[status] ?? 0) / n)));
  const total = Math.floor(r.requests.total / per);
  console.log(JSON.stringify({
    mode, ok: units, bad: Math.max(0, total - units) + r.errors + r.timeouts, perSecond: Math.round(units / a.seconds),
    p50: r.latency.p50, p99: r.latency.p99, statuses: answered,
  }));
}

if (a.mode === 'steady') {
  const t0 = performance.now();
  await steady();
  const secs = (performance.now() - t0) / 1000;
  lat.sort((x, y) => x - y);
  const q = (p: number): number => Math.round((lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0) * 100) / 100;
  console.log(JSON.stringify({ mode: a.mode, ok, bad, perSecond: Math.round(ok / secs), p50: q(0.5), p99: q(0.99) }));
} else {
  await burst(a.mode);
}
