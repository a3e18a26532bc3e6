import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { helmetHeaders, registerFixedHeaders } from './index.js';

describe('helmetHeaders', () => {
  it("gives helmet's headers for the options, worked out once", () => {
    const h = helmetHeaders({ contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"] } }, frameguard: { action: 'deny' }, strictTransportSecurity: false });
    expect(h['content-security-policy']).toBe("default-src 'none'");
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['strict-transport-security']).toBeUndefined();
    expect(Object.isFrozen(h)).toBe(true);
  });

  it('refuses options helmet refuses', () => {
    expect(() => helmetHeaders({ contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], scriptSrc: ['self'] } } })).toThrow();
  });

  it('sets them on every reply: a route, a 404 and an error', async () => {
    const app = Fastify({ logger: false });
    registerFixedHeaders(app, helmetHeaders({ referrerPolicy: { policy: 'no-referrer' } }));
    app.get('/ok', () => 'ok');
    app.get('/boom', () => { throw new Error('boom'); });
    for (const url of ['/ok', '/nowhere', '/boom']) {
      const r = await app.inject({ url });
      expect(r.headers['referrer-policy'], url).toBe('no-referrer');
      expect(r.headers['x-powered-by'], url).toBeUndefined();
    }
    await app.close();
  });
});
