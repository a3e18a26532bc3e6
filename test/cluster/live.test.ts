/**
 * A live feed: `ship` reading a held-open stdin publishes what it has read once the feed is
 * quiet (the pause flush), so the workers store and alert on it before stdin closes; closing
 * stdin then ends the run as a file does. SIGTERM to `ship` on a live feed publishes what was
 * read, sends no end-of-input mark and exits 1 saying so.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClickHouse, type ClickHouseServer } from '../fixtures/store/clickhouse-server.js';
import { ROOT } from '../e2e/run-cli.js';
import { startNatsServer, type NatsServer } from '../server/nats-server.js';
import { finished, spawnCli, until, type WorkerProc } from './harness.js';

const FIX = join(ROOT, 'test/fixtures/ingest');
let dir = '';
let nats: NatsServer;
let ch: ClickHouseServer;
/** Processes started, killed after the tests whatever happened. */
const started: ChildProcess[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-cluster-live-'));
  [nats, ch] = await Promise.all([startNatsServer(), startClickHouse()]);
  // the first fixture event reads this account's addresses: honey-account-read fires on it at once
  await writeFile(join(dir, 'honey.txt'), 'm-100234\n');
});
afterAll(async () => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all([nats?.stop(), ch?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

/** A CLI process with its output gathered. */
function cli(args: readonly string[], stdin: 'pipe' | 'ignore'): WorkerProc {
  const w = spawnCli(args, stdin);
  started.push(w.child);
  return w;
}

/** The fixture's access lines that are not blank. */
async function fixtureLines(): Promise<string[]> {
  return (await readFile(join(FIX, 'access-good.ndjson'), 'utf8')).split('\n').filter((l) => l.trim() !== '');
}

const count = async (sql: string): Promise<number> => Number((await ch.sql(sql)).trim());

function shipArgs(stream: string, subject: string, partitions: number): string[] {
  return ['ship', '--nats', nats.url, '--stream', stream, '--subject', subject, '--partitions', String(partitions),
    '--catalog', join(FIX, 'catalog.yaml'), '--quarantine', join(dir, `${stream}.q.ndjson`), '--json'];
}

describe('ship on a live stdin feed', () => {
  it('publishes a quiet feed\'s events at once: a worker stores them and alerts before stdin closes', async () => {
    const db = 'live';
    const workers = [0, 1].map((n) => cli(['worker', '--nats', nats.url, '--stream', 'BW_LIVE', '--subject', 'bw.live', '--partitions', '2',
      '--partition', String(n), '--store', ch.url(db), '--state', join(dir, 'state'), '--catalog', join(FIX, 'catalog.yaml'),
      '--honey', join(dir, 'honey.txt')], 'ignore'));
    const ship = cli(shipArgs('BW_LIVE', 'bw.live', 2), 'pipe');
    const lines = await fixtureLines();
    ship.child.stdin!.write(`${lines.slice(0, 2).join('\n')}\n`);
    await until('the two events written to the open stdin to be stored and the honey read alerted', async () => {
      try {
        return await count(`SELECT count() FROM ${db}.access FINAL`) === 2
          && await count(`SELECT count() FROM ${db}.alerts WHERE detector = 'honey-account-read'`) > 0;
      } catch {
        return false; // the tables are made by the first worker to open the store
      }
    }, 45_000);
    expect(ship.child.exitCode, 'ship still reads the feed').toBeNull();

    ship.child.stdin!.end(`${lines.slice(2).join('\n')}\n`);
    const shipped = await ship.done;
    expect(shipped.code, shipped.stderr).toBe(0);
    const s = JSON.parse(shipped.stdout) as { finished: boolean; stats: { totals: { accepted: number } } };
    expect(s.finished).toBe(true);
    expect(s.stats.totals.accepted).toBe(lines.length);
    for (const w of workers) {
      const r = await finished(w);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(await count(`SELECT count() FROM ${db}.access FINAL`)).toBe(lines.length);
  });

  it('stops on SIGTERM: what was read is published, no end-of-input mark, exit 1 saying so', async () => {
    const ship = cli(shipArgs('BW_STOP', 'bw.stop', 2), 'pipe');
    const lines = await fixtureLines();
    ship.child.stdin!.write(`${lines.slice(0, 3).join('\n')}\n`);
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      const held = async (): Promise<Record<string, number>> => {
        try {
          return (await jsm.streams.info('BW_STOP', { subjects_filter: '>' })).state.subjects ?? {};
        } catch {
          return {}; // not made yet
        }
      };
      await until('the first lines to be published while stdin is open', async () => ((await held())['bw.stop.0'] ?? 0) > 0, 30_000);
      ship.child.kill('SIGTERM');
      const r = await ship.done;
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('ship stopped by SIGTERM before the end of its input');
      expect(r.stderr).toContain('no end-of-input mark was sent');
      const s = JSON.parse(r.stdout) as { finished: boolean; events: number[]; messages: number };
      expect(s.finished).toBe(false);
      expect(s.events[0]).toBe(3);
      // every message in the stream is a batch: no end mark reached any partition
      const info = await jsm.streams.info('BW_STOP');
      expect(info.state.messages).toBe(s.messages);
      for (let seq = 1; seq <= info.state.last_seq; seq++) {
        const m = await jsm.streams.getMessage('BW_STOP', { seq });
        expect(m?.json<Record<string, unknown>>()).not.toHaveProperty('end');
      }
    } finally {
      await nc.close();
    }
  });
});
