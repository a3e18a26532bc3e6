/**
 * The portal's parts without HTTP: identifier normalization and keying, the window limiter on
 * an injected clock, the state journal (replay, expiry, compaction, 0600 in 0700), codes as
 * HMACs, and certificates signed and checked with jose (a changed byte, another key, another typ).
 */
import { createSecretKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactSign, generateKeyPair, exportJWK } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { identifierKey, maskIdentifier, parseIdentifier } from './identifiers.js';
import { WindowLimit } from './limits.js';
import { PortalState, STATE_FILE, readClaims } from './state.js';
import { codeHash, codeMatches, newCode } from './otp.js';
import { randomBase64url, randomHex } from './random.js';
import { newCertificateId, portalKey, signCertificate, verifyCertificate, type CertificatePayload } from './certificate.js';

const dirs: string[] = [];
const tmp = async (): Promise<string> => { const d = await mkdtemp(join(tmpdir(), 'bw-portal-unit-')); dirs.push(d); return d; };
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

describe('identifiers', () => {
  it('normalizes emails and Korean phone numbers, refuses the rest, keys by HMAC', () => {
    expect(parseIdentifier('  Victim@Example.ORG ')).toEqual({ kind: 'email', value: 'victim@example.org' });
    expect(parseIdentifier('+82 10-1234-5678')).toEqual({ kind: 'phone', value: '01012345678' });
    expect(parseIdentifier('010-1234-5678')).toEqual({ kind: 'phone', value: '01012345678' });
    for (const bad of ['', 'x', 'a@b', '<script>@x.y', '12', 'a'.repeat(300)]) expect(parseIdentifier(bad), bad).toBeUndefined();
    const s = createSecretKey(Buffer.alloc(32, 1));
    const k = identifierKey(s, parseIdentifier('victim@example.org')!);
    expect(k).toBe(identifierKey(s, parseIdentifier('VICTIM@example.org')!));
    expect(k).not.toBe(identifierKey(createSecretKey(Buffer.alloc(32, 2)), parseIdentifier('victim@example.org')!));
    expect(k).not.toContain('victim');
    expect(maskIdentifier(parseIdentifier('victim@example.org')!)).toBe('v•••@example.org');
  });
});

describe('WindowLimit', () => {
  it('allows max per window and key, tells how long to wait, resets and forgets old keys', () => {
    let t = 0;
    const l = new WindowLimit(3, 10_000, () => t);
    expect([l.take('a'), l.take('a'), l.take('a')]).toEqual([undefined, undefined, undefined]);
    expect(l.take('a')).toBe(10);
    expect(l.take('b')).toBeUndefined();
    t = 4_000;
    expect(l.take('a')).toBe(6);
    t = 10_000;
    expect(l.take('a')).toBeUndefined();
    t = 30_000;
    l.take('c');
    expect(l.size).toBe(1);
  });
});

describe('codes', () => {
  it('are six digits, stored as an HMAC bound to the challenge', () => {
    const s = createSecretKey(Buffer.alloc(32, 7));
    const c = newCode();
    expect(c).toMatch(/^[0-9]{6}$/);
    const h = codeHash(s, 'ch1', c);
    expect(h).not.toContain(c);
    expect(codeMatches(s, 'ch1', c, h)).toBe(true);
    expect(codeMatches(s, 'ch2', c, h)).toBe(false);
    expect(codeMatches(s, 'ch1', c === '000000' ? '000001' : '000000', h)).toBe(false);
  });
});

describe('PortalState', () => {
  it('replays its journal, drops what expired, keeps one challenge per identifier, files 0600 in 0700', async () => {
    const dir = join(await tmp(), 'state');
    let now = 1000;
    const s = new PortalState(dir, () => now);
    s.putChallenge({ id: 'c1', key: 'k1', codeHash: 'aa', expiresAt: 5000, attempts: 0 });
    s.putChallenge({ id: 'c2', key: 'k1', codeHash: 'bb', expiresAt: 9000, attempts: 0 });
    s.noteAttempt('c2', 2);
    s.putSession({ id: 's1', expiresAt: 2000, challenge: 'c2' });
    s.lock('k9', 50_000);
    s.putClaim({ claim_id: 'claim-1', account_id: 'm-1', name: 'N', channel: 'email', contact: 'a@b.cd', consent_version: 'v1', certificate_id: 'cert-x', joined_at: 't', evidence_entry: 3 });
    s.close();
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, STATE_FILE))).mode & 0o777).toBe(0o600);
    now = 3000;
    const r = new PortalState(dir, () => now);
    expect(r.challenges.has('c1')).toBe(false);
    expect(r.challengeFor('k1')).toMatchObject({ id: 'c2', attempts: 2 });
    expect(r.sessions.size).toBe(0);
    expect(r.lockedUntil('k9')).toBe(50_000);
    expect(r.claims.get('m-1')?.claim_id).toBe('claim-1');
    r.close();
    // Compacted on open: only live lines remain.
    expect((await readFile(join(dir, STATE_FILE), 'utf8')).trim().split('\n')).toHaveLength(3);
    expect(readClaims(dir).claims.map((c) => c.claim_id)).toEqual(['claim-1']);
  });
});

