/**
 * `breachwatch worker`: one partition of partitioned detection (docs/CLUSTER.md): consumes its
 * partition of the stream `ship` published, runs the detectors it owns, stores into the shared
 * store, checkpoints, and exits once the partition's end-of-input mark is processed.
 * SIGTERM or SIGINT stops it cleanly: the message in hand is finished, stored, checkpointed
 * and acked, and it exits 0 saying where a restart goes on.
 */
import type { Command } from 'commander';
import { DEFAULTS } from '../model/index.js';
import { worker } from '../cluster/index.js';
import { addDetectFlags, detectSettingsFrom, type DetectFlags } from './detect-flags.js';
import { intOption } from './files.js';
import { addStoreFlags, storeUrlFrom, type StoreFlags } from './store-flags.js';

interface WorkerFlags extends StoreFlags, DetectFlags {
  partition: string; partitions: string; nats: string; stream: string; subject?: string; state: string;
  keys?: string; staff?: string; catalog?: string; clients?: string; honey?: string; sigma?: string[];
  checkpointMessages?: string; json?: boolean;
}

/** Adds `worker` to the program. */
export function registerWorker(program: Command): void {
  const cmd = program.command('worker')
    .description('run one partition of the detectors over a stream published by `ship`, into a shared store')
    .requiredOption('--partition <n>', 'this worker\'s partition (0 … partitions-1; 0 also runs the platform-wide detectors)')
    .requiredOption('--partitions <n>', 'number of partitions (as given to ship)')
    .requiredOption('--nats <urls>', 'NATS server URL(s), comma-separated')
    .requiredOption('--stream <name>', 'JetStream stream ship published to')
    .option('--subject <prefix>', 'subject prefix (as given to ship)', DEFAULTS.cluster.subjectPrefix)
    .requiredOption('--state <dir>', 'folder of this worker\'s checkpoint (keep it across restarts)')
    .option('--keys <file>', 'key registry JSON')
    .option('--staff <file>', 'staff roster (JSON or CSV)')
    .option('--catalog <file>', 'API catalog (JSON or YAML)')
    .option('--clients <file>', 'client registry (JSON or YAML)')
    .option('--honey <file>', 'honey accounts')
    .option('--sigma <paths...>', 'Sigma rule files or directories (run on partition 0)')
    .option('--checkpoint-messages <n>', 'checkpoint (store, save state, ack) after this many messages', String(DEFAULTS.cluster.checkpointMessages));
  addStoreFlags(cmd, 'shared by all workers (clickhouse://… for more than one)', false);
  addDetectFlags(cmd)
    .option('--json', 'print the summary as JSON')
    .action(async (f: WorkerFlags) => {
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals): void => { if (!stop.signal.aborted) stop.abort(signal); };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      const partitions = intOption('--partitions', f.partitions, 1, 1);
      const summary = await worker({
        partition: intOption('--partition', f.partition, 0, 0), partitions,
        nats: f.nats, stream: f.stream, subjectPrefix: f.subject ?? DEFAULTS.cluster.subjectPrefix,
        store: storeUrlFrom(f, false), state: f.state,
        ...(f.keys !== undefined && { keys: f.keys }),
        ...(f.staff !== undefined && { staff: f.staff }),
        ...(f.catalog !== undefined && { catalog: f.catalog }),
        ...(f.clients !== undefined && { clients: f.clients }),
        ...(f.honey !== undefined && { honey: f.honey }),
        ...(f.sigma !== undefined && { sigma: f.sigma }),
        settings: detectSettingsFrom(f),
        checkpointMessages: intOption('--checkpoint-messages', f.checkpointMessages, DEFAULTS.cluster.checkpointMessages, 1),
        log: (line) => process.stderr.write(`${line}\n`),
        stop: stop.signal,
      }).finally(() => { process.off('SIGTERM', onSignal); process.off('SIGINT', onSignal); });
      if (summary.stopped) {
        process.stderr.write(`partition ${summary.partition}/${summary.partitions}: stopped by ${String(stop.signal.reason)}: stored, checkpointed and acked through message ${summary.next - 1}; a restart with the same --state goes on at message ${summary.next}\n`);
      }
      if (f.json === true) { console.log(JSON.stringify(summary, null, 2)); return; }
      console.log(summary.alreadyDone
        ? `partition ${summary.partition}/${summary.partitions}: already complete (${summary.events} events)`
        : `partition ${summary.partition}/${summary.partitions}: ${summary.messages} messages, ${summary.events} events, ${summary.alerts} alerts, ${summary.seconds.toFixed(1)} s${summary.resumedAt > 0 ? ` (resumed at message ${summary.resumedAt})` : ''}`);
    });
}
