/**
 * Loads all reference data of a run; a part not given is empty.
 */
import type { ReferenceData } from '../../model/index.js';
import { loadCatalog } from './catalog-file.js';
import { loadClients } from './clients.js';
import { loadHoney } from './honey.js';
import { loadKeys } from './keys.js';
import { loadStaff } from './staff.js';

/** Paths of the reference files; each optional. */
export interface ReferencePaths {
  readonly keys?: string;
  readonly staff?: string;
  readonly catalog?: string;
  /** Client registry (contract §7). */
  readonly clients?: string;
  /** Honey-account list (contract §8). */
  readonly honey?: string;
}

/**
 * Loads every given file concurrently; missing keys, staff and catalog are empty arrays,
 * missing clients and honey lists are left out.
 */
export async function loadReference(paths: ReferencePaths): Promise<ReferenceData> {
  const [keys, staff, catalog, clients, honey] = await Promise.all([
    paths.keys === undefined ? [] : loadKeys(paths.keys),
    paths.staff === undefined ? [] : loadStaff(paths.staff),
    paths.catalog === undefined ? [] : loadCatalog(paths.catalog),
    paths.clients === undefined ? undefined : loadClients(paths.clients),
    paths.honey === undefined ? undefined : loadHoney(paths.honey),
  ]);
  return { keys, staff, catalog, ...(clients !== undefined && { clients }), ...(honey !== undefined && { honey }) };
}
