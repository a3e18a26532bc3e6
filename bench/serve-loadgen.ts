/**
 * Load generator of the serve benchmarks, run as its own process (so the server's figures are
 * its own). Prints one JSON line at the end.
 *   tsx bench/serve-loadgen.ts files  '{"url","key","dir","batch","concurrency"}'
 *     posts a simulation's ledger then access files as fast as the server acknowledges.
 *   tsx bench/serve-loadgen.ts steady '{"url","key","analystKey","rate","seconds","forgedEveryMs"}'
 *     posts live traffic (event time = now) at a steady rate, every `forgedEveryMs` one request
 *     with a new forged token signed by another registered key (sig-bench-<n>), and polls the
 *     API until its unissued-token alert is listed: the latencies are the figures.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

async function post(url: string, key: string, path: string, body: string): Promise<number> {
  for (;;) {
    const res = await fetch(`${url}${path}`, { method: 'POST', body, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' } });
    await res.arrayBuffer();
    if (res.status !== 429 && res.status !== 503) return res.status;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function lines(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const f of (await readdir(dir)).filter((x) => x.endsWith('.ndjson')).sort()) {
    for (const l of (await readFile(join(dir, f), 'utf8')).split('\n')) if (l !== '') out.push(l);
  }
  return out;
}

interface FilesArgs { url: string; key: string; dir: string; batch: number; concurrency: number }

async function files(a: FilesArgs): Promise<object> {
  const ledger = await lines(join(a.dir, 'ledger'));
  const access = await lines(join(a.dir, 'access'));
  const jobs: { path: string; body: string; n: number }[] = [];
  for (let i = 0; i < ledger.length; i += a.batch) jobs.push({ path: '/v1/events/ledger', body: ledger.slice(i, i + a.batch).join('\n'), n: Math.min(a.batch, ledger.length - i) });
  for (let i = 0; i < access.length; i += a.batch) jobs.push({ path: '/v1/events/access', body: access.slice(i, i + a.batch).join('\n'), n: Math.min(a.batch, access.length - i) });
  let next = 0;
  let events = 0;
  let bad = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: a.concurrency }, async () => {
    while (next < jobs.length) {
      const j = jobs[next++]!;
      if ((await post(a.url, a.key, j.path, j.body)) === 200) events += j.n;
      else bad++;
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  return { events, seconds, rate: events / seconds, failedRequests: bad, ledger: ledger.length, access: access.length };
}

interface SteadyArgs { url: string; key: string; analystKey: string; rate: number; seconds: number; forgedEveryMs: number }

const KID = 'sig-2024-01';

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function steady(a: SteadyArgs): Promise<object> {
  const tickMs = 50;
  const perTick = Math.round((a.rate * tickMs) / 1000);
  const customers = 20_000;
  const tokens: { jti: string; iat: number; sub: string }[] = [];
  let seq = 0;
  let forgedN = 0;
  const posted: number[] = [];
  const seen: number[] = [];
  let sent = 0;
  let lastForged = 0;
  const t0 = Date.now();
  let stop = false;
  const inFlight = new Set<Promise<void>>();
  // Poll the API: the alert's details.tokens counts distinct forged tokens caught.
  const poller = (async () => {
    while (!stop || seen.length < posted.length) {
      const res = await fetch(`${a.url}/api/v1/alerts?detector=unissued-token&limit=1`, { headers: { authorization: `Bearer ${a.analystKey}` } });
      const caught = (await res.json() as { total: number }).total;
      const now = Date.now();
      while (seen.length < Math.min(caught, posted.length)) seen.push(now);
      if (stop && now - t0 > (a.seconds + 30) * 1000) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  while (Date.now() - t0 < a.seconds * 1000) {
    const tick = Date.now();
    const led: string[] = [];
    const acc: string[] = [];
    for (let i = 0; i < perTick; i++) {
      const now = Date.now();
      const c = seq % customers;
      let tok = tokens[c];
      // Rotate ~1% of tokens per tick so the ledger feed (and its watermark) keeps moving.
      if (tok === undefined || seq % 100 === 0) {
        tok = { jti: `t-${c}-${seq}`, iat: Math.floor(now / 1000), sub: `m-${c}` };
        tokens[c] = tok;
        led.push(JSON.stringify({ time: new Date(now).toISOString(), jti: tok.jti, kid: KID, sub: tok.sub, exp: tok.iat + 3600 }));
      }
      let token = { jti: tok.jti, kid: KID, sub: tok.sub, iat: tok.iat, exp: tok.iat + 3600 };
      let ip = `198.51.${(c >> 8) & 255}.${c & 255}`;
      // No forged token in the last 3 s: event time must still pass their allowed lateness.
      if (now - lastForged >= a.forgedEveryMs && i === perTick - 1 && now - t0 < (a.seconds - 3) * 1000) {
        lastForged = now;
        // Each forged token is signed with another registered key: its first use opens a new
        // unissued-token alert (one alert per key), as the first forged request of an attack does.
        token = { jti: `forged-${forgedN}`, kid: `sig-bench-${forgedN}`, sub: 'm-x', iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 3600 };
        forgedN++;
        ip = '203.0.113.66';
        posted.push(now);
      }
      acc.push(JSON.stringify({ time: new Date(now).toISOString(), request_id: `s-${seq}`, src_ip: ip, method: 'GET', route: '/v1/members/{id}/addresses', status: 200, records: 1, account_id: tok.sub, token }));
      seq++;
    }
    // Pipelined like a gateway fleet: a tick does not wait for the previous one's answers.
    while (inFlight.size >= 32) await Promise.race(inFlight);
    const ledBody = led.join('\n');
    const accBody = acc.join('\n');
    const p: Promise<void> = (async () => {
      if (led.length > 0) await post(a.url, a.key, '/v1/events/ledger', ledBody);
      await post(a.url, a.key, '/v1/events/access', accBody);
    })().finally(() => inFlight.delete(p));
    inFlight.add(p);
    sent += acc.length + led.length;
    const wait = tickMs - (Date.now() - tick);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await Promise.all(inFlight);
  const elapsed = (Date.now() - t0) / 1000;
  stop = true;
  await poller;
  const lat = posted.slice(0, seen.length).map((p, i) => (seen[i] as number) - p);
  return { sent, seconds: elapsed, rate: sent / elapsed, forged: posted.length, caught: seen.length, p50Ms: pct(lat, 50), p99Ms: pct(lat, 99), maxMs: Math.max(...lat) };
}

const [mode, json] = process.argv.slice(2);
const args = JSON.parse(json ?? '{}') as FilesArgs & SteadyArgs;
console.log(JSON.stringify(mode === 'files' ? await files(args) : await steady(args)));
