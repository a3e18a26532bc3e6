/**
 * Portal bench: `npm run bench -- portal [--seconds S]`. Builds a fixture incident (the small
 * forged-token simulation, hunted and scoped by the real CLI), starts `breachwatch portal` as
 * its own process and a bare fastify constant route as another, and drives both from a
 * separate load-generator process on loopback (autocannon for the bursts: it spends far less
 * CPU per request than the servers, so the rates compare the servers, not the client):
 *   - baseline: GET of the constant route, the figure every rate is compared with;
 *   - OTP requests/s: POST /lookup (an unknown address: the same work as a known one but the
 *     mail, which the shared relay's rate limit would bound), alone;
 *   - a person's step/s: that POST and the GET /code it redirects to (two requests);
 *   - verified-page views/s: GET /me with signed-in sessions (signed in through real codes
 *     read from a real SMTP server);
 *   - steady run: both at a fixed rate for `--seconds` (default 30; 300 for the 5-minute
 *     run), the portal's RSS sampled every second. A code's challenge and the session asked
 *     for with it live `otp.ttl_s` (here 60 s; swept every 30 s), so the live state grows for
 *     the first 90 s and then holds: the figure is RSS after that warm-up vs at the end (and
 *     first vs last tenth, which includes the warm-up).
 * The portal runs with its request log off (`--quiet`) and limits raised out of the way
 * (they are what is measured elsewhere), lookup floor 0 (the floor is a chosen wait, not work).
 */
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawn } from 'node:child_process';
import { buildFixture, startPortalProcess, until, VICTIM } from '../test/portal/fixture.js';

const run = promisify(execFile);

async function loadgen(args: object): Promise<{ ok: number; bad: number; perSecond: number; p50: number; p99: number }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'portal-loadgen.ts'), JSON.stringify(args)], { maxBuffer: 1 << 24 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { ok: number; bad: number; perSecond: number; p50: number; p99: number };
}

/** CPU time (user + system, ms) a process has used so far. */
async function cpuMs(pid: number): Promise<number> {
  const f = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  return (Number(f[11]) + Number(f[12])) * 10;
}

/** Runs the load generator while measuring the server's CPU: adds CPU ms per answered request. */
async function measured(pid: number, args: object): Promise<Awaited<ReturnType<typeof loadgen>> & { cpuPer: number }> {
  const before = await cpuMs(pid);
  const r = await loadgen(args);
  return { ...r, cpuPer: ((await cpuMs(pid)) - before) / Math.max(1, r.ok) };
}

async function rssMiB(pid: number): Promise<number> {
  const s = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024);
}

/** Signs in `n` sessions as the fixture's victim (codes read from the SMTP server); returns their cookies. */
async function signIn(url: string, sink: { arrived: { to: string; text: string }[] }, n: number): Promise<string[]> {
  const cookies: string[] = [];
  for (let i = 0; i < n; i++) {
    let cookie = '';
    let csrf = '';
    const go = async (method: string, path: string, form?: Record<string, string>): Promise<Response> => {
      const r = await fetch(`${url}${path}`, { method, redirect: 'manual', headers: { cookie, ...(form && { 'content-type': 'application/x-www-form-urlencoded' }) }, ...(form && { body: new URLSearchParams(form).toString() }) });
      const set = r.headers.get('set-cookie');
      if (set !== null) cookie = set.split(';')[0] ?? '';
      const m = /name="csrf" value="([^"]+)"/.exec(await r.clone().text());
      if (m?.[1] !== undefined) csrf = m[1];
      return r;
    };
    await go('GET', '/');
    const before = sink.arrived.length;
    await go('POST', '/lookup', { csrf, identifier: VICTIM });
    await go('GET', '/code');
    const mail = await until('a code', 30_000, () => sink.arrived.slice(before).find((m) => m.to === VICTIM));
    const code = /\b(\d{6})\b/.exec(mail.text)?.[1] ?? '';
    const r = await go('POST', '/verify', { csrf, code });
    if (r.status !== 303) throw new Error(`sign-in failed: ${r.status}`);
    cookies.push(cookie);
  }
  return cookies;
}

/** How long a code (and the session asked for with it) lives in the bench. */
const OTP_TTL_S = 60;
/** When the live state has stopped growing: the TTL and one sweep interval. */
const WARM_S = OTP_TTL_S + 30;

