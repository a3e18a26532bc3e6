/**
 * Writing a scope as the contract's folder: `affected_accounts.csv` (streamed) and
 * `summary.json`. The rows may come from a live scope query or from a saved scope run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AffectedAccount } from '../store/index.js';
import type { ScopeSummary } from './summary.js';
import { writeAffectedCsv } from './write-csv.js';

/** What a scope folder is written from. */
export interface ScopeRows {
  /** Affected accounts, sorted by account_id. */
  readonly accounts: AsyncIterable<AffectedAccount>;
  /** Asked for after the CSV is written (a live store reuses the requests it matched for it). */
  readonly summary: () => Promise<ScopeSummary>;
}

/** The folder written. */
export interface ScopeFolder {
  readonly dir: string;
  readonly csv: string;
  readonly summary: string;
  readonly accounts: number;
  /** Requests whose personal data reached the attacker. */
  readonly requests: number;
}

/**
 * Writes `affected_accounts.csv` and `summary.json` into `dir` (created if missing).
 *
 * @example
 * await writeScopeFolder({ accounts: c.accounts(), summary: () => c.summary() }, 'scope-out');
 */
export async function writeScopeFolder(rows: ScopeRows, dir: string): Promise<ScopeFolder> {
  await mkdir(dir, { recursive: true });
  const csv = join(dir, 'affected_accounts.csv');
  const written = await writeAffectedCsv(rows.accounts, csv);
  const summary = join(dir, 'summary.json');
  await writeFile(summary, JSON.stringify(await rows.summary(), null, 2) + '\n');
  return { dir, csv, summary, accounts: written.accounts, requests: written.requests };
}
