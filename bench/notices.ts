/**
 * Notice-render benchmark (issue 11): breach notices rendered per second for `persons`
 * (default 1M) synthetic affected persons with synthetic directory entries (ko and en, a few
 * fields each), through the whole `notice render` path (plan, render threads for the wording,
 * the MIME message, the messages stored in `--format` — default `mbox`, one `notices.mbox` —
 * and both mail-merge files), next to writing the same number of plain CSV rows
 * (csv-stringify to a file) in the same run, measured before and after; the ratio uses their
 * mean (aim ≥ 25%). The floor an `.eml` per person sets is measured too: files of the mean
 * message size written alone (up to {@link FLOOR_FILES} of them; the rate per file does not
 * depend on how many), after the render. Memory must stay flat: RSS is sampled as the render
 * goes and printed at 10%, 50% and 100%. Disk: about 13 KB per person (≈13 GB at 1M; removed
 * afterwards).
 * Run: npm run bench -- notices [--persons N] [--threads T] [--format mbox|eml] (T render
 * threads, default DEFAULTS.notice.renderWorkers; 0 renders on the main thread)
 */
import { createWriteStream, mkdirSync, writeFile } from 'node:fs';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { QuarantineWriter } from '../src/ingest/index.js';
import { DEFAULTS } from '../src/model/index.js';
import {
  loadIncidentFile, loadNoticeKit, renderNotices, type AffectedPerson, type AffectedSource, type Contact, type ContactDirectory, type MessageFormat,
} from '../src/respond/index.js';

/** Files the `.eml` floor writes at most. */
const FLOOR_FILES = 50_000;

const FIELDS = [['email', 'name'], ['address', 'entrance_code', 'name', 'phone'], ['name', 'order_history'], ['phone']];
const T0 = Date.parse('2025-06-24T00:00:00Z');
const id = (i: number): string => `m-${String(i).padStart(8, '0')}`;
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
/** CPU time of the whole process so far (every thread, user and kernel), in µs. */
const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** Rate per second and CPU µs per item of `f`, which handles `n` items. */
async function measured(n: number, f: () => Promise<unknown>): Promise<{ rate: number; cpu: number }> {
  const t = performance.now();
  const c = cpuUs();
  await f();
  return { rate: n / ((performance.now() - t) / 1000), cpu: (cpuUs() - c) / n };
}

function persons(n: number): AffectedSource {
  return {
    describe: `synthetic ${n}`,
    // eslint-disable-next-line @typescript-eslint/require-await -- an in-memory source with the interface's async shape
    async *persons(): AsyncGenerator<AffectedPerson> {
      for (let i = 0; i < n; i++) yield { account_id: id(i), fields: FIELDS[i % 4]!, first_access: T0 + i, last_access: T0 + i + 3_600_000, accesses: 3 };
    },
  };
}

function directory(n: number): ContactDirectory {
  return {
    describe: `synthetic ${n}`,
    // eslint-disable-next-line @typescript-eslint/require-await -- an in-memory directory with the interface's async shape
    async *contacts(): AsyncGenerator<Contact> {
      for (let i = 0; i < n; i++) {
        yield { account_id: id(i), name: i % 3 === 0 ? `Test Person ${i}` : `테스트 ${i}`, email: `${id(i)}@bench.example.org`, phone: '', locale: i % 3 === 0 ? 'en' : 'ko' };
      }
    },
    close: () => Promise.resolve(),
  };
}

async function csvBaseline(dir: string, n: number): Promise<{ rate: number; cpu: number }> {
  const out = createWriteStream(join(dir, `plain-${Date.now()}.csv`));
  return measured(n, () => csvRows(out, n));
}

