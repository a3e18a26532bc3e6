/** SHA-256 of canonical JSON (RFC 8785) and of bytes: how proposals and files are named in evidence. */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../evidence/index.js';
import { BreachwatchError } from '../model/index.js';

/** Lower-case hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Lower-case hex SHA-256 of the canonical JSON of `value`. */
export function sha256Canonical(value: unknown): string {
  const c = canonicalJson(JSON.parse(JSON.stringify(value)) as unknown);
  if (!c.ok) throw new BreachwatchError('ERR_INTERNAL', `not canonical JSON: ${c.issues.map((i) => i.message).join('; ')}`);
  return sha256Hex(c.value);
}
