/**
 * What the portal gives away to someone probing it over HTTP (the portal as its own process):
 * a known-affected, a known-unaffected and an unknown identifier get identical answers (status,
 * the headers that matter, body) at every step, including when their per-identifier limit runs
 * out; guessing a code is locked out after the set attempts (the real code is useless after);
 * every form needs its CSRF token; the security headers are on every page; refusals answer
 * `{code, message}`.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/model/index.js';
import { buildFixture, SECOND, startPortalProcess, UNAFFECTED, until, VICTIM, type Fixture, type PortalProcess } from './fixture.js';

let fx: Fixture;
let portal: PortalProcess;

beforeAll(async () => {
  // Room for every request of these tests from one address (the per-address limit is not under test here).
  fx = await buildFixture('limits: { per_address_max: 500 }\n');
  portal = await startPortalProcess(fx.config);
});
afterAll(async () => {
  await portal?.stop();
  await fx?.sink.close();
  if (fx !== undefined) await rm(fx.dir, { recursive: true, force: true });
});

/** A minimal browser: one cookie, the last page's CSRF token. */
class Client {
  cookie = '';
  csrf = '';
  async req(method: string, path: string, form?: Record<string, string>, accept = 'text/html'): Promise<{ status: number; headers: Headers; body: string }> {
    const r = await fetch(`${portal.url}${path}`, {
      method, redirect: 'manual',
      headers: { accept, ...(this.cookie !== '' && { cookie: this.cookie }), ...(form !== undefined && { 'content-type': 'application/x-www-form-urlencoded' }) },
      ...(form !== undefined && { body: new URLSearchParams(form).toString() }),
    });
    const set = r.headers.get('set-cookie');
    if (set !== null) this.cookie = set.split(';')[0]!;
    const body = await r.text();
    const m = /name="csrf" value="([^"]+)"/.exec(body);
    if (m !== null) this.csrf = m[1]!;
    return { status: r.status, headers: r.headers, body };
  }
  async start(): Promise<void> { await this.req('GET', '/?lang=en'); }
  /** Posts the lookup and, as a browser does, follows its redirect (which gives the next form's token). */
  async lookup(identifier: string): ReturnType<Client['req']> {
    const r = await this.req('POST', '/lookup', { csrf: this.csrf, lang: 'en', identifier });
    const to = r.headers.get('location');
    if (r.status === 303 && to !== null) await this.req('GET', to);
    return r;
  }
  verify(code: string): ReturnType<Client['req']> { return this.req('POST', '/verify', { csrf: this.csrf, lang: 'en', code }); }
}

const MATTER = ['content-type', 'location', 'retry-after', 'cache-control', 'content-security-policy', 'content-length'];
/** What of an answer may not differ between identifiers: tokens are random, so they are blanked. */
function shape(r: { status: number; headers: Headers; body: string }): unknown {
  const blank = (s: string): string => s.replace(/name="csrf" value="[^"]+"/g, 'name="csrf" value=""');
  const headers = Object.fromEntries(MATTER.map((h) => [h, r.headers.get(h)]));
  if (headers['content-length'] !== null) headers['content-length'] = String(blank(r.body).length);
  const cookie = r.headers.get('set-cookie')?.replace(/=[A-Za-z0-9_-]{43};/, '=T;') ?? null;
  return { status: r.status, headers, cookie, body: blank(r.body) };
}

