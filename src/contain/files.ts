/**
 * Where containment keeps its state: one folder per action under the incident's folder
 * (`<home>/<incident>/containment/<action_id>/`: `proposal.json`, `approval.json`,
 * `execution.json`, `out/` with what the execution wrote), and the home's SET transmitter
 * key (`<home>/.contain/`). Folders are 0700 and files 0600: they name accounts and hold keys.
 */
import { chmod, mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BreachwatchError } from '../model/index.js';

/** The files of one action. */
export interface ActionPaths {
  readonly dir: string;
  readonly proposal: string;
  readonly approval: string;
  readonly execution: string;
  /** Held while an execution runs (created exclusively). */
  readonly lock: string;
  /** What the execution writes (deny lists, SETs, the delivery ledger, instructions). */
  readonly out: string;
}

/** The containment folder of an incident. */
export function containmentDir(incidentDir: string): string {
  return join(incidentDir, 'containment');
}

/** The paths of action `id` of the incident in `incidentDir`. */
export function actionPaths(incidentDir: string, id: string): ActionPaths {
  if (!/^ca-\d{8}-[0-9a-f]{8}$/.test(id)) throw new BreachwatchError('ERR_USAGE', `not a containment action id: ${id.slice(0, 40)}`);
  const dir = join(containmentDir(incidentDir), id);
  return {
    dir, proposal: join(dir, 'proposal.json'), approval: join(dir, 'approval.json'),
    execution: join(dir, 'execution.json'), lock: join(dir, 'execution.lock'), out: join(dir, 'out'),
  };
}

/** Creates `dir` (and parents) owner-only. */
export async function privateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/** Writes `text` to `path` (0600) through a temporary file and a rename: readers see all or nothing. */
export async function writePrivate(path: string, text: string | Uint8Array, mode = 0o600): Promise<void> {
  await privateDir(dirname(path));
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode);
  await rename(tmp, path);
}

/**
 * Creates `path` with `text` only if it does not exist yet (0600). Returns false when it did:
 * how an approval or an execution lock is taken once, even by two processes at the same time.
 */
export async function createOnce(path: string, text: string): Promise<boolean> {
  await privateDir(dirname(path));
  let fh;
  try {
    fh = await open(path, 'wx', 0o600);
  } catch (e) {
    if ((e as { code?: string }).code === 'EEXIST') return false;
    throw e;
  }
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return true;
}

/** Reads JSON from `path`, or undefined when the file does not exist. */
export async function readJsonIfAny<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new BreachwatchError('ERR_STATE', `${path}: not JSON (${(e as Error).message})`, { cause: e });
  }
}
