/**
 * JetStream ingest against a real `nats-server -js`: messages on the access and ledger
 * subjects are stored, acked only once stored (nothing left pending), quarantined messages are
 * acked too, the forged-token alert is raised, a restart consumes only what is new (durable
 * consumer), and a tiny queue slows consumption without losing anything.
 */
import { jetstreamManager, jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traffic } from './gen.js';
import { makeKeys, startTestService, type TestService } from './harness.js';
import { startNatsServer, type NatsServer } from './nats-server.js';

let nats: NatsServer;
let nc: NatsConnection;
const STREAM = 'BW';

beforeAll(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: STREAM, subjects: ['gw.access.>', 'auth.ledger'] });
});
afterAll(async () => {
  await nc.close();
  await nats.stop();
});

async function publish(subject: string, lines: readonly string[], perMessage: number): Promise<number> {
  const js = jetstream(nc);
  let n = 0;
  for (let i = 0; i < lines.length; i += perMessage) {
    await js.publish(subject, lines.slice(i, i + perMessage).join('\n'));
    n++;
  }
  return n;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
}

function natsConfig(queueMax = 200_000): Record<string, unknown> {
  return {
    nats: { servers: [nats.url], stream: STREAM, subjects: { access: ['gw.access.>'], ledger: ['auth.ledger'] }, durable: 'bw-test', batch: 64 },
    queue: { max_events: queueMax, max_batch_events: 50_000, retry_after_s: 1 },
  };
}

async function pendingAcks(): Promise<number> {
  const jsm = await jetstreamManager(nc);
  let n = 0;
  for await (const c of jsm.consumers.list(STREAM)) n += c.num_ack_pending + c.num_pending;
  return n;
}

describe('NATS JetStream ingest', () => {
  const data = traffic({ events: 6000, forgedEvery: 500, forgedTokens: 3, prefix: 'js' });
  const keys = makeKeys();
  let t: TestService;
  let dir = '';

  it('stores every message, acks only after storing, and raises the forged-token alert', async () => {
    await publish('auth.ledger', data.ledger, 100);
    await publish('gw.access.eu', data.access.slice(0, 3000), 250);
    await publish('gw.access.eu', ['{"broken json', 'also broken'], 10);
    t = await startTestService(natsConfig(), { keys });
    dir = t.dir;
    await until(async () => (await t.svc.store.countAccess()) === 3000 && (await pendingAcks()) === 0);
    expect(t.svc.pipeline.stats().committed).toMatchObject({ 'nats-access': 3000, 'nats-ledger': data.ledger.length });
    await until(async () => (await t.svc.store.listAlerts({ detector: 'unissued-token' })).length === 1);
  });

  it('resumes the durable consumer after a restart without storing anything twice', async () => {
    await t.close(true);
    await publish('gw.access.us', data.access.slice(3000), 250);
    t = await startTestService(natsConfig(), { keys, dir });
    await until(async () => (await pendingAcks()) === 0 && (await t.svc.store.countAccess()) >= 6000);
    expect(await t.svc.store.countAccess()).toBe(6000);
    expect(t.svc.pipeline.stats().committed['nats-access']).toBe(3000);
  });

  it('drops re-published events it already stored (request_id dedup)', async () => {
    // The same NDJSON published again is a new message with the same request_ids: dropped.
    await publish('gw.access.eu', data.access.slice(0, 500), 500);
    await until(async () => (await pendingAcks()) === 0 && t.svc.pipeline.stats().duplicates >= 500);
    expect(await t.svc.store.countAccess()).toBe(6000);
    await t.close(true);
  });

  it('keeps pulling slowly, without loss, when the queue is tiny', async () => {
    const more = traffic({ events: 3000, startMs: Date.parse('2025-06-25T00:00:00Z'), prefix: 'js2' });
    await publish('gw.access.eu', more.access, 10);
    t = await startTestService(natsConfig(20), { keys, dir });
    await until(async () => (await pendingAcks()) === 0 && (await t.svc.store.countAccess()) >= 9000);
    expect(await t.svc.store.countAccess()).toBe(9000);
    await t.close();
  });
});
