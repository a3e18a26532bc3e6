/**
 * Exposure certificates: a compact JWS (EdDSA, Ed25519, via `jose`) of what of one person was
 * exposed in one incident's saved run, signed by the portal's key (generated into the state
 * folder on first start, 0600; `kid` = RFC 7638 thumbprint) whose public JWKS the portal
 * publishes at `/.well-known/jwks.json`. {@link verifyCertificate} checks one offline against
 * a JWKS (a file's contents or fetched from a URL) and validates its payload.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, CompactSign, compactVerify, createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import { z } from 'zod';
import { BreachwatchError } from '../model/index.js';

/** The JWS `typ` of a certificate. */
export const CERTIFICATE_TYP = 'bw-exposure-certificate+jws';

/** What a certificate states. */
export const CertificatePayloadSchema = z.strictObject({
  v: z.literal(1),
  /** The portal's official address (the issuer). */
  iss: z.url(),
  certificate_id: z.string().regex(/^cert-[0-9a-f]{24}$/),
  incident_id: z.string().min(1),
  incident_name: z.string(),
  run_id: z.string().min(1),
  account_id: z.string().min(1),
  verified_contact: z.strictObject({ channel: z.enum(['email', 'phone']), value: z.string().min(1), verified_at: z.iso.datetime() }),
  fields: z.array(z.string()),
  first_access: z.iso.datetime(),
  last_access: z.iso.datetime(),
  accesses: z.number().int().nonnegative(),
  issued_at: z.iso.datetime(),
});
/** A certificate's payload. */
export type CertificatePayload = z.output<typeof CertificatePayloadSchema>;

/** The portal's signing key. */
export interface PortalKey {
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK & { kid: string };
}

/** A new certificate id. */
export const newCertificateId = (): string => `cert-${randomBytes(12).toString('hex')}`;

/** Loads `<dir>/signing-key.jwk`, generating it (0600) on first use. */
export async function portalKey(dir: string): Promise<PortalKey> {
  const path = join(dir, 'signing-key.jwk');
  let jwk: JWK;
  if (existsSync(path)) jwk = JSON.parse(readFileSync(path, 'utf8')) as JWK;
  else {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    jwk = await exportJWK(privateKey);
    writeFileSync(path, `${JSON.stringify(jwk)}\n`, { mode: 0o600, flag: 'wx' });
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || typeof jwk.d !== 'string') {
    throw new BreachwatchError('ERR_CONFIG', `${path}: not a private Ed25519 JWK`);
  }
  const bare = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  const publicJwk = { ...bare, kid: await calculateJwkThumbprint(bare, 'sha256'), alg: 'EdDSA', use: 'sig' };
  const key = await importJWK(jwk, 'EdDSA');
  if (key instanceof Uint8Array) throw new BreachwatchError('ERR_CONFIG', `${path}: not an asymmetric key`);
  return { privateKey: key, publicJwk };
}

/** Signs a payload into a compact JWS. */
export async function signCertificate(key: PortalKey, payload: CertificatePayload): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', kid: key.publicJwk.kid, typ: CERTIFICATE_TYP })
    .sign(key.privateKey);
}

/** The outcome of a check. */
export type CertificateCheck =
  | { readonly ok: true; readonly kid: string; readonly payload: CertificatePayload }
  | { readonly ok: false; readonly reason: string };

const JwksSchema = z.object({ keys: z.array(z.looseObject({ kty: z.string() })) });

/** Parses a JWKS document (`{keys: […]}`), or ERR_INPUT_INVALID. */
export function parseJwks(text: string, where: string): JSONWebKeySet {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new BreachwatchError('ERR_INPUT_INVALID', `${where}: not JSON`);
  }
  const r = JwksSchema.safeParse(raw);
  if (!r.success) throw new BreachwatchError('ERR_INPUT_INVALID', `${where}: not a JWKS ({"keys": [...]})`);
  return r.data;
}

/** Checks a compact JWS against `jwks`: signature, `typ`, and the payload's shape. */
export async function verifyCertificate(jws: string, jwks: JSONWebKeySet): Promise<CertificateCheck> {
  const text = jws.trim();
  try {
    const header = decodeProtectedHeader(text);
    if (header.typ !== CERTIFICATE_TYP) return { ok: false, reason: `not an exposure certificate (typ ${String(header.typ)})` };
    const r = await compactVerify(text, createLocalJWKSet(jwks), { algorithms: ['EdDSA'] });
    const p = CertificatePayloadSchema.safeParse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(r.payload)));
    if (!p.success) return { ok: false, reason: `signed, but the payload is not a certificate: ${p.error.issues[0]?.message ?? ''}` };
    return { ok: true, kid: String(r.protectedHeader.kid), payload: p.data };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return { ok: false, reason: 'signature does not verify: the file was changed or not signed by this key' };
    if (code === 'ERR_JWKS_NO_MATCHING_KEY') return { ok: false, reason: 'no key in the JWKS matches the certificate\'s kid' };
    return { ok: false, reason: `not a valid JWS: ${e instanceof Error ? e.message.slice(0, 120) : 'unreadable'}` };
  }
}
