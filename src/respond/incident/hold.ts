/**
 * Legal preservation holds. A hold is a row in the store the incident describes; while one
 * stands, whatever would delete or replace stored data refuses (ERR_HOLD): `hunt` without
 * `--append` on that store (the composition layer checks before replacing it), retention
 * (`ScopeRunStore`'s `pruneBefore` checks inside its transaction), and journal trimming that
 * would lose events the store does not hold yet (the live pipeline). Placing and lifting are
 * recorded in the incident's evidence log.
 */
import { randomBytes } from 'node:crypto';
import { BreachwatchError, toRfc3339 } from '../../model/index.js';
import type { LegalHold } from '../../store/index.js';
import { nowMs, openIncidentLog, type RespondContext } from '../context.js';
import { requireIncident } from './lookup.js';
import { incidentPaths } from './paths.js';
import { writeIncidentSnapshot } from './snapshot.js';

/** Records `h` in the store and the log, then rewrites incident.json. */
async function record(ctx: RespondContext, h: LegalHold, action: 'placed' | 'lifted'): Promise<void> {
  const log = await openIncidentLog(ctx, incidentPaths(ctx.home, h.incident_id), h.incident_id);
  try {
    await ctx.store.putHold(h);
    await log.append({
      kind: 'hold', payload: {
        action, hold_id: h.hold_id, incident_id: h.incident_id, placed_at: toRfc3339(h.placed_at), reason: h.reason,
        ...(h.lifted_at !== undefined && { lifted_at: toRfc3339(h.lifted_at) }), ...(h.lift_reason !== undefined && { lift_reason: h.lift_reason }),
      },
    });
    await log.checkpoint();
  } finally {
    await log.close();
  }
  await writeIncidentSnapshot(ctx, h.incident_id);
}

/** Places a hold for an incident; returns it. */
export async function placeHold(ctx: RespondContext, incidentId: string, reason: string): Promise<LegalHold> {
  await requireIncident(ctx, incidentId);
  if (reason.trim() === '') throw new BreachwatchError('ERR_USAGE', 'a hold needs a reason (e.g. the preservation order it follows)');
  const h: LegalHold = { hold_id: `hold-${randomBytes(4).toString('hex')}`, incident_id: incidentId, placed_at: nowMs(ctx), reason };
  await record(ctx, h, 'placed');
  return h;
}

/** Lifts a standing hold of the incident; returns it. */
export async function liftHold(ctx: RespondContext, incidentId: string, holdId: string, reason: string): Promise<LegalHold> {
  const h = (await ctx.store.listHolds({ incidentId })).find((x) => x.hold_id === holdId);
  if (h === undefined) throw new BreachwatchError('ERR_NOT_FOUND', `incident ${incidentId} has no hold ${holdId}`);
  if (h.lifted_at !== undefined) throw new BreachwatchError('ERR_USAGE', `hold ${holdId} was lifted already (${toRfc3339(h.lifted_at)})`);
  const lifted: LegalHold = { ...h, lifted_at: nowMs(ctx), lift_reason: reason };
  await record(ctx, lifted, 'lifted');
  return lifted;
}
