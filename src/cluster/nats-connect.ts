/**
 * Connecting to NATS for `ship` and `worker` (the client is loaded here, on first use), with a
 * clear error when no server answers.
 */
import type * as JetStreamLib from '@nats-io/jetstream';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { BreachwatchError, DEFAULTS } from '../model/index.js';

/** A connection with its JetStream handles. */
export interface JetStreamLink {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly lib: typeof JetStreamLib;
}

/** Connects to `servers` (comma-separated URLs); ERR_STATE naming them when none answers. */
export async function connectJetStream(servers: string, name: string): Promise<JetStreamLink> {
  const [lib, { connect }] = await Promise.all([import('@nats-io/jetstream'), import('@nats-io/transport-node')]);
  const list = servers.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) throw new BreachwatchError('ERR_USAGE', '--nats needs a server URL');
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: list, name, timeout: 5_000 });
  } catch (e) {
    throw new BreachwatchError('ERR_STATE', `cannot reach NATS at ${list.join(', ')}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  let jsm: JetStreamManager;
  try {
    jsm = await lib.jetstreamManager(nc);
  } catch (e) {
    await nc.close();
    throw new BreachwatchError('ERR_STATE', `NATS at ${list.join(', ')} has no JetStream (start nats-server with -js): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return { nc, js: lib.jetstream(nc), jsm, lib };
}

/**
 * Makes sure `stream` exists, creating it with subjects `<prefix>.*` and the default duplicate
 * window when missing (ship and the workers may start in any order; an existing stream is
 * used as it is).
 */
export async function ensureStream(link: JetStreamLink, stream: string, prefix: string): Promise<void> {
  const config = { name: stream, subjects: [`${prefix}.*`], duplicate_window: DEFAULTS.cluster.duplicateWindowMs * 1_000_000 };
  try {
    const info = await link.jsm.streams.info(stream);
    const subjects = info.config.subjects ?? [];
    if (!subjects.some((s) => s === '>' || s === `${prefix}.*` || s === `${prefix}.>`)) {
      throw new BreachwatchError('ERR_CONFIG', `stream ${stream} does not take subjects ${prefix}.* (its subjects: ${subjects.join(', ') || 'none'}); give its prefix with --subject`);
    }
    return;
  } catch (e) {
    if (!(e instanceof Error) || e instanceof BreachwatchError || !/not found/i.test(e.message)) throw e;
  }
  try {
    await link.jsm.streams.add(config);
  } catch (e) {
    // created meanwhile by another process: fine if it is there now
    try { await link.jsm.streams.info(stream); } catch {
      throw new BreachwatchError('ERR_STATE', `cannot create stream ${stream}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
}
