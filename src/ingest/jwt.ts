/**
 * The contract's `jwt` form: claims and `kid` are read from the compact JWT, and its
 * signature is checked against the key registry's public JWKs (jose). Decoding is synchronous;
 * verification is async, so it is deferred: the line parser calls {@link JwtChecker.check},
 * and the reader awaits {@link JwtChecker.settle} once per batch before releasing it.
 * Both decoding and verification results are cached per token (a token is reused for many
 * requests), in a bounded map.
 */
import { compactVerify, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';
import type { CryptoKey, JWK, KeyObject } from 'jose';
import type { KeyRecord, SignatureCheck, TokenClaims } from '../model/index.js';

/** A decoded token, or why it could not be decoded. */
export type DecodedJwt = { readonly ok: true; readonly claims: TokenClaims } | { readonly ok: false; readonly message: string };

/** An access event being built whose `sig` is still to be set. */
export interface SigTarget {
  sig?: SignatureCheck;
}

interface CacheEntry {
  readonly decoded: DecodedJwt;
  sig: SignatureCheck | undefined;
  verifying: Promise<SignatureCheck> | undefined;
}

const CACHE_MAX = 65_536;

function claimsOf(jwt: string): DecodedJwt {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let payload: ReturnType<typeof decodeJwt>;
  try {
    header = decodeProtectedHeader(jwt);
    payload = decodeJwt(jwt);
  } catch (e) {
    return { ok: false, message: `jwt cannot be decoded: ${e instanceof Error ? e.message : 'invalid'}` };
  }
  const { kid } = header;
  const { jti, sub, iat, exp } = payload;
  if (typeof kid !== 'string') return { ok: false, message: 'jwt header lacks a string kid' };
  if (typeof jti !== 'string' || typeof sub !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') {
    return { ok: false, message: 'jwt claims need string jti and sub, numeric iat and exp' };
  }
  const claims: TokenClaims = { jti, kid, sub, iat, exp };
  const client = payload['client_id'];
  const extra: { client_id?: string; iss?: string } = {};
  if (typeof client === 'string') extra.client_id = client;
  if (typeof payload.iss === 'string') extra.iss = payload.iss;
  return { ok: true, claims: { ...claims, ...extra } };
}

/** The algorithm a JWK without `alg` is most likely used with. */
function algOf(jwk: JWK): string {
  switch (jwk.crv) {
    case 'P-256': return 'ES256';
    case 'P-384': return 'ES384';
    case 'P-521': return 'ES512';
    case 'Ed25519': return 'Ed25519';
    default: return jwk.kty === 'RSA' ? 'RS256' : 'unknown';
  }
}

/** Decodes JWTs and checks their signatures against the key registry. One per stream. */
export class JwtChecker {
  private readonly jwks = new Map<string, { jwk: JWK; alg: string }>();
  private readonly keys = new Map<string, Promise<CryptoKey | KeyObject | undefined>>();
  private readonly cache = new Map<string, CacheEntry>();
  private pending: { target: SigTarget; jwt: string; kid: string; entry: CacheEntry }[] = [];

  constructor(keys: readonly KeyRecord[] = []) {
    for (const k of keys) {
      if (k.jwk !== undefined) this.jwks.set(k.kid, { jwk: k.jwk, alg: k.jwk.alg ?? (k.alg === 'unknown' ? algOf(k.jwk) : k.alg) });
    }
  }

  private entry(jwt: string): CacheEntry {
    let e = this.cache.get(jwt);
    if (e === undefined) {
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      e = { decoded: claimsOf(jwt), sig: undefined, verifying: undefined };
      this.cache.set(jwt, e);
    }
    return e;
  }

  /** Reads claims and `kid` from a compact JWT (no signature check). */
  decode(jwt: string): DecodedJwt {
    return this.entry(jwt).decoded;
  }

  /**
   * Sets `target.sig` now when it is known ('no_key', or cached), or defers the check until
   * {@link settle}. Call after a successful {@link decode}.
   */
  check(target: SigTarget, jwt: string): void {
    const entry = this.entry(jwt);
    if (!entry.decoded.ok) return;
    if (entry.sig !== undefined) {
      target.sig = entry.sig;
      return;
    }
    const kid = entry.decoded.claims.kid;
    if (!this.jwks.has(kid)) {
      target.sig = entry.sig = 'no_key';
      return;
    }
    this.pending.push({ target, jwt, kid, entry });
  }

  /** Number of checks waiting for {@link settle}. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Verifies every deferred signature (concurrently) and sets each target's `sig`. */
  async settle(): Promise<void> {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    await Promise.all(batch.map(async (p) => {
      // Many requests of a batch may share one token: verify it once.
      p.entry.verifying ??= this.verify(p.jwt, p.kid);
      p.target.sig = p.entry.sig = await p.entry.verifying;
    }));
  }

  private async verify(jwt: string, kid: string): Promise<SignatureCheck> {
    const key = await this.keyFor(kid);
    if (key === undefined) return 'no_key';
    try {
      // Signature only: exp/nbf are judged later, in event time, by the detectors.
      await compactVerify(jwt, key);
      return 'valid';
    } catch {
      return 'invalid';
    }
  }

  private keyFor(kid: string): Promise<CryptoKey | KeyObject | undefined> {
    let p = this.keys.get(kid);
    if (p === undefined) {
      const k = this.jwks.get(kid);
      p = k === undefined ? Promise.resolve(undefined) : importJWK(k.jwk, k.alg).then(
        (key) => (key instanceof Uint8Array ? undefined : key),
        () => undefined,
      );
      this.keys.set(kid, p);
    }
    return p;
  }
}
