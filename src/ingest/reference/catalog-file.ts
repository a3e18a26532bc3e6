/**
 * Loads the API catalog (contract input 5): `{routes:[…]}` as JSON or YAML.
 */
import { z } from 'zod';
import type { CatalogRoute } from '../../model/index.js';
import { parseJsonDoc, parseYamlDoc, readText, validate } from './source-text.js';

const zRoute = z.object({
  method: z.string().min(1).transform((m) => m.toUpperCase()),
  route: z.string().startsWith('/'),
  fields: z.array(z.string()).nullish().transform((f) => f ?? []),
  kind: z.enum(['personal', 'browse', 'cart', 'checkout', 'auth', 'other']).nullish().transform((k) => k ?? 'other'),
});

const zCatalog = z.object({ routes: z.array(zRoute) });

/** True when the file is JSON (by extension, else by content). */
function isJson(path: string, text: string): boolean {
  if (/\.json$/i.test(path)) return true;
  if (/\.ya?ml$/i.test(path)) return false;
  return text.trimStart().startsWith('{');
}

/**
 * Reads an API catalog file (JSON or YAML). Methods are upper-cased; a missing `kind` is
 * `other`, missing `fields` are `[]`.
 * @throws BreachwatchError `ERR_INPUT_UNREADABLE` or `ERR_INPUT_INVALID` (with `file:line`).
 */
export async function loadCatalog(path: string): Promise<CatalogRoute[]> {
  const text = await readText(path);
  const doc = isJson(path, text) ? parseJsonDoc(path, text) : parseYamlDoc(path, text);
  return validate(path, doc, zCatalog).routes;
}
