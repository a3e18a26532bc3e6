/**
 * What the demo ends with: the exposed key's rotation proposed by one admin, approved by a
 * second, executed — and the forged-token rate before and after in a simulated continuation.
 * The attacker holds the old key (here a key pair made for the run, published under the old
 * kid before the rotation, as the leaked key was); it keeps minting tokens with any `jti`
 * and `exp`. A jose verifier with the JWKS of the moment judges each: before, the old JWKS;
 * after, the JWKS the rotation published. The platform's own new-key tokens are judged too.
 */
import { readFile } from 'node:fs/promises';

import { createLocalJWKSet, exportJWK, generateKeyPair, importPKCS8, jwtVerify, SignJWT, type CryptoKey, type JSONWebKeySet } from 'jose';
import { loadKeys } from '../ingest/index.js';
import { BreachwatchError } from '../model/index.js';
import type { RespondContext } from '../respond/index.js';
import { approve, execute, propose } from './workflow.js';

/** What {@link demoContainment} takes. */
export interface DemoContainmentOptions {
  readonly incidentId: string;
  /** The key registry (rewritten by the rotation) and the exposed key. */
  readonly registry: string;
  readonly kid: string;
  readonly jwksOut: string;
  readonly custodians: readonly string[];
  readonly staff?: string;
  /** The two admins (default `lead`, `second`). */
  readonly proposer?: string;
  readonly approver?: string;
  /** Forged requests in each half of the continuation (default 200). */
  readonly requests?: number;
}

/** One half of the continuation. */
export interface RateSample { readonly attempted: number; readonly accepted: number; readonly rate: number }

/** What the demo prints. */
export interface DemoContainmentResult {
  readonly action_id: string;
  readonly new_kid: string;
  readonly forged_before: RateSample;
  readonly forged_after: RateSample;
  /** Tokens the platform signs with the new key after the rotation. */
  readonly legitimate_after: RateSample;
}

async function rate(n: number, sign: (i: number) => Promise<string>, jwks: JSONWebKeySet): Promise<RateSample> {
  const verify = createLocalJWKSet(jwks);
  let accepted = 0;
  for (let i = 0; i < n; i++) {
    if (await jwtVerify(await sign(i), verify).then(() => true, () => false)) accepted++;
  }
  return { attempted: n, accepted, rate: n === 0 ? 0 : accepted / n };
}

function token(kid: string, alg: string, key: CryptoKey, i: number, who: string): Promise<string> {
  return new SignJWT({ sub: `${who}-${i}` }).setProtectedHeader({ alg, kid }).setJti(`${who}-${kid}-${i}`).setIssuedAt().setExpirationTime('30d').sign(key);
}

/** Proposes, approves and executes the rotation of `kid`, and measures the forged-token rate around it. */
export async function demoContainment(ctx: RespondContext, o: DemoContainmentOptions): Promise<DemoContainmentResult> {
  const old = (await loadKeys(o.registry)).find((k) => k.kid === o.kid);
  if (old === undefined) throw new BreachwatchError('ERR_USAGE', `the registry has no key ${o.kid}`);
  const n = o.requests ?? 200;
  const leaked = await generateKeyPair(old.alg, { extractable: true });
  const beforeJwks: JSONWebKeySet = { keys: [{ ...(await exportJWK(leaked.publicKey)), kid: o.kid, alg: old.alg, use: 'sig' }] };
  const forged = (i: number): Promise<string> => token(o.kid, old.alg, leaked.privateKey, i, 'forged');
  const forgedBefore = await rate(n, forged, beforeJwks);

  const p = await propose(ctx, { incidentId: o.incidentId, kind: 'rotate-key', by: o.proposer ?? 'lead', input: {
    kid: o.kid, registry: o.registry, jwks_out: o.jwksOut, custodians: [...o.custodians], ...(o.staff !== undefined && { staff: o.staff }),
  } });
  const id = p.proposal.action_id;
  await approve(ctx, { incidentId: o.incidentId, actionId: id, by: o.approver ?? 'second', proposalSha256: p.proposal_sha256 });
  const x = await execute(ctx, { incidentId: o.incidentId, actionId: id, by: o.approver ?? 'second' });
  if (x.state !== 'executed') throw new BreachwatchError('ERR_STATE', `rotation ${id} did not complete: ${x.execution?.error ?? x.state}`);
  const newKid = p.proposal.params['new_kid'] as string;
  const afterJwks = JSON.parse(await readFile(o.jwksOut, 'utf8')) as JSONWebKeySet;
  const forgedAfter = await rate(n, forged, afterJwks);
  const keyFile = x.execution?.result['private_key'] as string;
  let legit: RateSample = { attempted: 0, accepted: 0, rate: 0 };
  if (!keyFile.startsWith('hook:')) {
    const priv = await importPKCS8(await readFile(keyFile, 'utf8'), old.alg);
    legit = await rate(Math.min(n, 50), (i) => token(newKid, old.alg, priv, i, 'customer'), afterJwks);
  }
  return { action_id: id, new_kid: newKid, forged_before: forgedBefore, forged_after: forgedAfter, legitimate_after: legit };
}

/** The demo's closing lines. */
export function renderDemoContainment(r: DemoContainmentResult): string {
  const pct = (s: RateSample): string => `${s.accepted}/${s.attempted} accepted (${(s.rate * 100).toFixed(1)}%)`;
  return [
    `Containment ${r.action_id}: key rotated to ${r.new_kid} (proposed, approved by a second admin, executed)`,
    `  forged tokens before rotation: ${pct(r.forged_before)}`,
    `  forged tokens after rotation:  ${pct(r.forged_after)}`,
    `  new-key tokens after rotation: ${pct(r.legitimate_after)}`,
  ].join('\n');
}

