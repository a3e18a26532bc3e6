/**
 * Checkpoints of the live pipeline: the engine's snapshot, the reorder buffer, the dedup set and
 * the journal position (`seq`) they cover, written atomically (temporary file, fsync, rename,
 * fsync of the folder) so a crash leaves either the old checkpoint or the new one.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BreachwatchError } from '../model/index.js';
import { writeFileAtomic } from '../evidence/index.js';
import type { EngineSnapshot } from '../detect/index.js';
import type { RecentIdsState } from './recent-ids.js';
import type { ReorderState } from './reorder.js';

/** Format version of checkpoints (2: no store row count; the store reports its seq). */
export const CHECKPOINT_VERSION = 2;

/** What a checkpoint holds. */
export interface Checkpoint {
  readonly v: typeof CHECKPOINT_VERSION;
  /** Every journal record up to this seq is reflected here, and held by the store. */
  readonly seq: number;
  readonly engine: EngineSnapshot;
  readonly reorder: ReorderState;
  readonly dedup: RecentIdsState;
  /** Wall-clock time written (for operators only). */
  readonly written: string;
}

/** Writes `cp` to `path` atomically and durably (0600). */
export async function writeCheckpoint(path: string, cp: Checkpoint): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(cp));
}

/** Reads the checkpoint at `path`, or `undefined` when there is none. */
export async function readCheckpoint(path: string): Promise<Checkpoint | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BreachwatchError('ERR_STATE', `cannot read checkpoint ${path}`, { cause: e });
  }
  const cp = JSON.parse(text) as Checkpoint;
  if (cp.v !== CHECKPOINT_VERSION) {
    throw new BreachwatchError('ERR_STATE', `checkpoint ${path} has format version ${JSON.stringify((cp as { v?: unknown }).v ?? null)}; this build reads version ${String(CHECKPOINT_VERSION)}`);
  }
  return cp;
}

/** Where the checkpoint of a state folder lives. */
export function checkpointPath(stateDir: string): string {
  return join(stateDir, 'checkpoint.json');
}
