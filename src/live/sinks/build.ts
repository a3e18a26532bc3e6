/**
 * Builds the configured sinks and fans an alert out to them (each through its own
 * {@link SinkQueue}, filtered by the sink's minimum severity).
 */
import { SEVERITIES, type Alert, type Severity } from '../../model/index.js';
import { BreachwatchError } from '../../model/index.js';
import { fileDeliver } from './file-sink.js';
import { slackDeliver, webhookDeliver } from './http-sinks.js';
import { SinkQueue, type SinkStats } from './sink-queue.js';

/** A sink as configured (see the serve config's `sinks`). */
export type SinkSpec =
  | { type: 'webhook'; url: string; secret?: string | undefined; secret_env?: string | undefined; min_severity: Severity; max_retries: number; backoff_ms: number; timeout_ms: number; queue_max: number }
  | { type: 'slack'; url: string; min_severity: Severity; max_retries: number; backoff_ms: number; timeout_ms: number; queue_max: number }
  | { type: 'file'; path: string; min_severity: Severity; queue_max: number };

interface Member { readonly rank: number; readonly q: SinkQueue }

/** Every sink of a service. */
export class Sinks {
  private readonly members: Member[];

  constructor(specs: readonly SinkSpec[], env: NodeJS.ProcessEnv = process.env) {
    this.members = specs.map((s, i) => {
      const name = `${s.type}#${i}`;
      const rank = SEVERITIES.indexOf(s.min_severity);
      if (s.type === 'file') {
        return { rank, q: new SinkQueue({ name, max: s.queue_max, retries: 2, backoffMs: 100 }, fileDeliver(s.path)) };
      }
      const opts = { name, max: s.queue_max, retries: s.max_retries, backoffMs: s.backoff_ms };
      if (s.type === 'slack') return { rank, q: new SinkQueue(opts, slackDeliver(s.url, s.timeout_ms)) };
      let secret = s.secret;
      if (s.secret_env !== undefined) {
        secret = env[s.secret_env];
        if (secret === undefined) throw new BreachwatchError('ERR_CONFIG', `sinks[${i}].secret_env: environment variable ${s.secret_env} is not set`);
      }
      return { rank, q: new SinkQueue(opts, webhookDeliver(s.url, secret, s.timeout_ms)) };
    });
  }

  /** Hands an alert to every sink whose minimum severity it meets; never waits. */
  publish(a: Alert): void {
    const rank = SEVERITIES.indexOf(a.severity);
    for (const m of this.members) if (rank <= m.rank) m.q.publish(a);
  }

  stats(): { name: string; stats: SinkStats }[] {
    return this.members.map((m) => ({ name: m.q.opts.name, stats: m.q.stats() }));
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.q.close()));
  }
}
