/**
 * Load generator of the portal bench, its own process; prints one JSON line at the end.
 *   tsx bench/portal-loadgen.ts <json>   with {mode, url, seconds, concurrency, rate?, cookies?}
 * Modes: `baseline` GETs `/`; `otp` is a person asking for a code (GET / once per worker,
 * then POST /lookup with a fresh unknown address and the GET /code its redirect leads to,
 * which gives the next form's token: one OTP request = that pair); `page` GETs `/me` with a
 * signed-in cookie; `steady` does `otp` and `page` alternately at `rate` requests a second.
 */
import { randomBytes } from 'node:crypto';

interface Args { mode: 'baseline' | 'otp' | 'page' | 'steady'; url: string; seconds: number; concurrency: number; rate?: number; cookies?: string[] }
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

async function closed(kind: 'baseline' | 'otp' | 'page', i: number): Promise<void> {
  const w = new Worker(kind === 'page' ? a.cookies?.[i % (a.cookies.length || 1)] ?? '' : '');
  if (kind === 'otp') await w.req('GET', '/?lang=en');
  while (performance.now() < end) await one(w, kind);
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

const t0 = performance.now();
if (a.mode === 'steady') await steady();
else await Promise.all(Array.from({ length: a.concurrency }, (_, i) => closed(a.mode as 'baseline' | 'otp' | 'page', i)));
const secs = (performance.now() - t0) / 1000;
lat.sort((x, y) => x - y);
const q = (p: number): number => Math.round((lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0) * 100) / 100;
console.log(JSON.stringify({ mode: a.mode, ok, bad, perSecond: Math.round(ok / secs), p50: q(0.5), p99: q(0.99) }));
