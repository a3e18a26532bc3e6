/**
 * Opening stores through the composition layer: each use gets its profile, `fresh` replaces
 * and `mustExist` refuses, and a backend this build lacks is a clear ERR_CONFIG.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../model/index.js';
import { availableParallelism } from 'node:os';
import { duckDbOptions, threadsBesideJavaScript } from '../store/index.js';
import { openStore, storeLocation, storeProfile } from './open-store.js';
import { STORE_PROFILES } from './profiles.js';

let dir = '';
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'bw-compose-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const ev = { kind: 'access', t: Date.UTC(2025, 5, 24), src_ip: '192.0.2.1', method: 'GET', route: '/v1/x', status: 200, ref: { file: 'a', line: 1 } } as const;

describe('openStore', () => {
  it('opens, keeps, replaces (fresh) and refuses a missing store (mustExist)', async () => {
    const url = `duckdb:${join(dir, 'sub', 'bw.duckdb')}`;
    await expect(openStore(url, 'read', { mustExist: true })).rejects.toMatchObject({ code: 'ERR_INPUT_UNREADABLE' });
    let s = await openStore(url, 'bulk', { fresh: true });
    await s.appendAccess([ev]);
    await s.close();
    s = await openStore(url, 'read', { mustExist: true });
    expect(await s.countAccess()).toBe(1);
    await s.close();
    s = await openStore(url, 'bulk', { fresh: true });
    expect(await s.countAccess()).toBe(0);
    await s.close();
  });

  it('gives each use its profile, with a memory limit override, as DuckDB options', () => {
    expect(duckDbOptions(storeProfile('live', { memoryLimit: '64MB' }))).toEqual({
      memoryLimit: '64MB', threads: threadsBesideJavaScript(), orderedLoads: true, loadWithinMs: DEFAULTS.store.liveLoadWithinMs,
    });
    expect(duckDbOptions(storeProfile('bulk'))).toEqual({
      memoryLimit: DEFAULTS.store.bulkMemoryLimit, threads: threadsBesideJavaScript(), orderedLoads: true, splitAppends: true,
    });
    expect(duckDbOptions(storeProfile('read'))).toEqual({ memoryLimit: DEFAULTS.store.readMemoryLimit, threads: availableParallelism() });
    expect(STORE_PROFILES.bulk).toMatchObject({ splitAppends: true, memoryLimit: DEFAULTS.store.bulkMemoryLimit, threads: 'beside-js' });
    expect(STORE_PROFILES.live).toMatchObject({ splitAppends: false, loadWithinMs: DEFAULTS.store.liveLoadWithinMs });
    expect(STORE_PROFILES.read).toMatchObject({ threads: 'all', memoryLimit: DEFAULTS.store.readMemoryLimit });
  });

  it('opens a ClickHouse URL through its backend, refusing unknown settings and unreachable servers without naming the password', async () => {
    const typo = openStore('clickhouse://bw:s3cret@127.0.0.1:1/events?clustr=c1', 'read');
    await expect(typo).rejects.toMatchObject({ code: 'ERR_CONFIG' });
    await expect(typo).rejects.toThrow("clickhouse://127.0.0.1:1/events: unknown setting 'clustr' (known: cluster)");
    const down = await openStore('clickhouse://bw:s3cret@127.0.0.1:1/events', 'read').catch((e: unknown) => e);
    expect(down).toMatchObject({ code: 'ERR_STORE' });
    expect((down as Error).message).toContain('opening the store on clickhouse://127.0.0.1:1/events failed: ECONNREFUSED');
    expect((down as Error).message).not.toContain('s3cret');
  });

  it('refuses a bad URL with ERR_CONFIG before touching anything', async () => {
    await writeFile(join(dir, 'x'), '');
    expect(() => storeLocation(join(dir, 'x'))).toThrow(expect.objectContaining({ code: 'ERR_CONFIG' }));
    await expect(openStore('duckdb:', 'bulk')).rejects.toMatchObject({ code: 'ERR_CONFIG' });
  });
});
