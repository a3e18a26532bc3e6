/**
 * Partitioned detection benchmark (`npm run bench -- cluster [--accounts N] [--days D]`): one
 * simulation (credential-stuffing: the platform-wide and the keyed detectors both work) run
 * (1) through a one-process `hunt` into ClickHouse, the baseline, and (2) through `ship` to a
 * real `nats-server -js` and then 1 worker, and 2 workers, into ClickHouse. Workers start
 * once ship has published, so their time is consumption alone. Prints events/s of each as a
 * ratio to the hunt measured in the same run, and a cost model: CPU-seconds per million input
 * events of ship (parse + publish), of the global partition's worker, of a keyed partition's
 * worker, and of the ClickHouse server (store load), with the throughput they predict at N
 * workers. ClickHouse is Debian's 18.16 on loopback; the machine is shared, so read ratios.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { hunt } from '../src/pipeline/index.js';
import { simulate } from '../src/sim/index.js';
import { startClickHouse, type ClickHouseServer } from '../test/fixtures/store/clickhouse-server.js';
import { startNatsServer } from '../test/server/nats-server.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'breachwatch.mjs');

/** CPU time of another process (user + system), s, from /proc. */
function processCpu(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const ownCpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Runs the CLI with `args`; resolves with its JSON summary (stdout). */
function cli<T>(args: readonly string[]): Promise<T> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    child.on('close', (code) => (code === 0 ? res(JSON.parse(out) as T) : rej(new Error(`breachwatch ${args[0] ?? ''} exited ${String(code)}: ${err}`))));
  });
}

interface ShipOut { seconds: number; cpuSeconds: number; copiesPerEvent: number; stats: { totals: { accepted: number } } }
interface WorkerOut { partition: number; seconds: number; cpuSeconds: number; events: number }

interface ClusterFigures { workers: number; ship: ShipOut; out: WorkerOut[]; wall: number; server: number }

async function clusterRun(o: { sim: string; nats: string; ch: ClickHouseServer; dir: string; workers: number }): Promise<ClusterFigures> {
  const ref = ['--keys', join(o.sim, 'keys.json'), '--staff', join(o.sim, 'staff.csv'), '--catalog', join(o.sim, 'catalog.yaml'),
    '--clients', join(o.sim, 'clients.yaml'), '--honey', join(o.sim, 'honey.txt')];
  const stream = `BENCH${o.workers}`;
  const subject = `bench.w${o.workers}`;
  const ship = await cli<ShipOut>(['ship', '--nats', o.nats, '--stream', stream, '--subject', subject, '--partitions', String(o.workers),
    '--access', join(o.sim, 'access'), '--ledger', join(o.sim, 'ledger'), '--keys', join(o.sim, 'keys.json'), '--catalog', join(o.sim, 'catalog.yaml'),
    '--quarantine', join(o.dir, `${stream}.quarantine.ndjson`), '--json']);
  const s0 = processCpu(o.ch.pid);
  const w0 = performance.now();
  const out = await Promise.all(Array.from({ length: o.workers }, (_, n) => cli<WorkerOut>(['worker', '--partition', String(n), '--partitions', String(o.workers),
    '--nats', o.nats, '--stream', stream, '--subject', subject, '--store', o.ch.url(`w${o.workers}`), '--state', join(o.dir, `state${o.workers}`), ...ref, '--json'])));
  return { workers: o.workers, ship, out, wall: (performance.now() - w0) / 1000, server: processCpu(o.ch.pid) - s0 };
}

