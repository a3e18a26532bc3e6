/**
 * A transient ClickHouse failure inside a load is retried, not fatal: `hunt` into a ClickHouse
 * store through a TCP proxy that resets the first connection carrying an INSERT, part-way
 * through its body, still succeeds, and the store holds every event once and the same alerts
 * as a hunt straight into the server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect as tcp, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClickHouse, type ClickHouseServer } from '../fixtures/store/clickhouse-server.js';
import { runCli } from '../e2e/run-cli.js';
import { simulateInto, storedAlerts } from '../cluster/harness.js';

let dir = '';
let ch: ClickHouseServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-ch-retry-'));
  ch = await startClickHouse();
});
afterAll(async () => {
  await ch?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A proxy to `port` that resets the first `drops` connections seen sending an INSERT, after passing on that chunk. */
async function dropProxy(port: number, drops: number): Promise<{ port: number; dropped: () => number; close: () => Promise<void> }> {
  let dropped = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = tcp(port, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      if (dropped < drops && chunk.includes('INSERT')) {
        dropped++;
        client.resetAndDestroy();
        upstream.destroy();
      }
    });
    upstream.pipe(client);
    const end = (): void => { client.destroy(); upstream.destroy(); };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const a = server.address();
  return {
    port: typeof a === 'object' && a !== null ? a.port : 0,
    dropped: () => dropped,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}

const count = async (sql: string): Promise<number> => Number((await ch.sql(sql)).trim());

describe('a ClickHouse load with a connection reset part-way', () => {
  it('retries the insert: hunt succeeds, every event is stored once, alerts are unchanged', async () => {
    const sim = await simulateInto(dir, 'ft', 'forged-token', 2000, 2);
    const input = ['--access', join(sim, 'access'), '--ledger', join(sim, 'ledger'), '--keys', join(sim, 'keys.json'), '--catalog', join(sim, 'catalog.yaml')];
    const direct = await runCli(['hunt', ...input, '--store', ch.url('direct'), '--json'], { cwd: dir });
    expect(direct.code, direct.stderr).toBe(0);
    const proxy = await dropProxy(ch.httpPort, 1);
    try {
      const url = ch.url('reset').replace(`:${ch.httpPort}/`, `:${proxy.port}/`);
      const r = await runCli(['hunt', ...input, '--store', url, '--json'], { cwd: dir });
      expect(proxy.dropped(), 'the proxy reset an insert').toBe(1);
      expect(r.code, r.stderr).toBe(0);
      const accepted = (JSON.parse(r.stdout) as { totals: { accepted: number } }).totals.accepted;
      expect(await count('SELECT count() FROM reset.access FINAL') + await count('SELECT count() FROM reset.ledger FINAL')).toBe(accepted);
      expect(await storedAlerts(url)).toEqual(await storedAlerts(ch.url('direct')));
    } finally {
      await proxy.close();
    }
  });

});
