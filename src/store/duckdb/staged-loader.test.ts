/**
 * The staged loader's batching: a load starts when a batch is full (at the end of the append
 * that fills it, or at the exact line with `splitAppends`), and `limitBatch` (the end of the
 * input is near) makes smaller batches start sooner. Every line still lands once.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { StagedLoader } from './staged-loader.js';

const dir = mkdtempSync(join(tmpdir(), 'bw-staged-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Rig {
  loader: StagedLoader;
  /** Loads started so far. */
  loads: () => number;
  /** Lines of each load, in order. */
  sizes: number[];
  count: () => Promise<number>;
  done: () => void;
}

async function setUp(batchLines: number, splitAppends = false): Promise<Rig> {
  const inst = await DuckDBInstance.create(':memory:');
  const main = await inst.connect();
  await main.run('CREATE TABLE t (n BIGINT)');
  const loaderConn = await inst.connect();
  let loads = 0;
  const sizes: number[] = [];
  const loader = new StagedLoader({
    dir, name: 't', connections: [loaderConn], batchLines, splitAppends,
    insertSql: (p) => {
      loads++;
      sizes.push(readFileSync(p.slice(1, -1), 'utf8').split('\n').length - 1);
      return `INSERT INTO t SELECT n FROM read_json(${p}, format = 'newline_delimited', columns = {n: 'BIGINT'})`;
    },
  });
  return {
    loader, loads: () => loads, sizes,
    count: async () => Number((await (await main.run('SELECT count(*)::DOUBLE FROM t')).getRows())[0]?.[0]),
    done: () => { loaderConn.closeSync(); main.closeSync(); inst.closeSync(); },
  };
}

describe('StagedLoader', () => {
  it('starts a load only when a batch is full', async () => {
    const { loader, loads, count, done } = await setUp(100);
    try {
      for (let i = 0; i < 99; i++) loader.push(`{"n":${i}}`);
      await loader.maybeLoad();
      expect(loads()).toBe(0);
      loader.push('{"n":99}');
      await loader.maybeLoad();
      expect(loads()).toBe(1);
      await loader.flush();
      expect(await count()).toBe(100);
    } finally {
      done();
    }
  });

  it('ends a batch at the end of the append that fills it: one append is one load', async () => {
    const { loader, sizes, count, done } = await setUp(100);
    try {
      let n = 0;
      for (const size of [7, 130, 1, 62, 99, 3]) {
        for (let i = 0; i < size; i++) loader.push(`{"n":${n++}}`);
        await loader.maybeLoad();
      }
      expect(sizes).toEqual([137, 162]);
      await loader.flush();
      expect(sizes).toEqual([137, 162, 3]);
      expect(await count()).toBe(302);
    } finally {
      done();
    }
  });

  it('with splitAppends, loads exactly batchLines per load however the appends are sized; a flush loads the rest', async () => {
    const { loader, sizes, count, done } = await setUp(100, true);
    try {
      let n = 0;
      for (const size of [7, 130, 1, 62, 99, 3]) {
        for (let i = 0; i < size; i++) loader.push(`{"n":${n++}}`);
        await loader.maybeLoad();
      }
      expect(sizes).toEqual([100, 100, 100]);
      await loader.flush();
      expect(sizes).toEqual([100, 100, 100, 2]);
      expect(await count()).toBe(302);
    } finally {
      done();
    }
  });

  it('loads smaller batches once limited, never more than configured, and loses nothing', async () => {
    const { loader, sizes, count, done } = await setUp(1000, true);
    try {
      for (let i = 0; i < 60; i++) loader.push(`{"n":${i}}`);
      await loader.maybeLoad();
      expect(sizes).toEqual([]);
      loader.limitBatch(50); // the end is near: the 60 lines staged end a batch at once
      await loader.maybeLoad();
      expect(sizes).toEqual([60]);
      loader.limitBatch(Infinity); // back to the configured 1000
      for (let i = 60; i < 1100; i++) loader.push(`{"n":${i}}`);
      await loader.maybeLoad();
      expect(sizes).toEqual([60, 1000]);
      loader.limitBatch(30);
      for (let i = 1100; i < 1200; i++) loader.push(`{"n":${i}}`);
      await loader.maybeLoad();
      expect(sizes).toEqual([60, 1000, 40, 30, 30, 30]);
      loader.limitBatch(0); // at least one line per load
      loader.push('{"n":1200}');
      await loader.flush();
      expect(sizes).toEqual([60, 1000, 40, 30, 30, 30, 10, 1]);
      expect(await count()).toBe(1201);
    } finally {
      done();
    }
  });
});
