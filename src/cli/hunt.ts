/**
 * `breachwatch hunt`: one pass over access and ledger files → alerts, a store for `scope`.
 */
import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { DEFAULTS } from '../model/index.js';
import { hunt, renderSummary, terminalProgress } from '../pipeline/index.js';
import { addDetectFlags, detectSettingsFrom, seconds, type DetectFlags } from './detect-flags.js';
import { expandInputs, intOption } from './files.js';
import { addStoreFlags, storeUrlFrom, type StoreFlags } from './store-flags.js';

interface HuntFlags extends StoreFlags, DetectFlags {
  access: string[]; ledger?: string[]; keys?: string; staff?: string; catalog?: string; clients?: string; honey?: string;
  alerts?: string; quarantine?: string; sigma?: string[]; strict?: boolean; append?: boolean;
  reorder?: string; threads?: string; summary?: string; json?: boolean;
}

/** Adds `hunt` to the program. */
export function registerHunt(program: Command): void {
  const cmd = program.command('hunt')
    .description('read access events and the issuance ledger, detect, store, write alerts')
    .requiredOption('--access <files...>', 'access-event NDJSON files (.gz, - for stdin, or directories)')
    .option('--ledger <files...>', 'issuance-ledger NDJSON files (or directories)')
    .option('--keys <file>', 'key registry JSON')
    .option('--staff <file>', 'staff roster (JSON or CSV)')
    .option('--catalog <file>', 'API catalog (JSON or YAML)')
    .option('--clients <file>', 'client registry (JSON or YAML): which clients may act on other accounts')
    .option('--honey <file>', 'honey accounts: one id per line, or salt:<text> then sha256:<hex> lines')
    .option('--append', 'add to an existing store instead of replacing it');
  addStoreFlags(cmd, 'to write (replaced unless --append)', true)
    .option('--alerts <file>', 'write alerts as NDJSON here')
    .option('--quarantine <file>', 'where bad lines go (default: <db>.quarantine.ndjson beside a DuckDB file)')
    .option('--sigma <paths...>', 'Sigma rule files or directories to run as detectors')
    .option('--strict', 'stop at the first unreadable line')
    .option('--reorder <seconds>', 'bound of the reorder buffer for out-of-order events', String(seconds(DEFAULTS.ingest.reorderBoundMs)))
    .option('--threads <n>', 'threads: 1 parses on the main thread; n > 1 adds n − 1 threads that parse access files (one file per thread at a time)', String(DEFAULTS.ingest.threads));
  addDetectFlags(cmd)
    .option('--summary <file>', 'also write the run summary as JSON')
    .option('--json', 'print the summary as JSON instead of text')
    .action(async (f: HuntFlags) => {
      const summary = await hunt({
        access: await expandInputs(f.access, '--access'),
        ledger: await expandInputs(f.ledger ?? [], '--ledger'),
        store: storeUrlFrom(f, true),
        ...(f.keys !== undefined && { keys: f.keys }),
        ...(f.staff !== undefined && { staff: f.staff }),
        ...(f.catalog !== undefined && { catalog: f.catalog }),
        ...(f.clients !== undefined && { clients: f.clients }),
        ...(f.honey !== undefined && { honey: f.honey }),
        ...(f.alerts !== undefined && { alerts: f.alerts }),
        ...(f.quarantine !== undefined && { quarantine: f.quarantine }),
        ...(f.sigma !== undefined && { sigma: f.sigma }),
        strict: f.strict === true,
        append: f.append === true,
        reorderBoundMs: intOption('--reorder', f.reorder, seconds(DEFAULTS.ingest.reorderBoundMs), 0) * 1000,
        threads: intOption('--threads', f.threads, DEFAULTS.ingest.threads, 1),
        settings: detectSettingsFrom(f),
        progress: terminalProgress(),
      });
      if (f.summary !== undefined) await writeFile(f.summary, JSON.stringify(summary, null, 2));
      console.log(f.json === true ? JSON.stringify(summary, null, 2) : renderSummary(summary));
    });
}
