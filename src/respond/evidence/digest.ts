/**
 * Hashes of what the response records: a JSON value by its canonical form (RFC 8785, the
 * same form the evidence log hashes), and a file's bytes.
 */
import { hash } from 'node:crypto';
import { canonicalJson } from '../../evidence/index.js';

/** Lower-case hex SHA-256 of `value`'s canonical JSON (undefined fields dropped first). */
export function sha256Json(value: unknown): string {
  const plain = JSON.parse(JSON.stringify(value ?? null)) as unknown;
  const c = canonicalJson(plain);
  return hash('sha256', c.ok ? c.value : JSON.stringify(plain), 'hex');
}
