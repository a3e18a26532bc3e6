/**
 * How the service acts on incidents: the response context over the live store and the
 * incidents home, one step at a time per incident (an incident's evidence log has one writer;
 * two requests on one incident wait for each other instead of failing on its lock), and the
 * record of each action — an `audit` entry in the incident's evidence log, then the audit log.
 * The log is opened for a step and closed after it, so the CLI can act on the incident
 * between requests; a log held by another process answers 429 with Retry-After.
 */
import type { EvidenceLog, JsonObject } from '../evidence/index.js';
import { isBreachwatchError } from '../model/index.js';
import { incidentPaths, openIncidentLog, requireIncident, type RespondContext } from '../respond/index.js';
import type { Store } from '../store/index.js';
import type { AuditLog } from './audit-log.js';
import type { Principal } from './auth.js';
import { HttpError } from './http-error.js';

/** Who acted, from where. */
export interface Actor {
  readonly who: Principal;
  readonly ip: string;
}

/** What one action records: its name, the object, and details that hold ids and counts only. */
export interface ActionRecord {
  readonly action: string;
  readonly object: string;
  readonly detail: JsonObject;
}

/** Seconds a client should wait when another process writes the incident's log. */
const LOCKED_RETRY_S = 5;

/** Incidents as the service's routes reach them. */
export class IncidentDesk {
  private readonly queues = new Map<string, Promise<unknown>>();

  /** `home` undefined: the store has no folder beside it and `incidents.home` is not set. */
  constructor(private readonly store: Store, readonly home: string | undefined, private readonly audit: AuditLog) {}

  /** The response context, or 503 when no incidents home is known. */
  context(): RespondContext {
    if (this.home === undefined) {
      throw new HttpError('ERR_UNAVAILABLE', 'this store has no folder beside it for incidents: set incidents.home in the config');
    }
    return { store: this.store, home: this.home };
  }

  /** Throws ERR_NOT_FOUND (404) unless incident `id` exists. */
  async requireIncident(id: string): Promise<void> {
    await requireIncident(this.context(), id);
  }

  /** Runs `step` after every earlier step on incident `id` has ended. */
  serial<T>(id: string, step: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(id) ?? Promise.resolve();
    const run = prev.then(step, step);
    const tail = run.catch(() => undefined);
    this.queues.set(id, tail);
    void tail.then(() => { if (this.queues.get(id) === tail) this.queues.delete(id); });
    return run.catch(lockedToBusy);
  }

  /** Opens the incident's evidence log for `fn` and closes it after (call inside {@link serial}). */
  async withLog<T>(id: string, fn: (log: EvidenceLog) => Promise<T>): Promise<T> {
    const ctx = this.context();
    const log = await openIncidentLog(ctx, incidentPaths(ctx.home, id), id);
    try {
      return await fn(log);
    } finally {
      await log.close();
    }
  }

  /** Appends the action's `audit` entry to an open log; returns its index. */
  async appendAction(log: EvidenceLog, actor: Actor, a: ActionRecord): Promise<number> {
    const r = await log.append({ kind: 'audit', payload: { who: actor.who.name, role: actor.who.role, action: a.action, object: a.object, detail: a.detail } });
    return r.index;
  }

  /** Writes the action to the audit log, naming its evidence entry. */
  async audited(actor: Actor, a: ActionRecord, entry: number | undefined): Promise<void> {
    await this.audit.write(actor.who, a.action, a.object, { ip: actor.ip, detail: { ...a.detail, ...(entry !== undefined && { evidence_entry: entry }) } });
  }

  /** Records action `a` on incident `id`: evidence entry first, then the audit log. */
  async record(id: string, actor: Actor, a: ActionRecord): Promise<number> {
    const entry = await this.serial(id, () => this.withLog(id, (log) => this.appendAction(log, actor, a)));
    await this.audited(actor, a, entry);
    return entry;
  }
}

/** Another process writing the log is a wait, not a failure. */
function lockedToBusy(e: unknown): never {
  if (isBreachwatchError(e, 'ERR_STATE') && /being written by another process/.test(e.message)) {
    throw new HttpError('ERR_BUSY', 'the incident\'s evidence log is being written by another process; retry later', LOCKED_RETRY_S);
  }
  throw e;
}
