/**
 * A worker killed in the middle (SIGKILL, between or inside checkpoints) is restarted from its
 * checkpoint: the messages it had not acked are redelivered, and the final alerts and
 * `affected_accounts.csv` are still one hunt's, with every event stored once. A worker stopped
 * with SIGTERM checkpoints and exits 0; its restart goes on from there and stores nothing twice.
 */
import { spawn } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClickHouse, type ClickHouseServer } from '../fixtures/store/clickhouse-server.js';
import { startNatsServer, type NatsServer } from '../server/nats-server.js';
import { BIN } from '../e2e/run-cli.js';
import { finished, huntOutcome, inputFlags, scopeCsv, shipSim, simulateInto, startWorker, storedAlerts, until, type ClusterRun, type WorkerProc } from './harness.js';

let dir = '';
let nats: NatsServer;
let ch: ClickHouseServer;
/** Workers started, killed after the test whatever happened. */
const running: WorkerProc[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-cluster-fault-'));
  [nats, ch] = await Promise.all([startNatsServer(), startClickHouse()]);
});
afterAll(async () => {
  for (const w of running) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await Promise.all([nats?.stop(), ch?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

/** Worker 0's checkpoint, if written yet. */
async function checkpointOf(state: string, stream: string, partitions = 3): Promise<{ next: number; ended: boolean } | undefined> {
  try {
    return JSON.parse(await readFile(join(state, `${stream}.p0-of-${partitions}.json`), 'utf8')) as { next: number; ended: boolean };
  } catch {
    return undefined;
  }
}

const count = async (sql: string): Promise<number> => Number((await ch.sql(sql)).trim());

/** The simulation both tests run, and its one-process hunt (made once). */
let simulated: Promise<{ sim: string; one: Awaited<ReturnType<typeof huntOutcome>> }> | undefined;
function simulation(): Promise<{ sim: string; one: Awaited<ReturnType<typeof huntOutcome>> }> {
  simulated ??= (async () => {
    const sim = await simulateInto(dir, 'cs', 'credential-stuffing', 4000, 7);
    return { sim, one: await huntOutcome(sim, dir, 'cs-hunt') };
  })();
  return simulated;
}

describe('a worker killed mid-run', () => {
  it('is redelivered its partition from its checkpoint; alerts, scope and stored events are unchanged', async () => {
    const { sim, one } = await simulation();
    const run: ClusterRun = {
      sim, nats: nats.url, stream: 'BW_FAULT', partitions: 3, store: ch.url('fault'), state: join(dir, 'state'),
      subject: 'bw.fault', workerFlags: ['--checkpoint-messages', '4'],
    };
    const workers = [0, 1, 2].map((n) => startWorker(run, n));
    running.push(...workers);
    const shipping = shipSim(run, dir);
    let killedAt = -1;
    await until('worker 0 to be part-way through', async () => {
      const cp = await checkpointOf(run.state, run.stream);
      if (cp === undefined || cp.ended || cp.next < 12) return false;
      workers[0]!.child.kill('SIGKILL');
      killedAt = cp.next;
      return true;
    });
    const killed = await workers[0]!.done;
    expect(killed.signal).toBe('SIGKILL');
    const shipped = await shipping;
    const again = startWorker(run, 0);
    running.push(again);
    const r0 = await finished(again);
    expect(r0.code, r0.stderr).toBe(0);
    const resumed = /resuming at message (\d+)/.exec(r0.stderr);
    expect(resumed, r0.stderr).not.toBeNull();
    expect(Number(resumed![1])).toBeGreaterThanOrEqual(killedAt);
    // it processed the rest of its partition: the messages it had not acked came again
    expect(/: (\d+) messages/.exec(r0.stderr)?.[1]).not.toBe('0');
    for (const w of workers.slice(1)) {
      const r = await finished(w);
      expect(r.code, r.stderr).toBe(0);
    }

    expect(await storedAlerts(run.store)).toEqual(one.alerts);
    expect(await scopeCsv(run.store, join(dir, 'fault-scope'), dir)).toBe(one.csv);
    const events = shipped.stats.totals.accepted;
    expect(await count('SELECT count() FROM fault.access FINAL') + await count('SELECT count() FROM fault.ledger FINAL')).toBe(events);
    await ch.sql('OPTIMIZE TABLE fault.access FINAL');
    await ch.sql('OPTIMIZE TABLE fault.ledger FINAL');
    expect(await count('SELECT count() FROM fault.access') + await count('SELECT count() FROM fault.ledger')).toBe(events);
  });
});

describe('a worker stopped with SIGTERM', () => {
  it('stores, checkpoints and acks what it took, exits 0 saying so; its restart goes on with no event lost or stored twice', async () => {
    const { sim, one } = await simulation();
    const run: ClusterRun = {
      sim, nats: nats.url, stream: 'BW_TERM', partitions: 2, store: ch.url('term'), state: join(dir, 'term-state'),
      subject: 'bw.term', workerFlags: ['--checkpoint-messages', '4'],
    };
    const workers = [0, 1].map((n) => startWorker(run, n));
    running.push(...workers);
    const shipping = shipSim(run, dir);
    await until('worker 0 to be part-way through', async () => {
      const cp = await checkpointOf(run.state, run.stream, 2);
      return cp !== undefined && !cp.ended && cp.next >= 12;
    });
    workers[0]!.child.kill('SIGTERM');
    const stopped = await finished(workers[0]!);
    expect(stopped.code, stopped.stderr).toBe(0);
    const said = /partition 0\/2: stopped by SIGTERM: stored, checkpointed and acked through message \d+; a restart with the same --state goes on at message (\d+)/.exec(stopped.stderr);
    expect(said, stopped.stderr).not.toBeNull();
    const at = Number(said![1]);
    // the checkpoint on disk is where it said it stopped, short of the end
    expect(await checkpointOf(run.state, run.stream, 2)).toMatchObject({ next: at, ended: false });
    const shipped = await shipping;
    const again = startWorker(run, 0);
    running.push(again);
    const r0 = await finished(again);
    expect(r0.code, r0.stderr).toBe(0);
    expect(r0.stderr).toContain(`resuming at message ${at} `);
    expect(/: (\d+) messages/.exec(r0.stderr)?.[1]).not.toBe('0');
    const r1 = await finished(workers[1]!);
    expect(r1.code, r1.stderr).toBe(0);

    expect(await storedAlerts(run.store)).toEqual(one.alerts);
    expect(await scopeCsv(run.store, join(dir, 'term-scope'), dir)).toBe(one.csv);
    const events = shipped.stats.totals.accepted;
    expect(await count('SELECT count() FROM term.access FINAL') + await count('SELECT count() FROM term.ledger FINAL')).toBe(events);
    // a clean stop reprocesses nothing: no row was written twice, even before ClickHouse merges
    expect(await count('SELECT count() FROM term.access') + await count('SELECT count() FROM term.ledger')).toBe(events);
  });
});

describe('a ship stopped with SIGTERM mid-file and run again', () => {
  it('exits 1 without end marks; the re-run, cut into other messages, is applied once: alerts, scope and stored events are one hunt\'s', async () => {
    const { sim, one } = await simulation();
    const run: ClusterRun = { sim, nats: nats.url, stream: 'BW_RESHIP', partitions: 2, store: ch.url('reship'), state: join(dir, 'reship-state'), subject: 'bw.reship' };
    // the first run in messages of 100 events, stopped part-way
    const first = spawn(process.execPath, [BIN, 'ship', '--nats', run.nats, '--stream', run.stream, '--subject', run.subject, '--partitions', '2',
      ...inputFlags(sim), '--keys', join(sim, 'keys.json'), '--catalog', join(sim, 'catalog.yaml'), '--quarantine', join(dir, 'reship-q.ndjson'),
      '--batch', '100', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    first.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    first.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    const exited = new Promise<number | null>((res) => first.on('close', (code) => res(code)));
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      await until('the first ship to publish some messages', async () => {
        try { return (await jsm.streams.info(run.stream)).state.messages >= 20; } catch { return false; }
      });
    } finally {
      await nc.close();
    }
    first.kill('SIGTERM');
    expect(await exited, err).toBe(1);
    expect(err).toContain('no end-of-input mark was sent');
    const stopped = JSON.parse(out) as { finished: boolean; events: number[] };
    expect(stopped.finished).toBe(false);
    // the second run in messages of 500: its messages differ from the first run's, the stream keeps both
    const shipped = await shipSim(run, dir);
    expect(shipped.duplicates).toBe(0);
    expect(stopped.events[0]!).toBeLessThan(shipped.events[0]!);
    const workers = [0, 1].map((n) => startWorker(run, n));
    running.push(...workers);
    for (const w of workers) {
      const r = await finished(w);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(await storedAlerts(run.store)).toEqual(one.alerts);
    expect(await scopeCsv(run.store, join(dir, 'reship-scope'), dir)).toBe(one.csv);
    const events = shipped.stats.totals.accepted;
    expect(await count('SELECT count() FROM reship.access') + await count('SELECT count() FROM reship.ledger')).toBe(events);
  });
});
