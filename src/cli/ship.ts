/**
 * `breachwatch ship`: parse access and ledger files (or stdin) as hunt does and publish them
 * to a JetStream stream, partitioned by key for `breachwatch worker` (docs/CLUSTER.md).
 * SIGTERM or SIGINT stops reading: what was read is published, no end-of-input mark is sent,
 * and the exit status is 1 (the input was not finished).
 */
import type { Command } from 'commander';
import { DEFAULTS } from '../model/index.js';
import { fmtCount, terminalProgress } from '../pipeline/index.js';
import { ship, type ShipSummary } from '../cluster/index.js';
import { seconds } from './detect-flags.js';
import { expandInputs, intOption } from './files.js';

interface ShipFlags {
  nats: string; stream: string; partitions: string; subject?: string; batch?: string;
  access?: string[]; ledger?: string[]; keys?: string; catalog?: string; quarantine: string; strict?: boolean; reorder?: string; json?: boolean;
  pauseFlush?: string;
}

/** Adds `ship` to the program. */
export function registerShip(program: Command): void {
  program.command('ship')
    .description('publish parsed access and ledger events to a JetStream stream, partitioned for `worker`')
    .requiredOption('--nats <urls>', 'NATS server URL(s), comma-separated (nats://host:4222)')
    .requiredOption('--stream <name>', 'JetStream stream (created with subjects <prefix>.* when missing)')
    .requiredOption('--partitions <n>', 'number of partitions (workers)')
    .option('--subject <prefix>', 'subject prefix: partition p is <prefix>.<p>', DEFAULTS.cluster.subjectPrefix)
    .option('--batch <events>', 'events per message', String(DEFAULTS.cluster.batchEvents))
    .option('--access <files...>', 'access-event NDJSON files (.gz, - for stdin, or directories); stdin when no file is given')
    .option('--ledger <files...>', 'issuance-ledger NDJSON files (or directories)')
    .option('--keys <file>', 'key registry JSON (signature checks, as in hunt)')
    .option('--catalog <file>', 'API catalog (JSON or YAML): route resolution and routing')
    .option('--quarantine <file>', 'where bad lines go', 'ship.quarantine.ndjson')
    .option('--strict', 'stop at the first unreadable line')
    .option('--reorder <seconds>', 'bound of the reorder buffer for out-of-order events', String(seconds(DEFAULTS.ingest.reorderBoundMs)))
    .option('--pause-flush <ms>', 'stdin: publish what was read once the feed is quiet this long', String(DEFAULTS.cluster.pauseFlushMs))
    .option('--json', 'print the summary as JSON')
    .action(async (f: ShipFlags) => {
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals): void => { if (!stop.signal.aborted) stop.abort(signal); };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      const access = f.access === undefined && f.ledger === undefined ? ['-'] : await expandInputs(f.access ?? [], '--access');
      const summary = await ship({
        access, ledger: await expandInputs(f.ledger ?? [], '--ledger'),
        nats: f.nats, stream: f.stream, partitions: intOption('--partitions', f.partitions, 1, 1), subjectPrefix: f.subject ?? DEFAULTS.cluster.subjectPrefix,
        batchEvents: intOption('--batch', f.batch, DEFAULTS.cluster.batchEvents, 1),
        ...(f.keys !== undefined && { keys: f.keys }),
        ...(f.catalog !== undefined && { catalog: f.catalog }),
        quarantine: f.quarantine, strict: f.strict === true,
        reorderBoundMs: intOption('--reorder', f.reorder, seconds(DEFAULTS.ingest.reorderBoundMs), 0) * 1000,
        pauseFlushMs: intOption('--pause-flush', f.pauseFlush, DEFAULTS.cluster.pauseFlushMs, 1),
        stop: stop.signal,
        progress: terminalProgress(),
      }).finally(() => { process.off('SIGTERM', onSignal); process.off('SIGINT', onSignal); });
      console.log(f.json === true ? JSON.stringify(summary, null, 2) : renderShip(summary));
      if (!summary.finished) {
        console.error(`breachwatch: ship stopped by ${String(stop.signal.reason)} before the end of its input: what was read is published, but no end-of-input mark was sent, so the workers wait for more`);
        process.exitCode = 1;
        // a read of stdin may still be waiting for input that will not be used
        process.stdin.destroy();
      }
    });
}

function renderShip(s: ShipSummary): string {
  const t = s.stats.totals;
  return [
    `lines ${fmtCount(t.lines)} = blank ${fmtCount(t.blank)} + accepted ${fmtCount(t.accepted)} + quarantined ${fmtCount(t.quarantined)} (${s.quarantine})`,
    `published ${fmtCount(s.messages)} messages to ${s.partitions} partitions (${s.duplicates} already in the stream): events per partition ${s.events.map(fmtCount).join(', ')}`,
    `${s.copiesPerEvent.toFixed(3)} published events per input event, ${s.seconds.toFixed(1)} s`,
  ].join('\n');
}
