/**
 * Agreement of a scope result with a simulation's ground truth (`truth.json`).
 */
import { readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** The parts of `truth.json` that scoring needs. */
export interface Truth {
  readonly scenario: string;
  readonly attack: null | {
    readonly first_request_time: string;
    readonly affected_accounts: readonly string[];
  };
}

/** Recall and precision of the affected-account set, and what was missed or extra (samples). */
export interface Agreement {
  readonly truth: number;
  readonly found: number;
  readonly truePositives: number;
  readonly recall: number;
  readonly precision: number;
  readonly missedSample: readonly string[];
  readonly extraSample: readonly string[];
}

export async function readTruth(path: string): Promise<Truth> {
  return JSON.parse(await readFile(path, 'utf8')) as Truth;
}

/** Reads the account ids of an `affected_accounts.csv` (first column; ids hold no commas). */
export async function readAffectedIds(csvPath: string): Promise<string[]> {
  const ids: string[] = [];
  const rl = createInterface({ input: createReadStream(csvPath), crlfDelay: Infinity });
  let header = true;
  for await (const line of rl) {
    if (header) { header = false; continue; }
    if (line.length === 0) continue;
    const comma = line.indexOf(',');
    ids.push(comma < 0 ? line : line.slice(0, comma));
  }
  return ids;
}

/** Compares found accounts with the truth. With no attack, recall is 1 and precision 1 only when nothing was found. */
export function agreement(truthIds: readonly string[], found: readonly string[]): Agreement {
  const t = new Set(truthIds);
  let tp = 0;
  const extra: string[] = [];
  for (const id of found) {
    if (t.has(id)) tp++;
    else if (extra.length < 10) extra.push(id);
  }
  const f = new Set(found);
  const missed: string[] = [];
  for (const id of truthIds) if (!f.has(id) && missed.length < 10) missed.push(id);
  return {
    truth: t.size, found: f.size, truePositives: tp,
    recall: t.size === 0 ? 1 : tp / t.size,
    precision: f.size === 0 ? 1 : tp / f.size,
    missedSample: missed, extraSample: extra,
  };
}
