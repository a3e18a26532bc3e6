/**
 * rotate-key through the two-person workflow on a hunted forged-token store: self-approval,
 * replay and double execution refused; the dry run changes nothing; after execution a jose
 * verifier given the new JWKS rejects an old-key token and accepts a new-key one, the
 * registry passes key-custody with no critical finding, the private key is 0600 in a 0700
 * folder, key-state calls a later use of the old key critical, and every step is in the
 * incident's evidence log.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, createLocalJWKSet, importPKCS8, jwtVerify, type JSONWebKeySet } from 'jose';
import { approve, demoContainment, execute, listActions, propose, renderDemoContainment } from '../../src/contain/index.js';
import { auditKeys, KeyStateDetector } from '../../src/detect/index.js';
import { openEvidenceLog } from '../../src/evidence/index.js';
import { loadKeys, loadStaff } from '../../src/ingest/index.js';
import { incidentPaths } from '../../src/respond/index.js';
import { makeWorld, type World } from './world.js';

let w: World;
beforeAll(async () => { w = await makeWorld(); }, 120_000);
afterAll(async () => { await w.close(); });

const tokenOf = (kid: string): SignJWT => new SignJWT({ sub: 'm-0000004' }).setProtectedHeader({ alg: 'ES256', kid }).setIssuedAt().setExpirationTime('1h').setJti(`j-${kid}`);

describe('rotate-key', () => {
  it('is proposed with its exact effect, approved by a second admin only once, executed once', async () => {
    const jwksOut = join(w.dir, 'published', 'jwks.json');
    const before = auditKeys(await loadKeys(w.registry), await loadStaff(w.staff), Date.now(), 365);
    expect(before.find((v) => v.kid === 'sig-2019-01')?.severity).toBe('critical');

    const p = await propose(w.ctx, { incidentId: w.incidentId, kind: 'rotate-key', by: 'alice',
      input: { kid: 'sig-2019-01', registry: w.registry, jwks_out: jwksOut, custodians: ['s-0107', 's-0150'], staff: w.staff } });
    const id = p.proposal.action_id;
    expect(p.proposal.effect).toMatchObject({ registry: { revoke: { kid: 'sig-2019-01' }, add: { alg: 'ES256', custodians: ['s-0107', 's-0150'] } },
      jwks: { kids_before: [], kids_after: [p.proposal.params['new_kid']] } });
    await expect(propose(w.ctx, { incidentId: w.incidentId, kind: 'rotate-key', by: 'alice',
      input: { kid: 'sig-2019-01', registry: w.registry, jwks_out: jwksOut, custodians: ['s-0042'], staff: w.staff } })).rejects.toMatchObject({ code: 'ERR_USAGE' });
    await expect(propose(w.ctx, { incidentId: w.incidentId, kind: 'rotate-key', by: 'alice',
      input: { kid: 'nope', registry: w.registry, jwks_out: jwksOut, custodians: ['s-0107'] } })).rejects.toMatchObject({ code: 'ERR_USAGE' });

    await expect(execute(w.ctx, { incidentId: w.incidentId, actionId: id, by: 'alice' })).rejects.toMatchObject({ code: 'ERR_REFUSED', message: expect.stringMatching(/not approved/) as unknown });
    await expect(approve(w.ctx, { incidentId: w.incidentId, actionId: id, by: 'alice' })).rejects.toMatchObject({ code: 'ERR_REFUSED', message: expect.stringMatching(/two-person/) as unknown });
    await expect(approve(w.ctx, { incidentId: w.incidentId, actionId: id, by: 'bob', proposalSha256: '0'.repeat(64) })).rejects.toMatchObject({ code: 'ERR_REFUSED' });
    const a = await approve(w.ctx, { incidentId: w.incidentId, actionId: id, by: 'bob', proposalSha256: p.proposal_sha256 });
    expect(a.state).toBe('approved');
    await expect(approve(w.ctx, { incidentId: w.incidentId, actionId: id, by: 'bob' })).rejects.toMatchObject({ code: 'ERR_REFUSED', message: expect.stringMatching(/approved already/) as unknown });
    await expect(approve(w.ctx, { incidentId: w.incidentId, actionId: id, by: 'carol' })).rejects.toMatchObject({ code: 'ERR_REFUSED' });

    const registryBefore = await readFile(w.registry, 'utf8');
    const dry = await execute(w.ctx, { incidentId: w.incidentId, actionId: id, by: 'bob', dryRun: true });
    expect(dry.dry_run?.['would']).toEqual(p.proposal.effect);
    expect(await readFile(w.registry, 'utf8')).toBe(registryBefore);
    await expect(stat(jwksOut)).rejects.toMatchObject({ code: 'ENOENT' });

    const x = await execute(w.ctx, { incidentId: w.incidentId, actionId: id, by: 'alice' });
    expect(x.state).toBe('executed');
    await expect(execute(w.ctx, { incidentId: w.incidentId, actionId: id, by: 'bob' })).rejects.toMatchObject({ code: 'ERR_REFUSED', message: expect.stringMatching(/executed already/) as unknown });
    const newKid = p.proposal.params['new_kid'] as string;

    // The registry: old revoked at execution, new active with its custodians; key-custody finds nothing critical.
    const keys = await loadKeys(w.registry);
    const old = keys.find((k) => k.kid === 'sig-2019-01');
    const neu = keys.find((k) => k.kid === newKid);
    expect(old?.revoked).toBe(Date.parse(String(x.execution?.executed_at)));
    expect(neu).toMatchObject({ alg: 'ES256', revoked: null, retired: null, storage: 'file', custodians: ['s-0107', 's-0150'] });
    const after = auditKeys(keys, await loadStaff(w.staff), Date.now() + 1000, 365);
    expect(after.filter((v) => v.severity === 'critical')).toEqual([]);

    // The JWKS: new key first, old gone; a jose verifier rejects the old key's token, accepts the new one's.
    const jwks = JSON.parse(await readFile(jwksOut, 'utf8')) as JSONWebKeySet;
    expect(jwks.keys[0]?.kid).toBe(newKid);
    expect(jwks.keys.map((k) => k.kid)).not.toContain('sig-2019-01');
    const verify = createLocalJWKSet(jwks);
    await expect(jwtVerify(await tokenOf('sig-2019-01').sign(w.oldPrivate), verify)).rejects.toThrow();
    const keyFile = join(w.ctx.home, '.contain', 'keys', `${newKid}.pk8.pem`);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(w.ctx.home, '.contain', 'keys'))).mode & 0o777).toBe(0o700);
    const newPrivate = await importPKCS8(await readFile(keyFile, 'utf8'), 'ES256');
    const ok = await jwtVerify(await tokenOf(newKid).sign(newPrivate), verify);
    expect(ok.protectedHeader.kid).toBe(newKid);
    expect(await readFile(x.execution?.result['instructions'] as string, 'utf8')).toMatch(/drop its cached keys/);

    // key-state: a use of the old key after its revocation is critical.
    const det = new KeyStateDetector();
    const found: { severity: string }[] = [];
    const ctx = { ref: { keys, staff: [], catalog: [] }, emit: (f: { severity: string }) => found.push(f) } as unknown as Parameters<KeyStateDetector['onEvent']>[1];
    det.start(ctx);
    const t = (old?.revoked ?? 0) + 60_000;
    det.onEvent({ kind: 'access', t, src_ip: '203.0.113.9', token: { jti: 'x', kid: 'sig-2019-01', sub: 'm-1', iat: t / 1000 - 10, exp: t / 1000 + 600 } } as unknown as Parameters<KeyStateDetector['onEvent']>[0], ctx);
    det.finish(t + 3_600_000, ctx);
    expect(found.map((f) => f.severity)).toContain('critical');

    // Every step is in the evidence log.
    const log = await openEvidenceLog(incidentPaths(w.ctx.home, w.incidentId).evidence, { readOnly: true });
    const steps: string[] = [];
    for await (const e of log.entries()) if (e.kind === 'containment' && e.payload['action_id'] === id) steps.push(e.payload['step'] as string);
    await log.close();
    expect(steps).toEqual(['proposed', 'approved', 'executed']);
    expect((await listActions(w.ctx, w.incidentId)).map((s) => [s.proposal.action_id, s.state])).toContainEqual([id, 'executed']);
  });

  it('demoContainment: rotation proposed, approved, executed; forged tokens accepted before, none after', async () => {
    const jwksOut = join(w.dir, 'published', 'jwks-demo.json');
    const r = await demoContainment(w.ctx, { incidentId: w.incidentId, registry: w.registry, kid: 'sig-2024-07', jwksOut, custodians: ['s-0150'], staff: w.staff, requests: 40 });
    expect(r.forged_before).toEqual({ attempted: 40, accepted: 40, rate: 1 });
    expect(r.forged_after).toEqual({ attempted: 40, accepted: 0, rate: 0 });
    expect(r.legitimate_after.accepted).toBe(r.legitimate_after.attempted);
    expect(r.legitimate_after.attempted).toBeGreaterThan(0);
    expect(renderDemoContainment(r)).toMatch(/after rotation: {2}0\/40 accepted/);
    expect((await loadKeys(w.registry)).find((k) => k.kid === 'sig-2024-07')?.revoked).not.toBeNull();
  });
});
