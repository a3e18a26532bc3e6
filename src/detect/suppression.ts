/**
 * Suppressions: findings an operator has chosen to ignore (a known scanner, a test key).
 * Every given field must match; an empty suppression matches nothing.
 */
import type { Finding } from '../model/index.js';

/** Drop findings of this detector and/or this entity. */
export interface Suppression {
  readonly detector?: string;
  readonly entity_type?: string;
  readonly entity_id?: string;
}

/** True when some suppression matches the finding. */
export function isSuppressed(f: Finding, list: readonly Suppression[]): boolean {
  for (const s of list) {
    if (s.detector === undefined && s.entity_type === undefined && s.entity_id === undefined) continue;
    if (s.detector !== undefined && s.detector !== f.detector) continue;
    if (s.entity_type !== undefined && s.entity_type !== f.entity.type) continue;
    if (s.entity_id !== undefined && s.entity_id !== f.entity.id) continue;
    return true;
  }
  return false;
}
