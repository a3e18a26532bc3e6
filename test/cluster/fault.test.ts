/**
 * A worker killed in the middle (SIGKILL, between or inside checkpoints) is restarted from its
 * checkpoint: the messages it had not acked are redelivered, and the final alerts and
 * `affected_accounts.csv` are still one hunt's, with every event stored once.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClickHouse, type ClickHouseServer } from '../fixtures/store/clickhouse-server.js';
import { startNatsServer, type NatsServer } from '../server/nats-server.js';
import { finished, huntOutcome, scopeCsv, shipSim, simulateInto, startWorker, storedAlerts, until, type ClusterRun, type WorkerProc } from './harness.js';

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
async function checkpointOf(state: string, stream: string): Promise<{ next: number; ended: boolean } | undefined> {
  try {
    return JSON.parse(await readFile(join(state, `${stream}.p0-of-3.json`), 'utf8')) as { next: number; ended: boolean };
  } catch {
    return undefined;
  }
}

const count = async (sql: string): Promise<number> => Number((await ch.sql(sql)).trim());

describe('a worker killed mid-run', () => {
  it('is redelivered its partition from its checkpoint; alerts, scope and stored events are unchanged', async () => {
    const sim = await simulateInto(dir, 'cs', 'credential-stuffing', 4000, 7);
    const one = await huntOutcome(sim, dir, 'cs-hunt');
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
