// Tests for the jwt form: claims from the token, signature checked against registry JWKs.
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccessEvent, KeyRecord } from '../model/index.js';
import { parseAccessLine } from './access.js';
import { JwtChecker } from './jwt.js';
import type { SigTarget } from './jwt.js';

const ref = { file: 'a.ndjson', line: 1 };
let jwt = '';
let other = '';
let registry: KeyRecord[] = [];
const claims = { jti: 'j-1', sub: 'm-42', iat: 1719198765, exp: 1719202365, client_id: 'ios' };

function key(kid: string, jwk?: KeyRecord['jwk']): KeyRecord {
  const k: KeyRecord = { kid, alg: 'ES256', created: 0, activated: null, retired: null, revoked: null, storage: 'file', max_token_ttl_s: 3600, custodians: [] };
  return jwk === undefined ? k : { ...k, jwk };
}

beforeAll(async () => {
  const signer = await generateKeyPair('ES256', { extractable: true });
  const attacker = await generateKeyPair('ES256', { extractable: true });
  // Long expired in wall-clock terms: only the signature is checked, never exp.
  jwt = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'sig-1' }).sign(signer.privateKey);
  other = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'sig-1' }).sign(attacker.privateKey);
  registry = [key('sig-1', await exportJWK(signer.publicKey)), key('sig-2')];
});

async function parse(token: string, keys: KeyRecord[]): Promise<AccessEvent> {
  const checker = new JwtChecker(keys);
  const text = JSON.stringify({ time: '2025-06-24T03:12:45Z', src_ip: '203.0.113.7', method: 'GET', route: '/v1/orders', status: 200, jwt: token });
  const r = parseAccessLine(text, ref, { jwt: checker });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  await checker.settle();
  return r.value;
}

describe('jwt form', () => {
  it('reads claims and kid from the token; a good signature is valid', async () => {
    const e = await parse(jwt, registry);
    expect(e.token).toEqual({ ...claims, kid: 'sig-1' });
    expect(e.account_id).toBe('m-42');
    expect(e.sig).toBe('valid');
    expect(e.raw).toBeUndefined();
  });

  it('a tampered token is invalid', async () => {
    const [h, , s] = jwt.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'm-1' })).toString('base64url');
    expect((await parse(`${h}.${forged}.${s}`, registry)).sig).toBe('invalid');
  });

  it('a token signed with another key is invalid', async () => {
    expect((await parse(other, registry)).sig).toBe('invalid');
  });

  it('no JWK for the kid gives no_key', async () => {
    expect((await parse(jwt, [key('sig-1')])).sig).toBe('no_key');
    expect((await parse(jwt, [])).sig).toBe('no_key');
  });

  it('checks a token shared by many events once and sets every event', async () => {
    const checker = new JwtChecker(registry);
    const targets: SigTarget[] = [{}, {}, {}];
    for (const t of targets) checker.check(t, jwt);
    expect(targets[0]!.sig).toBeUndefined();
    await checker.settle();
    expect(targets.map((t) => t.sig)).toEqual(['valid', 'valid', 'valid']);
    const later: SigTarget = {};
    checker.check(later, jwt);
    expect(later.sig).toBe('valid');
    expect(checker.pendingCount).toBe(0);
  });

  it('a token without the needed claims is bad_jwt', async () => {
    const kp = await generateKeyPair('ES256');
    const noJti = await new SignJWT({ sub: 'm-1', iat: 1, exp: 2 }).setProtectedHeader({ alg: 'ES256', kid: 'k' }).sign(kp.privateKey);
    expect(new JwtChecker().decode(noJti)).toMatchObject({ ok: false });
  });
});
