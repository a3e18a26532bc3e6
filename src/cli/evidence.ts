/**
 * `breachwatch evidence append|checkpoint|export|verify`: the tamper-evident evidence log
 * from the command line. `verify` needs nothing but a bundle folder and exits 1 when any
 * check fails, naming the first part (and entry) that does not verify.
 */
import type { Command } from 'commander';
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import type { JWK } from 'jose';
import { BreachwatchError } from '../model/index.js';
import { QuarantineWriter } from '../ingest/index.js';
import {
  EVIDENCE_KINDS, exportBundle, hashFile, isEvidenceKind, openEvidenceLog, payloadLines, verifyBundle,
  type BundleReport, type EvidenceKind, type EvidenceLog, type NewEntry, type OpenLogOptions, type PayloadLineCounts,
} from '../evidence/index.js';
import { intOption } from './files.js';

interface LogFlags { log: string; key?: string }
interface AppendFlags extends LogFlags { kind?: string; file?: string; hashFile?: string[]; quarantine?: string }
interface ExportFlags extends LogFlags { out: string; kind?: string[]; from?: string; to?: string; readOnly?: boolean }

function kindOf(k: string): EvidenceKind {
  if (!isEvidenceKind(k)) throw new BreachwatchError('ERR_USAGE', `unknown --kind ${k} (one of ${EVIDENCE_KINDS.join(', ')})`);
  return k;
}

async function open(f: LogFlags, readOnly = false): Promise<EvidenceLog> {
  const opts: OpenLogOptions = { readOnly };
  if (f.key !== undefined) {
    const text = await readFile(f.key, 'utf8').catch((e: unknown) => {
      throw new BreachwatchError('ERR_INPUT_UNREADABLE', `--key ${f.key}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`, { cause: e });
    });
    let jwk: JWK;
    try { jwk = JSON.parse(text) as JWK; } catch { throw new BreachwatchError('ERR_INPUT_INVALID', `--key ${f.key}: not a JWK (JSON)`); }
    Object.assign(opts, { signingKey: jwk });
  }
  const log = await openEvidenceLog(f.log, opts);
  const r = log.recovery;
  if (r !== undefined) {
    console.error(`breachwatch: evidence log ${f.log} was not closed cleanly: of the tail past its last commit (size ${r.committed_size}), ${r.kept_entries} whole entries were kept and ${r.dropped_bytes} torn bytes dropped (sha256 ${r.dropped_sha256}); recorded as entry ${log.size - 1}`);
  }
  return log;
}

async function append(f: AppendFlags, dash: string | undefined): Promise<void> {
  const file = f.file ?? dash;
  if (dash !== undefined && dash !== '-') throw new BreachwatchError('ERR_USAGE', `unexpected argument ${dash} (use --file F or - for stdin)`);
  if ((file === undefined) === (f.hashFile === undefined)) throw new BreachwatchError('ERR_USAGE', 'give either --file F (or - for stdin) or --hash-file F...');
  const kind = f.kind !== undefined ? kindOf(f.kind) : f.hashFile !== undefined ? 'input_file' : undefined;
  if (kind === undefined) throw new BreachwatchError('ERR_USAGE', '--kind is required with --file');
  if (f.hashFile !== undefined && kind !== 'input_file') throw new BreachwatchError('ERR_USAGE', '--hash-file appends input_file entries');
  let entries: NewEntry[] | AsyncGenerator<NewEntry>;
  const counts: PayloadLineCounts = { lines: 0, entries: 0, quarantined: 0, blank: 0 };
  const quarantine = new QuarantineWriter(f.quarantine);
  if (f.hashFile !== undefined) {
    entries = [];
    for (const p of f.hashFile) entries.push({ kind: 'input_file', payload: await hashFile(p) });
  } else {
    // Before the log is opened (or created): an unreadable input leaves no trace.
    if (file !== '-') {
      await access(file!, constants.R_OK).catch((e: unknown) => {
        throw new BreachwatchError('ERR_INPUT_UNREADABLE', `--file ${file}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`, { cause: e });
      });
    }
    entries = payloadLines(file!, kind, quarantine, counts);
  }
  const log = await open(f);
  try {
    const r = await log.appendMany(entries);
    await quarantine.close();
    // Location and reason only: the message may quote the line, which may hold personal data.
    for (const q of quarantine.records.slice(0, 10)) console.error(`breachwatch: ${q.file}:${q.line}: ${q.reason}`);
    console.log(JSON.stringify({
      log: f.log, log_id: log.logId, appended: r.appended, first: r.first, size: r.size, root: r.root,
      ...(f.hashFile === undefined && { lines: counts.lines, quarantined: counts.quarantined, blank: counts.blank }),
      ...(f.quarantine !== undefined && counts.quarantined > 0 && { quarantine: f.quarantine }),
    }, null, 2));
  } finally {
    await log.close();
  }
}