describe('portal enumeration safety and abuse limits', () => {
  it('answers a known-affected, a known-unaffected and an unknown identifier identically at every step', async () => {
    const ids = [VICTIM, 'nobody-here@example.org', UNAFFECTED];
    const steps: unknown[][] = [];
    for (const id of ids) {
      const c = new Client();
      await c.start();
      const look = await c.lookup(id);
      expect(look.status).toBe(303);
      const code = await c.req('GET', '/code?lang=en');
      const wrong = await c.verify('000000');
      steps.push([shape(look), shape(code), shape(wrong)]);
    }
    expect(steps[1]).toEqual(steps[0]);
    expect(steps[2]).toEqual(steps[0]);
    // Codes go out one after another, in order: once the last lookup's code has arrived, the
    // unknown address's (asked for before it) has been sent or never will be. Both directory
    // persons got one code each (the unaffected one learns so only after signing in); the
    // unknown address got nothing.
    await until('the last code to arrive', 30_000, () => fx.sink.arrived.find((a) => a.to === UNAFFECTED));
    expect(fx.sink.arrived.filter((a) => a.to === VICTIM)).toHaveLength(1);
    expect(fx.sink.arrived.filter((a) => a.to === UNAFFECTED)).toHaveLength(1);
    expect(fx.sink.arrived.filter((a) => a.to === ids[1])).toEqual([]);
  });

  it('runs out the per-identifier limit alike for known and unknown identifiers (429 with Retry-After)', async () => {
    const answers: unknown[] = [];
    for (const id of [UNAFFECTED, 'nobody-here@example.org']) {
      const c = new Client();
      await c.start();
      // One lookup each was used above; the limit is per identifier and window.
      for (let i = 1; i < DEFAULTS.portal.perIdentifierMax; i++) expect((await c.lookup(id)).status).toBe(303);
      const over = await c.lookup(id);
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      const s = shape(over) as { headers: Record<string, string | null> };
      s.headers['retry-after'] = 'n';
      answers.push(s);
    }
    expect(answers[1]).toEqual(answers[0]);
  });

  it('locks out guessing after the set attempts; the real code is useless afterwards; unknown identifiers lock alike', async () => {
    const c = new Client();
    await c.start();
    expect((await c.lookup(SECOND)).status).toBe(303);
    const mail = await until('the code to arrive', 30_000, () => fx.sink.arrived.find((a) => a.to === SECOND));
    const real = /\b(\d{6})\b/.exec(mail.text)![1]!;
    const guesses = Array.from({ length: DEFAULTS.portal.otpMaxAttempts }, (_, i) => String((Number(real) + 1 + i) % 1_000_000).padStart(6, '0'));
    const statuses: number[] = [];
    for (const g of guesses) statuses.push((await c.verify(g)).status);
    expect(statuses).toEqual([...Array<number>(DEFAULTS.portal.otpMaxAttempts - 1).fill(400), 429]);
    const after = await c.verify(real);
    expect(after.status).not.toBe(303);
    const again = await c.lookup(SECOND);
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(DEFAULTS.portal.otpMaxAttempts);
    expect(again.body).toContain('Too many tries');

    const u = new Client();
    await u.start();
    expect((await u.lookup('nobody-else@example.org')).status).toBe(303);
    const us: number[] = [];
    for (const g of guesses) us.push((await u.verify(g)).status);
    expect(us).toEqual(statuses);
    expect((await u.lookup('nobody-else@example.org')).status).toBe(429);
  });

  it('needs the CSRF token on every form, sets the security headers, and refuses with {code, message}', async () => {
    const c = new Client();
    await c.start();
    const page = await c.req('GET', '/?lang=en');
    const h = page.headers;
    expect(h.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(h.get('content-security-policy')).not.toMatch(/script-src/);
    expect(h.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(h.get('x-frame-options')).toBe('DENY');
    expect(h.get('x-content-type-options')).toBe('nosniff');
    expect(h.get('referrer-policy')).toBe('no-referrer');
    expect(h.get('cache-control')).toBe('no-store');
    expect(h.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(h.get('permissions-policy')).toMatch(/camera=\(\)/);
    // The two public files may be cached; nothing else may.
    expect((await c.req('GET', '/static/portal.css')).headers.get('cache-control')).toBe('public, max-age=3600');
    expect((await c.req('GET', '/.well-known/jwks.json')).headers.get('cache-control')).toBe('public, max-age=300');
    for (const path of ['/lookup', '/verify', '/claim', '/claim/withdraw', '/logout']) {
      const r = await c.req('POST', path, { csrf: 'forged', lang: 'en', identifier: VICTIM }, 'application/json');
      expect(r.status, path).toBe(403);
      expect(JSON.parse(r.body)).toMatchObject({ code: 'ERR_CSRF' });
      expect(r.headers.get('cache-control'), path).toBe('no-store');
    }
    const big = await c.req('POST', '/lookup', { csrf: c.csrf, identifier: 'x'.repeat(20_000) }, 'application/json');
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ code: 'ERR_TOO_LARGE' });
    const bad = await c.req('POST', '/lookup', { csrf: c.csrf, identifier: 'not an address' }, 'application/json');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ code: 'ERR_BAD_REQUEST' });
    const me = await new Client().req('GET', '/certificate.jws', undefined, 'application/json');
    expect(me.status).toBe(401);
    expect((await c.req('GET', '/nope', undefined, 'application/json')).status).toBe(404);
    const jwks = JSON.parse((await c.req('GET', '/.well-known/jwks.json')).body) as { keys: { kty: string; crv: string; kid: string; d?: string }[] };
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(jwks.keys[0]?.d).toBeUndefined();
    expect(portal.stderr()).not.toContain(VICTIM);
  });
});
