/**
 * Expands the file arguments of a command: a directory stands for the NDJSON files in it
 * (`*.ndjson`, `*.ndjson.gz`, `*.jsonl`, sorted by name); `-` is standard input.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BreachwatchError } from '../model/index.js';

const NDJSON = /\.(ndjson|jsonl)(\.gz)?$/i;

/** Returns the files named, with directories expanded; a missing path is an unreadable-input error. */
export async function expandInputs(paths: readonly string[], what: string): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    if (p === '-') { out.push(p); continue; }
    const s = await stat(p).catch((e: unknown) => {
      throw new BreachwatchError('ERR_INPUT_UNREADABLE', `${what} ${p}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`, { cause: e });
    });
    if (!s.isDirectory()) { out.push(p); continue; }
    const names = (await readdir(p)).filter((n) => NDJSON.test(n)).sort();
    if (names.length === 0) throw new BreachwatchError('ERR_INPUT_UNREADABLE', `${what} ${p}: directory holds no .ndjson files`);
    out.push(...names.map((n) => join(p, n)));
  }
  return out;
}

/** Parses a positive integer option or throws a usage error naming the flag. */
export function intOption(flag: string, v: string | undefined, def: number, min = 1): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new BreachwatchError('ERR_USAGE', `${flag} must be an integer ≥ ${min}, got '${v}'`);
  return n;
}
