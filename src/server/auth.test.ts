/** API keys: hashed, constant-time compared, roles. */
import { describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { ApiKeys, hashKey } from './auth.js';
import { HttpError } from './http-error.js';

const keys = new ApiKeys([
  { name: 'gw', role: 'ingest', sha256: hashKey('ingest-secret') },
  { name: 'soc', role: 'analyst', sha256: hashKey('analyst-secret').toUpperCase() },
  { name: 'ops', role: 'admin', sha256: hashKey('admin-secret') },
]);
const req = (auth?: string): FastifyRequest => ({ headers: auth === undefined ? {} : { authorization: auth } }) as FastifyRequest;
const code = (f: () => unknown): string | undefined => {
  try { f(); return undefined; } catch (e) { return e instanceof HttpError ? e.code : 'other'; }
};

describe('ApiKeys', () => {
  it('identifies keys by their sha256 only', () => {
    expect(hashKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(keys.identify('analyst-secret')).toEqual({ name: 'soc', role: 'analyst' });
    expect(keys.identify('nope')).toBeUndefined();
  });

  it('answers 401 without or with an unknown key, 403 for a role that does not grant', () => {
    expect(code(() => keys.require(req(), 'analyst'))).toBe('ERR_UNAUTHORIZED');
    expect(code(() => keys.require(req('Basic abc'), 'analyst'))).toBe('ERR_UNAUTHORIZED');
    expect(code(() => keys.require(req('Bearer wrong'), 'analyst'))).toBe('ERR_UNAUTHORIZED');
    expect(code(() => keys.require(req('Bearer ingest-secret'), 'analyst'))).toBe('ERR_FORBIDDEN');
    expect(code(() => keys.require(req('Bearer analyst-secret'), 'ingest'))).toBe('ERR_FORBIDDEN');
    expect(keys.require(req('Bearer admin-secret'), 'ingest')).toEqual({ name: 'ops', role: 'admin' });
    expect(keys.require(req('bearer analyst-secret'), 'analyst').name).toBe('soc');
  });
});
