// Tests for the reference-file loaders: keys, staff (CSV/JSON), catalog (YAML/JSON), errors.
import { describe, expect, it } from 'vitest';
import { BreachwatchError } from '../../model/index.js';
import { loadCatalog } from './catalog-file.js';
import { loadKeys } from './keys.js';
import { loadReference } from './load.js';
import { loadStaff } from './staff.js';

const fx = (name: string): string => new URL(`../../../test/fixtures/ingest/${name}`, import.meta.url).pathname;

async function failure(p: Promise<unknown>): Promise<BreachwatchError> {
  const e: unknown = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(BreachwatchError);
  return e as BreachwatchError;
}

describe('loadKeys', () => {
  it('reads the registry with times as epoch ms and defaults', async () => {
    const keys = await loadKeys(fx('keys.json'));
    expect(keys).toHaveLength(2);
    expect(keys[0]).toEqual({
      kid: 'sig-2019-01', alg: 'ES256', created: Date.UTC(2019, 2, 2), activated: Date.UTC(2019, 2, 5),
      retired: null, revoked: null, storage: 'file', max_token_ttl_s: 3600, custodians: ['s-0042', 's-0107'],
    });
    expect(keys[1]).toMatchObject({ kid: 'sig-2025-02', storage: 'hsm', activated: null, max_token_ttl_s: null, custodians: [] });
  });

  it('reports a missing file as unreadable', async () => {
    const e = await failure(loadKeys(fx('nope.json')));
    expect(e.code).toBe('ERR_INPUT_UNREADABLE');
    expect(e.message).toContain('nope.json');
  });

  it('locates a syntax error at file:line', async () => {
    const e = await failure(loadKeys(fx('keys-bad-syntax.json')));
    expect(e.code).toBe('ERR_INPUT_INVALID');
    expect(e.message).toMatch(/keys-bad-syntax\.json:3:\d+: invalid JSON/);
  });

  it('locates a schema error by JSON path and line', async () => {
    const e = await failure(loadKeys(fx('keys-bad-schema.json')));
    expect(e.code).toBe('ERR_INPUT_INVALID');
    expect(e.message).toContain('keys-bad-schema.json:4: $.keys[1].created');
  });
});

describe('loadStaff', () => {
  it('reads CSV and JSON to the same roster; empty left = employed', async () => {
    const csv = await loadStaff(fx('staff.csv'));
    const json = await loadStaff(fx('staff.json'));
    expect(csv).toEqual(json);
    expect(csv[0]).toEqual({ staff_id: 's-0042', team: 'auth', role: 'developer', joined: Date.UTC(2018, 0, 15), left: Date.UTC(2025, 2, 31) });
    expect(csv[1]).not.toHaveProperty('left');
    expect(csv[2]).toEqual({ staff_id: 's-0200', team: 'payments' });
  });

  it('locates a bad CSV row at its line', async () => {
    const e = await failure(loadStaff(fx('staff-bad.csv')));
    expect(e.code).toBe('ERR_INPUT_INVALID');
    expect(e.message).toMatch(/staff-bad\.csv:3: left: /);
  });
});

describe('loadCatalog', () => {
  it('reads YAML and JSON to the same routes', async () => {
    const yaml = await loadCatalog(fx('catalog.yaml'));
    const json = await loadCatalog(fx('catalog.json'));
    expect(yaml).toEqual(json);
    expect(yaml).toHaveLength(6);
    expect(yaml[5]).toEqual({ method: 'POST', route: '/v1/auth/login', fields: [], kind: 'auth' });
  });

  it('locates a schema error in YAML at its line', async () => {
    const e = await failure(loadCatalog(fx('catalog-bad.yaml')));
    expect(e.code).toBe('ERR_INPUT_INVALID');
    expect(e.message).toContain('catalog-bad.yaml:5: $.routes[1].kind');
  });
});

describe('loadReference', () => {
  it('loads the parts given and leaves the rest empty', async () => {
    const ref = await loadReference({ catalog: fx('catalog.yaml') });
    expect(ref.keys).toEqual([]);
    expect(ref.staff).toEqual([]);
    expect(ref.catalog).toHaveLength(6);
  });
});

describe('loadClients', () => {
  it('reads the client registry with kinds and owners', async () => {
    const { loadClients } = await import('./clients.js');
    expect(await loadClients(fx('clients.yaml'))).toEqual([
      { client_id: 'ios', kind: 'customer' }, { client_id: 'web', kind: 'customer' },
      { client_id: 'cs-console', kind: 'staff', owner: 'customer-service' },
      { client_id: 'cs-batch', kind: 'service', owner: 'customer-service' },
    ]);
  });

  it('locates an unknown kind and refuses a client listed twice', async () => {
    const { loadClients } = await import('./clients.js');
    const bad = await failure(loadClients(fx('clients-bad-kind.json')));
    expect(bad.code).toBe('ERR_INPUT_INVALID');
    expect(bad.message).toMatch(/clients-bad-kind\.json:3: \$\.clients\[1\]\.kind/);
    const dup = await failure(loadClients(fx('clients-dup.yaml')));
    expect(dup.message).toMatch(/clients-dup\.yaml:3: .*listed twice/);
  });
});

describe('loadHoney', () => {
  it('reads a salted list as lower-case digests and a plain list as ids', async () => {
    const { loadHoney } = await import('./honey.js');
    const salted = await loadHoney(fx('honey-salted.txt'));
    expect(salted.salt).toBe('fixture-salt-0001');
    expect(salted.entries.size).toBe(2);
    expect([...salted.entries].every((d) => /^[0-9a-f]{64}$/.test(d))).toBe(true);
    expect(await loadHoney(fx('honey-plain.txt'))).toEqual({ salt: null, entries: new Set(['m-777', 'm-778']) });
  });

  it('locates bad lines without quoting the salt or an entry', async () => {
    const { loadHoney } = await import('./honey.js');
    expect((await failure(loadHoney(fx('honey-mixed.txt')))).message).toMatch(/honey-mixed\.txt:3: plain account ids and sha256: entries cannot be mixed/);
    expect((await failure(loadHoney(fx('honey-nosalt.txt')))).message).toMatch(/honey-nosalt\.txt:1: .*need a salt/);
    const short = await failure(loadHoney(fx('honey-short.txt')));
    expect(short.message).toMatch(/honey-short\.txt:2: a sha256: entry needs exactly 64 hex digits/);
    expect(short.message).not.toContain('secret-salt-value');
    expect(short.message).not.toContain('abc123');
  });

  it('loadReference adds clients and honey only when given', async () => {
    const none = await loadReference({});
    expect('clients' in none || 'honey' in none).toBe(false);
    const both = await loadReference({ clients: fx('clients.yaml'), honey: fx('honey-plain.txt') });
    expect(both.clients).toHaveLength(4);
    expect(both.honey?.entries.size).toBe(2);
  });
});