/** Runs the bench. */
export async function benchPortal(opts: { seconds?: number } = {}): Promise<void> {
  const steadySeconds = opts.seconds ?? 30;
  const burst = 8;
  const fx = await buildFixture(`lookup_floor_ms: 0
otp: { ttl_s: ${OTP_TTL_S} }
session_ttl_s: ${steadySeconds + 600}
limits: { per_identifier_max: 1000000, per_address_max: 100000000, global_per_second: 1000000 }
`);
  const portal = await startPortalProcess(fx.config, true);
  const base = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'portal-baseline.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const baseUrl = await new Promise<string>((res) => base.stdout.setEncoding('utf8').once('data', (d: string) => res((JSON.parse(d.split('\n')[0] ?? '{}') as { url: string }).url)));
    const cookies = await signIn(portal.url, fx.sink, 8);
    const c = 32;
    // Warm both up, then measure.
    await loadgen({ mode: 'baseline', url: baseUrl, seconds: 2, concurrency: c });
    await loadgen({ mode: 'page', url: portal.url, seconds: 2, concurrency: c, cookies });
    const b = await measured(base.pid ?? 0, { mode: 'baseline', url: baseUrl, seconds: burst, concurrency: c });
    const l = await measured(portal.pid, { mode: 'lookup', url: portal.url, seconds: burst, concurrency: c });
    const o = await measured(portal.pid, { mode: 'otp', url: portal.url, seconds: burst, concurrency: c });
    const p = await measured(portal.pid, { mode: 'page', url: portal.url, seconds: burst, concurrency: c, cookies });
    const pct = (x: number): string => `${Math.round((100 * x) / Math.max(1, b.perSecond))}%`;
    const cpu = (x: { cpuPer: number }): string => `server CPU ${x.cpuPer.toFixed(3)} ms each (baseline's ${(x.cpuPer / Math.max(1e-9, b.cpuPer)).toFixed(1)}x)`;
    console.log(`portal bench (loopback, ${c} connections, ${burst} s each, load generator in its own process)`);
    console.log(`  baseline fastify constant route : ${b.perSecond} req/s   p50 ${b.p50} ms  p99 ${b.p99} ms  server CPU ${b.cpuPer.toFixed(3)} ms each`);
    console.log(`  OTP requests (POST /lookup)      : ${l.perSecond} /s    p50 ${l.p50} ms  p99 ${l.p99} ms  = ${pct(l.perSecond)} of baseline (${l.bad} unfinished or refused); ${cpu(l)}`);
    console.log(`  a person's step (lookup + code page, 2 requests): ${o.perSecond} /s    p50 ${o.p50} ms  p99 ${o.p99} ms  = ${pct(o.perSecond)} of baseline (${o.bad} unfinished or refused); ${cpu(o)}`);
    console.log(`  verified-page views (/me)        : ${p.perSecond} /s    p50 ${p.p50} ms  p99 ${p.p99} ms  = ${pct(p.perSecond)} of baseline (${p.bad} unfinished or refused); ${cpu(p)}`);

    const rate = 40;
    const samples: number[] = [];
    const sampler = setInterval(() => { void rssMiB(portal.pid).then((m) => samples.push(m)); }, 1000);
    const s = await loadgen({ mode: 'steady', url: portal.url, seconds: steadySeconds, concurrency: 1, rate, cookies });
    clearInterval(sampler);
    const tenth = Math.max(1, Math.floor(samples.length / 10));
    const avg = (xs: number[]): number => Math.round(xs.reduce((x, y) => x + y, 0) / Math.max(1, xs.length));
    const first = avg(samples.slice(0, tenth));
    const last = avg(samples.slice(-tenth));
    console.log(`  steady ${rate} req/s for ${steadySeconds} s (lookups and page views alternating): ${s.perSecond} /s done, p99 ${s.p99} ms, ${s.bad} refused`);
    const sign = (d: number): string => `${d >= 0 ? '+' : ''}${d}`;
    console.log(`  portal RSS: first tenth ${first} MiB, last tenth ${last} MiB (${sign(last - first)} MiB), max ${Math.max(...samples)} MiB`);
    if (samples.length > WARM_S + 30) {
      const settled = avg(samples.slice(WARM_S, WARM_S + 10));
      console.log(`  after the ${WARM_S} s warm-up (live codes and sessions at their steady number): ${settled} MiB at ${WARM_S} s, ${last} MiB at the end (${sign(last - settled)} MiB over ${samples.length - WARM_S} s)`);
    }
  } finally {
    base.kill('SIGTERM');
    await portal.stop();
    await fx.sink.close();
    await rm(fx.dir, { recursive: true, force: true });
  }
}