describe('state journal writes', () => {
  it('writes plain lines at the end of the turn, and everything before a claim with the claim', async () => {
    const dir = await tmp();
    const s = new PortalState(dir, () => 1000);
    // Read synchronously: an await would let the end of the turn come first.
    const lines = (): string[] => readFileSync(join(dir, STATE_FILE), 'utf8').split('\n').filter((l) => l !== '');
    s.putChallenge({ id: 'c1', key: 'k1', codeHash: 'aa', expiresAt: 5000, attempts: 0 });
    s.putSession({ id: 's1', expiresAt: 2000, challenge: 'c1' });
    expect(lines()).toHaveLength(0);
    await new Promise((r) => setImmediate(r));
    expect(lines().map((l) => (JSON.parse(l) as { t: string }).t)).toEqual(['challenge', 'session']);
    s.noteAttempt('c1', 1);
    s.putClaim({ claim_id: 'claim-1', account_id: 'm-1', name: 'N', channel: 'email', contact: 'a@b.cd', consent_version: 'v1', certificate_id: 'cert-x', joined_at: 't', evidence_entry: 3 });
    // The claim is on disk when putClaim returns, after the attempt queued before it.
    expect(lines().map((l) => (JSON.parse(l) as { t: string }).t)).toEqual(['challenge', 'session', 'attempt', 'claim']);
    s.lock('k1', 9000);
    s.close();
    expect(lines().at(-1)).toContain('"lock"');
  });
});

describe('random ids', () => {
  it('hands out each pooled byte once: ids are distinct across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const hex = randomHex(16);
      expect(hex).toMatch(/^[0-9a-f]{32}$/);
      seen.add(hex);
      expect(randomBase64url(32)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    expect(seen.size).toBe(2000);
  });
});

describe('certificates', () => {
  const payload = (): CertificatePayload => ({
    v: 1, iss: 'https://check.example.com/', certificate_id: newCertificateId(), incident_id: 'inc-1', incident_name: 'n', run_id: 'run-1',
    account_id: 'm-1', verified_contact: { channel: 'email', value: 'a@example.org', verified_at: '2026-12-01T00:00:00.000Z' },
    fields: ['name'], first_access: '2026-11-01T00:00:00.000Z', last_access: '2026-11-02T00:00:00.000Z', accesses: 2, issued_at: '2026-12-01T00:00:00.000Z',
  });

  it('verify accepts a signed one and refuses a changed byte, another key, or another typ', async () => {
    const dir = await tmp();
    const key = await portalKey(dir);
    expect((await stat(join(dir, 'signing-key.jwk'))).mode & 0o777).toBe(0o600);
    expect((await portalKey(dir)).publicJwk.kid).toBe(key.publicJwk.kid);
    const jwks = { keys: [key.publicJwk] };
    const jws = await signCertificate(key, payload());
    const ok = await verifyCertificate(jws, jwks);
    expect(ok).toMatchObject({ ok: true, kid: key.publicJwk.kid, payload: { account_id: 'm-1' } });
    for (const at of [5, Math.floor(jws.length / 2), jws.length - 3]) {
      const b = jws.split('');
      b[at] = b[at] === 'A' ? 'B' : 'A';
      expect((await verifyCertificate(b.join(''), jwks)).ok, `byte ${at}`).toBe(false);
    }
    const other = await portalKey(await tmp());
    expect(await verifyCertificate(jws, { keys: [other.publicJwk] })).toMatchObject({ ok: false });
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const plain = await new CompactSign(new TextEncoder().encode('{}')).setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' }).sign(privateKey);
    expect(await verifyCertificate(plain, { keys: [await exportJWK(privateKey)] })).toMatchObject({ ok: false, reason: expect.stringContaining('typ') as unknown });
  });
});
