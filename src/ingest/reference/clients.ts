/**
 * Loads the client registry (contract input 7): `{clients:[{client_id, kind, owner?}]}` as
 * JSON or YAML. It says which API clients may act on accounts other than their token's `sub`.
 */
import { z } from 'zod';
import { BreachwatchError } from '../../model/index.js';
import type { ClientRecord } from '../../model/index.js';
import { parseJsonDoc, parseYamlDoc, readText, validate } from './source-text.js';

const zClient = z.object({
  client_id: z.union([z.string(), z.number().transform(String)]).pipe(z.string().min(1)),
  kind: z.enum(['customer', 'staff', 'service']),
  owner: z.union([z.string(), z.null()]).optional(),
});

const zRegistry = z.object({ clients: z.array(zClient) });

/**
 * Reads a client registry file (JSON by extension or leading `{`, otherwise YAML). A client
 * listed twice is an error (which of the two kinds holds would be a guess).
 * @throws BreachwatchError `ERR_INPUT_UNREADABLE` or `ERR_INPUT_INVALID` (with `file:line`).
 */
export async function loadClients(path: string): Promise<ClientRecord[]> {
  const text = await readText(path);
  const json = /\.json$/i.test(path) || (!/\.ya?ml$/i.test(path) && text.trimStart().startsWith('{'));
  const doc = json ? parseJsonDoc(path, text) : parseYamlDoc(path, text);
  const list = validate(path, doc, zRegistry).clients;
  const seen = new Set<string>();
  const out: ClientRecord[] = [];
  list.forEach((c, i) => {
    if (seen.has(c.client_id)) {
      const line = doc.lineOf(['clients', i]);
      throw new BreachwatchError('ERR_INPUT_INVALID',
        `${path}${line === undefined ? '' : `:${line}`}: $.clients[${i}].client_id: client '${c.client_id}' is listed twice`);
    }
    seen.add(c.client_id);
    out.push({ client_id: c.client_id, kind: c.kind, ...(typeof c.owner === 'string' && { owner: c.owner }) });
  });
  return out;
}
