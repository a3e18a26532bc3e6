/** Store URLs: the forms accepted, the reasons given for the rest, and no password in messages. */
import { describe, expect, it } from 'vitest';
import { describeStore, parseStoreUrl, resolveStoreUrl } from './store-url.js';

const reason = (url: string): string => {
  const r = parseStoreUrl(url);
  if (r.ok) throw new Error(`expected ${url} to be refused`);
  return r.issues.map((i) => i.message).join('; ');
};

describe('parseStoreUrl', () => {
  it('reads DuckDB paths, relative, absolute and in memory', () => {
    expect(parseStoreUrl('duckdb:bw.duckdb')).toEqual({ ok: true, value: { scheme: 'duckdb', path: 'bw.duckdb' } });
    expect(parseStoreUrl('duckdb:/data/a b.duckdb')).toEqual({ ok: true, value: { scheme: 'duckdb', path: '/data/a b.duckdb' } });
    expect(parseStoreUrl('duckdb::memory:')).toEqual({ ok: true, value: { scheme: 'duckdb', path: ':memory:' } });
  });

  it('reads ClickHouse URLs with defaults for port and database', () => {
    expect(parseStoreUrl('clickhouse://ch1')).toEqual({ ok: true, value: {
      scheme: 'clickhouse', protocol: 'http', host: 'ch1', port: 8123, database: 'breachwatch', settings: {},
    } });
    expect(parseStoreUrl('clickhouse+https://bw:p%40ss@[::1]:9440/events?cluster=c2&async_insert=1')).toEqual({ ok: true, value: {
      scheme: 'clickhouse', protocol: 'https', host: '::1', port: 9440, database: 'events', username: 'bw', password: 'p@ss',
      settings: { cluster: 'c2', async_insert: '1' },
    } });
    expect(parseStoreUrl('clickhouse+https://ch1')).toMatchObject({ ok: true, value: { port: 8443 } });
  });

  it('says what is wrong with a refused URL', () => {
    expect(reason('duckdb:')).toContain('names no file');
    expect(reason('bw.duckdb')).toContain('has no scheme (expected duckdb:PATH, e.g. duckdb:bw.duckdb');
    expect(reason('postgres://db/x')).toContain("unknown store scheme 'postgres:'");
    expect(reason('clickhouse://ch1:99999/x')).toContain('not a valid URL');
    expect(reason('clickhouse:///x')).toContain('names no host');
    expect(reason('clickhouse://ch1/a/b')).toContain("database 'a/b' must be one identifier");
    expect(reason('clickhouse://ch1/db#x')).toContain('#fragment');
  });

  it('never repeats a password, in errors or descriptions', () => {
    expect(reason('clickhouse://bw:s3cret@ch1/a-b')).not.toContain('s3cret');
    expect(reason('clickhouse://bw:s3cret@ch1:99999')).not.toContain('s3cret');
    const r = parseStoreUrl('clickhouse://bw:s3cret@ch1/events');
    if (!r.ok) throw new Error('expected a location');
    expect(describeStore(r.value)).toBe('clickhouse://bw:***@ch1:8123/events');
  });
});

describe('resolveStoreUrl', () => {
  it('anchors a relative DuckDB path and leaves everything else as given', () => {
    expect(resolveStoreUrl('duckdb:data/bw.duckdb', '/etc/bw')).toBe('duckdb:/etc/bw/data/bw.duckdb');
    expect(resolveStoreUrl('duckdb:/abs.duckdb', '/etc/bw')).toBe('duckdb:/abs.duckdb');
    expect(resolveStoreUrl('duckdb::memory:', '/etc/bw')).toBe('duckdb::memory:');
    expect(resolveStoreUrl('clickhouse://bw:s3cret@ch1/events', '/etc/bw')).toBe('clickhouse://bw:s3cret@ch1/events');
  });
});
