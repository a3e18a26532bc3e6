/**
 * Stable alert ids: the same (detector, entity) gets the same id in every run.
 */
import { createHash } from 'node:crypto';
import type { Entity } from '../model/index.js';

/** `bw-` + first 20 hex digits of sha256(detector \n entity.type \n entity.id). */
export function alertId(detector: string, entity: Entity): string {
  const h = createHash('sha256').update(`${detector}\n${entity.type}\n${entity.id}`).digest('hex');
  return `bw-${h.slice(0, 20)}`;
}
