/**
 * Ad-hoc throughput check of the ingest stream (not a test): events/s of openEventStream over
 * a synthetic ~200 MB access NDJSON file, against a baseline loop that only reads the same file
 * and JSON.parses every line. Run: `npx tsx src/ingest/bench-ingest.ts [MB] [rounds] [jitterMs]`
 * (lines are 3 ms apart in event time, each displaced by up to `jitterMs`, default 5000).
 */
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS } from '../src/model/index.js';
import { Catalog, QuarantineWriter, openEventStream } from '../src/ingest/index.js';

const MB = Number(process.argv[2] ?? 200);
const JITTER = Number(process.argv[4] ?? 5000);
const file = join(tmpdir(), `bw-bench-access-${MB}mb${JITTER === 5000 ? '' : `-j${JITTER}`}.ndjson`);

/** Writes synthetic access lines (times drift forward with a few seconds of jitter). */
async function generate(): Promise<void> {
  if (existsSync(file) && statSync(file).size >= MB * 1e6) return;
  const out = createWriteStream(file);
  let bytes = 0;
  let i = 0;
  const t0 = Date.parse('2025-06-24T00:00:00Z');
  while (bytes < MB * 1e6) {
    let chunk = '';
    for (let k = 0; k < 10_000; k++, i++) {
      const t = new Date(t0 + i * 3 - (JITTER > 0 ? (i * 7919) % JITTER : 0)).toISOString();
      const m = `m-${(i * 31) % 1_000_000}`;
      chunk += `${JSON.stringify({
        time: t, request_id: `r-${i.toString(36)}`, src_ip: `203.0.${(i >> 8) & 255}.${i & 255}`,
        user_agent: 'ShopApp/7.1 (iOS 17.5)', device_id: `d-${i % 9973}`, method: 'GET',
        route: '/v1/members/{id}/addresses', status: 200, bytes: 1834, records: 3, account_id: m,
        token: { jti: `5d0c4a8e-1f7e-4c57-9d1b-${(i % 100_000).toString(16).padStart(12, '0')}`, kid: 'sig-2019-01', sub: m, iat: 1719198765, exp: 1719202365, client_id: 'ios' },
      })}\n`;
    }
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

/** Baseline: read, split lines, JSON.parse each. */
async function baseline(): Promise<number> {
  let n = 0;
  let carry = '';
  for await (const c of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const parts = (carry + c.toString('utf8')).split('\n');
    carry = parts.pop() ?? '';
    for (const p of parts) if (p.length > 0 && JSON.parse(p) !== null) n++;
  }
  if (carry.length > 0 && JSON.parse(carry) !== null) n++;
  return n;
}

async function stream(): Promise<number> {
  const s = openEventStream({
    access: [file], ledger: [], catalog: new Catalog([]), keys: [], strict: false,
    reorderBoundMs: DEFAULTS.ingest.reorderBoundMs, quarantine: new QuarantineWriter(),
  });
  let n = 0;
  for await (const b of s) n += b.length;
  return n;
}

/** Runs `f`, printing wall-clock and CPU time (CPU time is steadier on a shared machine). */
async function time(name: string, f: () => Promise<number>): Promise<{ wall: number; cpu: number }> {
  const t = performance.now();
  const c = process.cpuUsage();
  const n = await f();
  const used = process.cpuUsage(c);
  const wall = (performance.now() - t) / 1000;
  const cpu = (used.user + used.system) / 1e6;
  console.log(`${name.padEnd(16)} ${n} events: wall ${wall.toFixed(2)} s = ${(n / wall / 1e6).toFixed(3)} M/s; cpu ${cpu.toFixed(2)} s = ${(n / cpu / 1e6).toFixed(3)} M/s`);
  return { wall: n / wall, cpu: n / cpu };
}

await generate();
console.log(`file ${file}: ${(statSync(file).size / 1e6).toFixed(0)} MB`);
const best = { base: { wall: 0, cpu: 0 }, ours: { wall: 0, cpu: 0 } };
const rounds = Number(process.argv[3] ?? 3);
for (let r = 0; r < rounds; r++) {
  for (const [k, f] of [['base', baseline], ['ours', stream]] as const) {
    const x = await time(k === 'base' ? 'baseline' : 'openEventStream', f);
    best[k] = { wall: Math.max(best[k].wall, x.wall), cpu: Math.max(best[k].cpu, x.cpu) };
  }
}
const pct = (a: number, b: number): string => `${((100 * a) / b).toFixed(1)} %`;
console.log(`best of ${rounds}: openEventStream / baseline = ${pct(best.ours.wall, best.base.wall)} (wall), ${pct(best.ours.cpu, best.base.cpu)} (cpu)`);
