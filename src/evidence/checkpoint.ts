/**
 * Signed checkpoints: `{v, log_id, size, root, time}` as canonical JSON, signed as a compact
 * JWS (EdDSA over Ed25519, header `kid` = the key's RFC 7638 thumbprint, `typ`
 * `breachwatch-checkpoint`). Verification is strict: the algorithm, type and key id must be
 * the expected ones, the payload canonical, and every base64url segment in its one exact
 * spelling (so no bit of the file can change without failing).
 */
import { CompactSign, compactVerify, importJWK } from 'jose';
import type { CryptoKey } from 'jose';
import { z } from 'zod';
import type { ParseResult } from '../model/index.js';
import { canonicalJson, isCanonicalJson } from './canonical.js';
import type { PublicJwk } from './keys.js';

/** What a checkpoint states: the log `log_id` had `size` entries with tree head `root` at `time`. */
export const CheckpointSchema = z.object({
  v: z.literal(1),
  log_id: z.string().min(1),
  size: z.number().int().nonnegative(),
  root: z.string().regex(/^[0-9a-f]{64}$/),
  time: z.string(),
}).strict();
/** A checkpoint's statement. */
export type Checkpoint = z.infer<typeof CheckpointSchema>;

/** A checkpoint with its compact JWS. */
export interface SignedCheckpoint {
  readonly jws: string;
  readonly checkpoint: Checkpoint;
}

/** The JWS `typ` of checkpoints. */
export const CHECKPOINT_TYP = 'breachwatch-checkpoint';

/** Signs `payload` (any JSON value, as canonical JSON) as a compact JWS of type `typ`. */
export async function signCanonical(payload: unknown, typ: string, key: CryptoKey, kid: string): Promise<string> {
  const c = canonicalJson(payload);
  if (!c.ok) throw new TypeError(`cannot sign: ${c.issues[0]?.message ?? 'not JSON'}`);
  return new CompactSign(new TextEncoder().encode(c.value)).setProtectedHeader({ alg: 'EdDSA', kid, typ }).sign(key);
}

/** Signs a checkpoint. */
export async function signCheckpoint(c: Checkpoint, key: CryptoKey, kid: string): Promise<SignedCheckpoint> {
  return { jws: await signCanonical(c, CHECKPOINT_TYP, key, kid), checkpoint: c };
}

function exactBase64url(jws: string): boolean {
  const parts = jws.split('.');
  return parts.length === 3 && parts.every((p) => /^[A-Za-z0-9_-]*$/.test(p) && Buffer.from(p, 'base64url').toString('base64url') === p);
}

// Importing a JWK costs more than verifying with it; a bundle checks several signatures.
const imported = new WeakMap<PublicJwk, Promise<CryptoKey | Uint8Array>>();

/**
 * Verifies a compact JWS of type `typ` made with `key`, and returns its payload text (canonical
 * JSON), or why it does not verify.
 */
export async function verifyCanonical(jws: string, typ: string, key: PublicJwk): Promise<ParseResult<string>> {
  const fail = (code: string, message: string): ParseResult<string> => ({ ok: false, issues: [{ code, message }] });
  if (!exactBase64url(jws.trim() === jws ? jws : '')) return fail('bad_jws', 'not a compact JWS in exact base64url');
  let payload: Uint8Array;
  try {
    let k = imported.get(key);
    if (k === undefined) imported.set(key, k = importJWK(key, 'EdDSA'));
    const r = await compactVerify(jws, await k, { algorithms: ['EdDSA'] });
    if (r.protectedHeader.typ !== typ) return fail('bad_typ', `JWS typ is ${String(r.protectedHeader.typ)}, not ${typ}`);
    if (r.protectedHeader.kid !== key.kid) return fail('bad_kid', `JWS kid ${String(r.protectedHeader.kid)} is not the key's ${key.kid}`);
    payload = r.payload;
  } catch (e) {
    return fail('bad_signature', `signature does not verify (${(e as Error).message})`);
  }
  const text = Buffer.from(payload).toString('utf8');
  if (!isCanonicalJson(text)) return fail('not_canonical', 'signed payload is not canonical JSON');
  return { ok: true, value: text };
}

/** Verifies a checkpoint JWS against `key`. */
export async function verifyCheckpoint(jws: string, key: PublicJwk): Promise<ParseResult<SignedCheckpoint>> {
  const v = await verifyCanonical(jws, CHECKPOINT_TYP, key);
  if (!v.ok) return v;
  const c = CheckpointSchema.safeParse(JSON.parse(v.value));
  if (!c.success) return { ok: false, issues: [{ code: 'bad_checkpoint', message: `checkpoint payload: ${c.error.issues[0]?.message ?? 'invalid'}` }] };
  return { ok: true, value: { jws, checkpoint: c.data } };
}
