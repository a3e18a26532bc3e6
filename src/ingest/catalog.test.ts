// Tests for the Catalog lookup structure.
import { describe, expect, it } from 'vitest';
import type { CatalogRoute } from '../model/index.js';
import { Catalog } from './catalog.js';

const routes: CatalogRoute[] = [
  { method: 'GET', route: '/v1/members/{id}/addresses', fields: ['name', 'address'], kind: 'personal' },
  { method: 'GET', route: '/v1/members/{id}/profile', fields: ['name'], kind: 'personal' },
  { method: 'GET', route: '/v1/members/me/profile', fields: ['email'], kind: 'personal' },
  { method: 'GET', route: '/v1/members/me/{tab}', fields: [], kind: 'other' },
  { method: 'GET', route: '/v1/members/{id}/orders/{oid}', fields: ['order_history'], kind: 'personal' },
  { method: 'GET', route: '/v1/orders', fields: ['order_history'], kind: 'personal' },
  { method: 'POST', route: '/v1/auth/login', fields: [], kind: 'auth' },
];
const c = new Catalog(routes);

describe('Catalog', () => {
  it('looks routes up by method and template', () => {
    expect(c.lookup('GET', '/v1/orders')?.fields).toEqual(['order_history']);
    expect(c.lookup('get', '/v1/orders')?.kind).toBe('personal');
    expect(c.lookup('POST', '/v1/orders')).toBeUndefined();
    expect(c.lookup('GET', '/v1/members/m-1/profile')).toBeUndefined();
  });

  it('resolves concrete paths to templates, ignoring query and fragment', () => {
    expect(c.resolvePath('GET', '/v1/members/m-1/addresses?x=1')).toBe('/v1/members/{id}/addresses');
    expect(c.resolvePath('GET', '/v1/members/m-1/profile#top')).toBe('/v1/members/{id}/profile');
    expect(c.resolvePath('GET', '/v1/orders/')).toBe('/v1/orders');
    expect(c.resolvePath('get', '/v1/orders')).toBe('/v1/orders');
  });

  it('prefers literal segments and backtracks to parameters', () => {
    expect(c.resolvePath('GET', '/v1/members/me/profile')).toBe('/v1/members/me/profile');
    expect(c.resolvePath('GET', '/v1/members/m-1/addresses')).toBe('/v1/members/{id}/addresses');
    expect(c.resolvePath('GET', '/v1/members/me/orders/5')).toBe('/v1/members/{id}/orders/{oid}');
    expect(c.resolvePath('GET', '/v1/members/me/settings')).toBe('/v1/members/me/{tab}');
  });

  it('returns undefined when nothing matches', () => {
    expect(c.resolvePath('GET', '/v1/members/m-1')).toBeUndefined();
    expect(c.resolvePath('GET', '/v1/members/m-1/addresses/extra')).toBeUndefined();
    expect(c.resolvePath('DELETE', '/v1/orders')).toBeUndefined();
    expect(new Catalog([]).resolvePath('GET', '/')).toBeUndefined();
  });
});
