/**
 * Loads the key registry (contract input 3): `{"keys":[…]}` JSON, validated with zod, times
 * normalized to epoch ms. Unknown fields are ignored.
 */
import { z } from 'zod';
import type { KeyRecord } from '../../model/index.js';
import { parseJsonDoc, readText, validate } from './source-text.js';
import { zOptTime, zTime } from './times.js';

const zJwk = z.looseObject({ kty: z.string() });

const zKey = z.object({
  kid: z.string().min(1),
  alg: z.string().optional(),
  created: zTime,
  activated: zOptTime,
  retired: zOptTime,
  revoked: zOptTime,
  storage: z.enum(['hsm', 'kms', 'file', 'env', 'unknown']).nullish(),
  max_token_ttl_s: z.number().nonnegative().nullish(),
  custodians: z.array(z.string()).nullish(),
  jwk: zJwk.nullish(),
});

const zRegistry = z.object({ keys: z.array(zKey) });

/** Normalizes one validated key entry. */
function toRecord(k: z.output<typeof zKey>): KeyRecord {
  const jwk = k.jwk ?? undefined;
  const alg = k.alg ?? (typeof jwk?.['alg'] === 'string' ? jwk['alg'] : 'unknown');
  const rec: KeyRecord = {
    kid: k.kid,
    alg,
    created: k.created,
    activated: k.activated,
    retired: k.retired,
    revoked: k.revoked,
    storage: k.storage ?? 'unknown',
    max_token_ttl_s: k.max_token_ttl_s ?? null,
    custodians: k.custodians ?? [],
  };
  return jwk === undefined ? rec : { ...rec, jwk };
}

/**
 * Reads and validates a key registry file.
 * @throws BreachwatchError `ERR_INPUT_UNREADABLE` (missing/unreadable) or `ERR_INPUT_INVALID`
 *   (syntax at `file:line:col`, schema at `file:line: $.keys[i].field`).
 */
export async function loadKeys(path: string): Promise<KeyRecord[]> {
  const text = await readText(path);
  const reg = validate(path, parseJsonDoc(path, text), zRegistry);
  return reg.keys.map(toRecord);
}
