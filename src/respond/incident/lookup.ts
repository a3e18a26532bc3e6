/**
 * Finding an incident and validating its details: what every incident step starts from.
 */
import { BreachwatchError } from '../../model/index.js';
import type { IncidentRow } from '../../store/index.js';
import type { RespondContext } from '../context.js';
import { IncidentDetailsSchema, type IncidentDetails } from './details.js';

/** Validates details, or throws ERR_INPUT_INVALID naming the field. */
export function parseDetails(raw: unknown, where = 'details'): IncidentDetails {
  const r = IncidentDetailsSchema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const i = r.error.issues[0];
  throw new BreachwatchError('ERR_INPUT_INVALID', `${where}: $.${(i?.path ?? []).join('.')}: ${i?.message ?? 'invalid'}`);
}

/** The incident, or ERR_NOT_FOUND. */
export async function requireIncident(ctx: RespondContext, id: string): Promise<IncidentRow> {
  const row = await ctx.store.getIncident(id);
  if (row === undefined) throw new BreachwatchError('ERR_NOT_FOUND', `no incident ${id} in this store (incident status lists them)`);
  return row;
}
