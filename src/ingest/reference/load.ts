/**
 * Loads all reference data of a run; a part not given is empty.
 */
import type { ReferenceData } from '../../model/index.js';
import { loadCatalog } from './catalog-file.js';
import { loadKeys } from './keys.js';
import { loadStaff } from './staff.js';

/** Paths of the reference files; each optional. */
export interface ReferencePaths {
  readonly keys?: string;
  readonly staff?: string;
  readonly catalog?: string;
}

/** Loads keys, staff and catalog concurrently; missing parts are empty arrays. */
export async function loadReference(paths: ReferencePaths): Promise<ReferenceData> {
  const [keys, staff, catalog] = await Promise.all([
    paths.keys === undefined ? [] : loadKeys(paths.keys),
    paths.staff === undefined ? [] : loadStaff(paths.staff),
    paths.catalog === undefined ? [] : loadCatalog(paths.catalog),
  ]);
  return { keys, staff, catalog };
}
