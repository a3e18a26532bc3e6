/**
 * `ship` as a user runs it: bad lines are quarantined with file, line and reason and the
 * counts add up; what is accepted reaches the stream (partition 0 holds every event, the end
 * marks reach every partition); a stopped server is a clear error, not a hang.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../e2e/run-cli.js';
import { freePort, startNatsServer, type NatsServer } from '../server/nats-server.js';

const FIX = join(ROOT, 'test/fixtures/ingest');
let dir = '';
let nats: NatsServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-ship-'));
  nats = await startNatsServer();
});
afterAll(async () => {
  await nats?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('breachwatch ship', () => {
  it('quarantines bad lines with file, line and reason; counts add up; every partition gets its end mark', async () => {
    const q = join(dir, 'q.ndjson');
    const access = [join(FIX, 'access-good.ndjson'), join(FIX, 'access-bad.ndjson')];
    const r = await runCli(['ship', '--nats', nats.url, '--stream', 'SHIPT', '--subject', 'shipt', '--partitions', '3', '--access', ...access,
      '--catalog', join(FIX, 'catalog.yaml'), '--quarantine', q, '--batch', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { stats: { totals: { lines: number; blank: number; accepted: number; quarantined: number } }; events: number[]; messages: number };
    const t = s.stats.totals;
    expect(t.quarantined).toBeGreaterThan(0);
    expect(t.lines).toBe(t.blank + t.accepted + t.quarantined);
    expect(s.events[0]).toBe(t.accepted);
    const rows = (await readFile(q, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { file: string; line: number; reason: string });
    expect(rows).toHaveLength(t.quarantined);
    for (const row of rows) {
      expect(row.file).toContain('access-bad.ndjson');
      expect(row.line).toBeGreaterThan(0);
      expect(row.reason).toMatch(/^[a-z_]+$/);
    }
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info('SHIPT', { subjects_filter: '>' });
      const per = info.state.subjects ?? {};
      // batches of 2 events, then one end mark per partition
      expect(per['shipt.0']).toBe(Math.ceil(t.accepted / 2) + 1);
      for (const p of [1, 2]) expect(per[`shipt.${p}`]).toBeGreaterThanOrEqual(1);
      expect(info.state.messages).toBe(s.messages);
    } finally {
      await nc.close();
    }
  });

  it('refuses a stream that does not take its subjects', async () => {
    const r = await runCli(['ship', '--nats', nats.url, '--stream', 'SHIPT', '--subject', 'other', '--partitions', '2', '--access', join(FIX, 'access-good.ndjson'),
      '--quarantine', join(dir, 'q3.ndjson')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stream SHIPT does not take subjects other.*');
  });

  it('says the server cannot be reached when none listens', async () => {
    const port = await freePort();
    const r = await runCli(['ship', '--nats', `nats://127.0.0.1:${port}`, '--stream', 'X', '--partitions', '2', '--access', join(FIX, 'access-good.ndjson'),
      '--quarantine', join(dir, 'q2.ndjson')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot reach NATS at nats://127.0.0.1:${port}`);
  });

  it('refuses a DuckDB store for several workers', async () => {
    const r = await runCli(['worker', '--nats', nats.url, '--stream', 'SHIPT', '--partitions', '2', '--partition', '0', '--store', `duckdb:${join(dir, 'x.duckdb')}`, '--state', join(dir, 'st')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('clickhouse://');
  });
});
