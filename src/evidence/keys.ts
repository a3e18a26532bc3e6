/**
 * The log's signing key: Ed25519 (JWS `EdDSA`), generated on first use into the log
 * directory (private JWK, 0600) or given by the caller (then never written). The public key
 * is kept beside it as a JWK whose `kid` is its RFC 7638 thumbprint, which is also what a
 * third party compares with the key the company published. Every operation goes through jose.
 */
import { readFile } from 'node:fs/promises';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { BreachwatchError } from '../model/index.js';
import { writeFileAtomic } from './files.js';

/** The public half, as published. */
export interface PublicJwk extends JWK {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  readonly x: string;
  readonly kid: string;
  readonly alg: 'EdDSA';
  readonly use: 'sig';
}

/** A loaded key: the public JWK always, the private key when this process can sign. */
export interface LogKey {
  readonly publicJwk: PublicJwk;
  readonly privateKey?: CryptoKey;
}

function isEd25519(jwk: JWK): jwk is JWK & { kty: 'OKP'; crv: 'Ed25519'; x: string } {
  return jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string';
}

/** The public JWK of an Ed25519 JWK (public or private), with its thumbprint as `kid`. */
export async function publicJwkOf(jwk: JWK): Promise<PublicJwk> {
  if (!isEd25519(jwk)) throw new BreachwatchError('ERR_INPUT_INVALID', 'the evidence signing key must be an Ed25519 (OKP) JWK');
  const bare = { kty: 'OKP', crv: 'Ed25519', x: jwk.x } as const;
  return { ...bare, kid: await calculateJwkThumbprint(bare, 'sha256'), alg: 'EdDSA', use: 'sig' };
}

async function importPrivate(jwk: JWK): Promise<CryptoKey> {
  if (!isEd25519(jwk) || typeof jwk.d !== 'string') throw new BreachwatchError('ERR_INPUT_INVALID', 'the evidence signing key must be a private Ed25519 JWK (with "d")');
  const k = await importJWK(jwk, 'EdDSA');
  if (k instanceof Uint8Array) throw new BreachwatchError('ERR_INPUT_INVALID', 'the evidence signing key must be an asymmetric key');
  return k;
}

/** Generates a new key pair and writes its private JWK to `privatePath` (0600). */
export async function generateLogKey(privatePath: string): Promise<LogKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  await writeFileAtomic(privatePath, JSON.stringify(await exportJWK(privateKey)) + '\n');
  return { publicJwk: await publicJwkOf(await exportJWK(publicKey)), privateKey };
}

/** The key of a caller-given private JWK. */
export async function givenLogKey(jwk: JWK): Promise<LogKey> {
  return { publicJwk: await publicJwkOf(jwk), privateKey: await importPrivate(jwk) };
}

/** Loads the private key at `privatePath` if present (the log may have been given its key instead). */
export async function loadPrivateKey(privatePath: string): Promise<LogKey | undefined> {
  let text: string;
  try {
    text = await readFile(privatePath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BreachwatchError('ERR_STATE', `cannot read the evidence signing key ${privatePath}: ${(e as Error).message}`, { cause: e });
  }
  const jwk = JSON.parse(text) as JWK;
  return { publicJwk: await publicJwkOf(jwk), privateKey: await importPrivate(jwk) };
}
