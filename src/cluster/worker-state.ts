/**
 * A worker's checkpoint: the state of its engines and the next message number of its
 * partition they cover, written atomically (temporary file, fsync, rename, fsync of the
 * folder) after the results up to there are stored and before those messages are acked.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BreachwatchError } from '../model/index.js';
import { writeFileAtomic } from '../evidence/index.js';
import type { EngineSnapshot } from '../detect/index.js';

/** Format version of worker checkpoints. */
export const WORKER_STATE_VERSION = 1;

/** What a worker checkpoint holds. */
export interface WorkerState {
  readonly v: typeof WORKER_STATE_VERSION;
  readonly stream: string;
  readonly subject: string;
  readonly partition: number;
  readonly partitions: number;
  /** Messages 0 … next-1 of the partition are reflected here and in the store. */
  readonly next: number;
  /** Stream sequence of message next-1 (0: none): a restart consumes from the one after it. */
  readonly seq: number;
  readonly t0: number | null;
  /** Events of the partition processed so far. */
  readonly events: number;
  /** The end-of-input mark was processed: the run is complete. */
  readonly ended: boolean;
  readonly engines: Record<string, EngineSnapshot>;
  /** Wall-clock time written (for operators only). */
  readonly written: string;
}

/** The checkpoint file of `partition` in `dir`. */
export function statePath(dir: string, stream: string, partition: number, partitions: number): string {
  return join(dir, `${stream}.p${partition}-of-${partitions}.json`.replace(/[^A-Za-z0-9_.-]/g, '_'));
}

/** Writes `s` to `path` atomically (mode 0600, folder 0700). */
export async function writeWorkerState(path: string, dir: string, s: WorkerState): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, JSON.stringify(s));
}

/** Reads the checkpoint at `path` (undefined when there is none); ERR_STATE when it is not this worker's. */
export async function readWorkerState(path: string, expect: Pick<WorkerState, 'stream' | 'subject' | 'partition' | 'partitions'>): Promise<WorkerState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BreachwatchError('ERR_STATE', `cannot read worker checkpoint ${path}`, { cause: e });
  }
  let s: WorkerState;
  try {
    s = JSON.parse(text) as WorkerState;
  } catch {
    throw new BreachwatchError('ERR_STATE', `worker checkpoint ${path} is not JSON`);
  }
  const v: unknown = s.v;
  if (v !== WORKER_STATE_VERSION) throw new BreachwatchError('ERR_STATE', `worker checkpoint ${path} has version ${String(v)}, expected ${String(WORKER_STATE_VERSION)}`);
  for (const k of ['stream', 'subject', 'partition', 'partitions'] as const) {
    if (s[k] !== expect[k]) throw new BreachwatchError('ERR_STATE', `worker checkpoint ${path} is for ${k} ${String(s[k])}, not ${String(expect[k])}`);
  }
  return s;
}
