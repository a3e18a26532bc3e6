/**
 * Labels of the catalog's field vocabulary, per locale (`data/notice/labels/<locale>.yaml`),
 * with the incident's own additions on top. A field with no label shows its raw name, so a
 * new catalog field never disappears from a notice.
 */
import { join } from 'node:path';
import { access } from 'node:fs/promises';
import { z } from 'zod';
import { loadDocument } from '../../ingest/index.js';

/** Field name → label, for one locale. */
export interface FieldLabels {
  readonly locale: string;
  /** The label of `field`, or `field` itself when there is none. */
  label(field: string): string;
  /** Fields that had no label (shown raw), for the run's summary. */
  readonly unlabelled: ReadonlySet<string>;
}

const zLabels = z.object({ locale: z.string().min(2), as_of: z.string().optional(), labels: z.record(z.string(), z.string().min(1)) });

/**
 * Loads `<dir>/<locale>.yaml` (absent: no labels) and lays `extra` over it.
 * @throws BreachwatchError `ERR_INPUT_INVALID` for a file that is present but malformed.
 */
export async function loadLabels(dir: string, locale: string, extra: Readonly<Record<string, string>> = {}): Promise<FieldLabels> {
  const path = join(dir, `${locale}.yaml`);
  const present = await access(path).then(() => true, () => false);
  const base = present ? (await loadDocument(path, zLabels)).labels : {};
  const map = new Map(Object.entries({ ...base, ...extra }));
  const unlabelled = new Set<string>();
  return {
    locale,
    unlabelled,
    label(field) {
      const l = map.get(field);
      if (l !== undefined) return l;
      unlabelled.add(field);
      return field;
    },
  };
}
