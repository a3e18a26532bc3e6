/**
 * The key breachwatch signs Security Event Tokens with: one ES256 key pair per incidents home,
 * made on first use (`<home>/.contain/transmitter.private.jwk.json`, 0600 in a 0700 folder)
 * and published as a JWKS (`transmitter.jwks.json`, and `GET /api/v1/contain/jwks.json`) for
 * receivers to verify every SET against.
 */
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { BreachwatchError } from '../model/index.js';
import { createOnce, readJsonIfAny, writePrivate } from './files.js';

const ALG = 'ES256';

/** The transmitter's files under `home`. */
export function transmitterPaths(home: string): { privateJwk: string; jwks: string } {
  const dir = join(home, '.contain');
  return { privateJwk: join(dir, 'transmitter.private.jwk.json'), jwks: join(dir, 'transmitter.jwks.json') };
}

/** The signing key (made on first use) and its kid. */
export async function transmitterKey(home: string): Promise<{ key: CryptoKey; kid: string; alg: string }> {
  const p = transmitterPaths(home);
  let jwk = await readJsonIfAny<JWK>(p.privateJwk);
  if (jwk === undefined) {
    const pair = await generateKeyPair(ALG, { extractable: true });
    const priv = await exportJWK(pair.privateKey);
    const kid = await calculateJwkThumbprint(priv);
    // Two processes may both get here: the first file wins, the other reads it back.
    await createOnce(p.privateJwk, JSON.stringify({ ...priv, kid, alg: ALG }));
    jwk = await readJsonIfAny<JWK>(p.privateJwk);
    if (jwk === undefined) throw new BreachwatchError('ERR_STATE', `${p.privateJwk}: could not be read back`);
  }
  const { d: _d, ...pub } = jwk;
  await writePrivate(p.jwks, `${JSON.stringify({ keys: [{ ...pub, use: 'sig' }] }, null, 2)}\n`, 0o644);
  return { key: await importJWK(jwk, ALG) as CryptoKey, kid: jwk.kid ?? '', alg: ALG };
}

/** The published JWKS (creating the key when there is none yet). */
export async function transmitterJwks(home: string): Promise<{ keys: JWK[] }> {
  await transmitterKey(home);
  return await readJsonIfAny<{ keys: JWK[] }>(transmitterPaths(home).jwks) ?? { keys: [] };
}
