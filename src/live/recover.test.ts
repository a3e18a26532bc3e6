/**
 * Recovery of the live pipeline on a real DuckDB file: a commit that reached the journal but
 * not the store (a crash between the two) is written at start-up and its request_ids are
 * remembered, so the client's retry is not stored twice; a completed commit is not rewritten.
 */
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDetectors } from '../detect/index.js';
import { parseAccessLine } from '../ingest/index.js';
import type { AccessEvent, ReferenceData } from '../model/index.js';
import { openDuckDbStore } from '../store/index.js';
import { encodeRecord } from './journal.js';
import { LivePipeline } from './pipeline.js';

const ref: ReferenceData = { keys: [], staff: [], catalog: [] };
const ev = (i: number): AccessEvent => {
  const r = parseAccessLine(JSON.stringify({ time: new Date(Date.UTC(2025, 5, 24, 0, 0, i)).toISOString(), request_id: `q-${i}`, src_ip: '192.0.2.1', method: 'GET', route: '/v1/x', status: 200 }), { file: 't', line: i });
  if (!r.ok) throw new Error('fixture');
  return r.value;
};
const range = (a: number, b: number): AccessEvent[] => Array.from({ length: b - a }, (_, i) => ev(a + i));

let dir = '';
afterEach(async () => { if (dir !== '') await rm(dir, { recursive: true, force: true }); });

async function open(db: string, stateDir: string): Promise<{ p: LivePipeline; close: () => Promise<void>; count: () => Promise<number> }> {
  const store = await openDuckDbStore(db);
  const p = await LivePipeline.open({
    store, stateDir, ref, detectors: createDetectors({ ref }), maxQueueEvents: 1000, maxBatchEvents: 1000,
    dedupHorizonMs: 600_000, checkpointMs: 3_600_000, sourceIdleMs: 60_000, reorderMaxEvents: 1000,
  });
  return { p, count: () => store.countAccess(), close: async () => { await p.close(); await store.close(); } };
}

describe('live recovery', () => {
  it('writes the commit a crash cut short, once, and dedups its retry', async () => {
    dir = await mkdtemp(join(tmpdir(), 'bw-recover-'));
    const db = join(dir, 'bw.duckdb');
    const state = join(dir, 'live');
    let s = await open(db, state);
    expect(await s.p.submit('http-access', range(0, 10), [], 100)).toEqual({ stored: 10, duplicates: 0 });
    await s.close();
    // A crash after the journal append of commit seq+1, before its store write.
    const cp = JSON.parse(await readFile(join(state, 'checkpoint.json'), 'utf8')) as { seq: number };
    const seg = join(state, `journal-${String(cp.seq + 1).padStart(12, '0')}.ndjson`);
    await appendFile(seg, encodeRecord({ seq: cp.seq + 1, ab: 10, groups: [{ source: 'http-access', access: range(10, 15), ledger: [] }] }));
    s = await open(db, state);
    expect(await s.count()).toBe(15);
    expect(await s.p.submit('http-access', range(10, 20), [], 100)).toEqual({ stored: 5, duplicates: 5 });
    expect(await s.count()).toBe(20);
    await s.close();
    // Nothing is rewritten on a clean restart.
    s = await open(db, state);
    expect(await s.count()).toBe(20);
    await s.close();
  });
});
