/**
 * What every response step works on: the store (its incident and scope-run roles, plus the
 * alerts and scope queries), the incidents home, and the wall clock (legal deadlines are
 * wall-clock times; tests freeze it). Also how a step opens an incident's evidence log: one
 * writer per log, so a second writer — another command, or `serve` holding it while it
 * runs — is refused with a message that says what to do.
 */
import { resolve } from 'node:path';
import type { AlertStore, IncidentStore, ScopeRunStore, ScopeStore } from '../store/index.js';
import { BreachwatchError, isBreachwatchError } from '../model/index.js';
import { openEvidenceLog, type EvidenceLog } from '../evidence/index.js';
import type { IncidentPaths } from './incident/paths.js';

/** The store roles the response uses. */
export type RespondStore = IncidentStore & ScopeRunStore & AlertStore & ScopeStore;

/** What response steps run on. */
export interface RespondContext {
  readonly store: RespondStore;
  /** The incidents home (see `incidentPaths`). */
  readonly home: string;
  /** The wall clock (default `() => new Date()`). */
  readonly now?: () => Date;
  /** Where relative input-file paths (as hunt stored them) are found (default: the working folder). */
  readonly archiveRoot?: string;
}

/** The path of a stored input file on this machine, or undefined when it cannot be read back (stdin). */
export function archivePath(ctx: RespondContext, file: string): string | undefined {
  if (file === '-' || file === '') return undefined;
  return resolve(ctx.archiveRoot ?? '.', file);
}

/** The context's clock, in epoch ms. */
export function nowMs(ctx: RespondContext): number {
  return (ctx.now ?? (() => new Date()))().getTime();
}

/**
 * Opens an incident's evidence log for writing. A log held by another writer fails with
 * ERR_STATE naming it; `serve` holds its incidents' logs while it runs, so the CLI is told to
 * go through the service or stop it.
 */
export async function openIncidentLog(ctx: RespondContext, paths: IncidentPaths, incidentId: string): Promise<EvidenceLog> {
  try {
    return await openEvidenceLog(paths.evidence, { ...(ctx.now !== undefined && { now: ctx.now }) });
  } catch (e) {
    if (isBreachwatchError(e, 'ERR_STATE') && /locked by/.test(e.message)) {
      throw new BreachwatchError('ERR_STATE', `incident ${incidentId}: its evidence log is being written by another process ` +
        `(${e.message}). Wait for that command to end; if it is breachwatch serve, act through its API or stop it first.`, { cause: e });
    }
    throw e;
  }
}