/** Runs the benchmark. */
export async function benchCluster(o: { accounts: number; days: number }): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bw-bench-cluster-'));
  const [nats, ch] = await Promise.all([startNatsServer(), startClickHouse()]);
  try {
    const sim = join(dir, 'sim');
    const rep = await simulate({ scenario: 'credential-stuffing', accounts: o.accounts, days: o.days, seed: 3, out: sim });
    console.log(`cluster bench: credential-stuffing, ${o.accounts} accounts x ${o.days} days = ${rep.events} access events + ${rep.ledgerRecords} ledger records (load average ${loadavg()[0]!.toFixed(1)}: wall time above CPU time is waiting for a core)`);
    // baseline: one process, same store backend
    const c0 = ownCpu();
    const s0 = processCpu(ch.pid);
    const t0 = performance.now();
    const h = await hunt({
      access: rep.files.filter((f) => f.startsWith('access/')).map((f) => join(sim, f)),
      ledger: rep.files.filter((f) => f.startsWith('ledger/')).map((f) => join(sim, f)),
      keys: join(sim, 'keys.json'), staff: join(sim, 'staff.csv'), catalog: join(sim, 'catalog.yaml'), clients: join(sim, 'clients.yaml'), honey: join(sim, 'honey.txt'),
      store: ch.url('hunt'), quarantine: join(dir, 'hunt.quarantine.ndjson'),
    });
    const huntWall = (performance.now() - t0) / 1000;
    const huntCpu = ownCpu() - c0;
    const huntServer = processCpu(ch.pid) - s0;
    const events = h.totals.accepted;
    const huntRate = events / huntWall;
    console.log(`  hunt (one process):  ${huntRate.toFixed(0).padStart(8)} events/s  (${huntWall.toFixed(1)} s wall, ${huntCpu.toFixed(1)} CPU-s, ClickHouse ${huntServer.toFixed(1)} CPU-s)  = 1.00`);
    const runs: ClusterFigures[] = [];
    for (const workers of [1, 2]) {
      const r = await clusterRun({ sim, nats: nats.url, ch, dir, workers });
      runs.push(r);
      const slowest = Math.max(...r.out.map((w) => w.seconds));
      const rate = events / slowest;
      console.log(`  ${workers} worker${workers > 1 ? 's' : ' '}:           ${rate.toFixed(0).padStart(8)} events/s  (slowest worker ${slowest.toFixed(1)} s, ${r.wall.toFixed(1)} s with start-up; worker CPU-s ${r.out.map((w) => w.cpuSeconds.toFixed(1)).join(' + ')}, ClickHouse ${r.server.toFixed(1)})  = ${(rate / huntRate).toFixed(2)} x hunt`);
      console.log(`     ship:             ${(events / r.ship.seconds).toFixed(0).padStart(8)} events/s  (${r.ship.seconds.toFixed(1)} s, ${r.ship.cpuSeconds.toFixed(1)} CPU-s, ${r.ship.copiesPerEvent.toFixed(3)} published events per input event)  = ${(events / r.ship.seconds / huntRate).toFixed(2)} x hunt`);
    }
    // cost model from the 2-worker run: CPU-seconds per million input events, per stage
    const two = runs[1]!;
    const perM = (cpu: number): number => (cpu / events) * 1e6;
    const ship = perM(two.ship.cpuSeconds);
    const global = perM(two.out.find((w) => w.partition === 0)!.cpuSeconds);
    const keyed = perM(two.out.find((w) => w.partition === 1)!.cpuSeconds);
    const store = perM(two.server);
    console.log(`  cost model (CPU-s per million input events): ship ${ship.toFixed(1)}, global-partition worker ${global.toFixed(1)} (detect + store client), keyed-partition worker ${keyed.toFixed(1)} (at 2 partitions), ClickHouse load ${store.toFixed(1)}; one-process hunt ${perM(huntCpu).toFixed(1)} + ClickHouse ${perM(huntServer).toFixed(1)}`);
    // Partition 0 sees every event: its platform-wide work (global minus its half of the keyed
    // work at 2 partitions) does not split. The keyed work (about twice a keyed worker's at 2
    // partitions) splits over N. Ship and ClickHouse each get their own core in the prediction.
    const keyedTotal = 2 * keyed;
    const platform = Math.max(0, global - keyedTotal / 2);
    for (const n of [1, 2, 4, 8]) {
      const p0 = platform + keyedTotal / n;
      const limit = Math.max(p0, ship, store);
      const by = limit === p0 ? 'partition 0' : limit === ship ? 'ship' : 'ClickHouse';
      console.log(`   predicted at ${n} worker${n > 1 ? 's' : ' '}: ${(1e6 / limit).toFixed(0).padStart(8)} events/s (bound by ${by}: partition 0 ${p0.toFixed(1)} CPU-s/M, each other worker ${(keyedTotal / n).toFixed(1)})`);
    }
  } finally {
    await Promise.all([nats.stop(), ch.stop()]);
    await rm(dir, { recursive: true, force: true });
  }
}