async function csvRows(out: ReturnType<typeof createWriteStream>, n: number): Promise<void> {
  let buf = '';
  for (let i = 0; i < n; i++) {
    const f = FIELDS[i % 4]!;
    buf += stringify([[id(i), i % 3 === 0 ? `Test Person ${i}` : `테스트 ${i}`, `${id(i)}@bench.example.org`, f.join(';'),
      new Date(T0 + i).toISOString(), new Date(T0 + i + 3_600_000).toISOString()]]);
    if (buf.length >= 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'close');
}

/**
 * The floor one file per person sets: `n` files of `size` bytes in the render's layout (256
 * sub-folders), written the way the render threads write them (libuv's threads, a few batches
 * of 128 in flight), and nothing else. Files per second.
 */
async function filesBaseline(dir: string, n: number, size: number): Promise<{ rate: number; cpu: number }> {
  const root = join(dir, `files-${Date.now()}`);
  const sub = (i: number): string => join(root, (i % 256).toString(16).padStart(2, '0'));
  for (let d = 0; d < 256; d++) mkdirSync(sub(d), { recursive: true, mode: 0o700 });
  const bytes = Buffer.alloc(size, 0x41);
  let next = 0;
  const batch = async (): Promise<void> => {
    while (next < n) {
      const from = next;
      next = Math.min(n, next + 128);
      const writes = [];
      for (let i = from; i < next; i++) {
        writes.push(new Promise<void>((resolve, reject) => {
          writeFile(join(sub(i), `f-${i}.eml`), bytes, { mode: 0o600 }, (e) => { if (e === null) resolve(); else reject(e); });
        }));
      }
      await Promise.all(writes);
    }
  };
  const r = await measured(n, () => Promise.all([batch(), batch(), batch(), batch(), batch(), batch()]));
  await rm(root, { recursive: true, force: true });
  return r;
}

/** Runs the benchmark and prints its figures. */
export async function benchNotices(opts: { persons?: number; threads?: number; format?: MessageFormat } = {}): Promise<void> {
  const n = opts.persons ?? 1_000_000;
  const threads = opts.threads ?? DEFAULTS.notice.renderWorkers;
  const format = opts.format ?? DEFAULTS.notice.format;
  const root = await mkdtemp(join(tmpdir(), 'bw-bench-notices-'));
  try {
    const incident = await loadIncidentFile(new URL('../test/fixtures/notice/incident.yaml', import.meta.url).pathname);
    const kit = await loadNoticeKit(incident);
    console.log(`notices: ${n.toLocaleString('en')} affected persons (synthetic; ko and en), format ${format}, ${threads} render thread(s)`);
    const b1 = await csvBaseline(root, n);
    console.log(`  plain CSV rows (before): ${Math.round(b1.rate).toLocaleString('en')} rows/s`);
    const rss: { at: number; rss: number }[] = [];
    const t = performance.now();
    const c = cpuUs();
    const quarantine = new QuarantineWriter();
    const r = await renderNotices({
      incident, kit, current: persons(n), directory: directory(n), quarantine, out: join(root, 'render'), expected: n, threads, format,
      onProgress: (p) => { rss.push({ at: p.rendered, rss: process.memoryUsage.rss() }); },
    });
    const rate = r.messages / ((performance.now() - t) / 1000);
    const cpu = (cpuUs() - c) / n;
    await rm(join(root, 'render'), { recursive: true, force: true });
    const b2 = await csvBaseline(root, n);
    console.log(`  plain CSV rows (after):  ${Math.round(b2.rate).toLocaleString('en')} rows/s`);
    const base = (b1.rate + b2.rate) / 2;
    console.log(`  notice render:           ${Math.round(rate).toLocaleString('en')} notices/s (${r.messages.toLocaleString('en')} messages, ${mib(r.message_bytes)}, ${format === 'mbox' ? 'one notices.mbox' : 'an .eml each'})`);
    const floorFiles = Math.min(n, FLOOR_FILES);
    const files = await filesBaseline(root, floorFiles, Math.round(r.message_bytes / Math.max(1, r.messages)));
    console.log(`  .eml floor:              ${Math.round(files.rate).toLocaleString('en')} files/s (${floorFiles.toLocaleString('en')} files of the mean message size written alone, no rendering: what an .eml each caps at)`);
    console.log(`  ratio:                   ${(100 * rate / base).toFixed(1)}% of plain CSV rows (aim ≥ 25%); ${(100 * files.rate / base).toFixed(1)}% for files alone`);
    console.log(`  CPU (all threads, user + kernel): ${cpu.toFixed(0)} µs per notice; ${files.cpu.toFixed(0)} µs per file alone; ${((b1.cpu + b2.cpu) / 2).toFixed(1)} µs per CSV row`);
    const at = (f: number): string => {
      const s = rss.find((x) => x.at >= f * n) ?? rss[rss.length - 1];
      return s === undefined ? '-' : mib(s.rss);
    };
    console.log(`  RSS at 10% / 50% / 100%: ${at(0.1)} / ${at(0.5)} / ${at(1)}`);
    if (r.messages !== n) process.exitCode = 1;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