function printReport(r: BundleReport, dir: string): void {
  for (const c of r.checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.part.padEnd(16)} ${c.what}`);
  if (r.ok) {
    const cp = r.checkpoint!;
    console.log(`VERIFIED ${dir}: ${r.entries} entries of log ${cp.log_id}, tree size ${cp.size}, root ${cp.root}, signed ${cp.time} by key ${r.kid ?? '?'}`);
  } else {
    const f = r.failure!;
    console.log(`FAILED ${dir}: ${f.part}${f.index !== undefined ? ` (entry ${f.index})` : ''}: ${f.what}`);
  }
}

/** Adds `evidence` and its sub-commands to the program. */
export function registerEvidence(program: Command): void {
  const ev = program.command('evidence').description('the tamper-evident evidence log: append, checkpoint, export, verify');
  ev.command('append [stdin]')
    .description('append one entry per NDJSON line of payloads (or one input_file entry per --hash-file); prints the new size and root')
    .requiredOption('--log <dir>', 'evidence log directory (created if absent)')
    .option('--kind <kind>', `entry kind: ${EVIDENCE_KINDS.join(', ')}`)
    .option('--file <file>', 'NDJSON payloads (.gz, or - for stdin)')
    .option('--hash-file <files...>', 'append the SHA-256 of these files as input_file entries')
    .option('--quarantine <file>', 'write unreadable lines here (NDJSON: file, line, reason)')
    .option('--key <file>', 'signing key (private Ed25519 JWK) when the log was not given one of its own')
    .action((dash: string | undefined, f: AppendFlags) => append(f, dash));
  ev.command('checkpoint')
    .description('sign a checkpoint of the current tree head; prints it')
    .requiredOption('--log <dir>', 'evidence log directory')
    .option('--key <file>', 'signing key (private Ed25519 JWK)')
    .action(async (f: LogFlags) => {
      const log = await open(f);
      try {
        const cp = await log.checkpoint();
        console.log(JSON.stringify({ ...cp.checkpoint, kid: log.publicJwk.kid, jws: cp.jws }, null, 2));
      } finally {
        await log.close();
      }
    });
  ev.command('export')
    .description('write a self-contained bundle: manifest, entries, proofs, checkpoint, public key')
    .requiredOption('--log <dir>', 'evidence log directory')
    .requiredOption('--out <dir>', 'bundle folder to create (must be new or empty)')
    .option('--kind <kinds...>', 'only entries of these kinds')
    .option('--from <index>', 'first entry index (inclusive)')
    .option('--to <index>', 'last entry index (inclusive)')
    .option('--read-only', 'do not take the lock; export against the latest signed checkpoint')
    .option('--key <file>', 'signing key (private Ed25519 JWK)')
    .action(async (f: ExportFlags) => {
      const kinds = f.kind?.map(kindOf);
      const from = f.from !== undefined ? intOption('--from', f.from, 0, 0) : undefined;
      const to = f.to !== undefined ? intOption('--to', f.to, 0, 0) : undefined;
      if (from !== undefined && to !== undefined && from > to) throw new BreachwatchError('ERR_USAGE', '--from is after --to');
      const log = await open(f, f.readOnly === true);
      try {
        const r = await exportBundle(log, f.out, { ...(kinds !== undefined && { kinds }), ...(from !== undefined && { from }), ...(to !== undefined && { to }) });
        console.log(JSON.stringify(r, null, 2));
      } finally {
        await log.close();
      }
    });
  ev.command('verify <bundle>')
    .description('check a bundle offline; exit 1 naming the first part or entry that does not verify')
    .option('--json', 'print the report as JSON')
    .action(async (dir: string, f: { json?: boolean }) => {
      const r = await verifyBundle(dir);
      if (f.json === true) console.log(JSON.stringify(r, null, 2));
      else printReport(r, dir);
      if (!r.ok) process.exitCode = 1;
    });
}
