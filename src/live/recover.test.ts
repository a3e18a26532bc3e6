/**
 * Recovery of the live pipeline on a real DuckDB file: commits that reached the journal but
 * not the store (a crash before their background load) are committed at start-up under their
 * own seq and their request_ids are remembered, so the client's retry is not stored twice; a
 * commit the store reports holding (`lastCommittedSeq`) is not rewritten.
 */
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDetectors } from '../detect/index.js';
import { parseAccessLine } from '../ingest/index.js';
import type { AccessEvent, LedgerEvent, ReferenceData } from '../model/index.js';
import { openDuckDbStore } from '../store/index.js';
import { encodeRecord, type JournalRecord } from './journal.js';
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

async function open(db: string, stateDir: string): Promise<{ p: LivePipeline; close: () => Promise<void>; count: () => Promise<number>; countLedger: () => Promise<number> }> {
  const store = await openDuckDbStore(db, { orderedLoads: true, loadWithinMs: 1000 });
  const p = await LivePipeline.open({
    store, stateDir, ref, detectors: createDetectors({ ref }), maxQueueEvents: 1000, maxBatchEvents: 1000,
    dedupHorizonMs: 600_000, checkpointMs: 3_600_000, sourceIdleMs: 60_000, reorderMaxEvents: 1000,
  });
  return { p, count: () => store.countAccess(), countLedger: () => store.countLedger(), close: async () => { await p.close(); await store.close(); } };
}

/** A fresh state folder holding 10 committed events and a clean shutdown; `next` is the seq a crashed commit would get. */
async function committedTen(): Promise<{ db: string; state: string; next: number }> {
  dir = await mkdtemp(join(tmpdir(), 'bw-recover-'));
  const db = join(dir, 'bw.duckdb');
  const state = join(dir, 'live');
  const s = await open(db, state);
  expect(await s.p.submit({ source: 'http-access', access: range(0, 10), ledger: [], bytes: 100 })).toEqual({ stored: 10, duplicates: 0 });
  await s.close();
  const cp = JSON.parse(await readFile(join(state, 'checkpoint.json'), 'utf8')) as { seq: number };
  return { db, state, next: cp.seq + 1 };
}

/** Appends journal records as a crash after their fsync, before their store load, would leave them. */
async function crashAfterJournal(state: string, first: number, records: Omit<JournalRecord, 'seq'>[]): Promise<void> {
  const seg = join(state, `journal-${String(first).padStart(12, '0')}.ndjson`);
  await appendFile(seg, records.map((r, i) => encodeRecord({ ...r, seq: first + i })).join(''));
}

describe('live recovery', () => {
  it('writes the commit a crash cut short, once, and dedups its retry', async () => {
    const { db, state, next } = await committedTen();
    await crashAfterJournal(state, next, [{ groups: [{ source: 'http-access', access: range(10, 15), ledger: [] }] }]);
    let s = await open(db, state);
    expect(await s.count()).toBe(15);
    expect(await s.p.submit({ source: 'http-access', access: range(10, 20), ledger: [], bytes: 100 })).toEqual({ stored: 5, duplicates: 5 });
    expect(await s.count()).toBe(20);
    await s.close();
    // Nothing is rewritten on a clean restart.
    s = await open(db, state);
    expect(await s.count()).toBe(20);
    await s.close();
  });

  it('writes every commit whose background load a crash cut short, ledger-only ones included', async () => {
    const { db, state, next } = await committedTen();
    const led = (i: number): LedgerEvent => ({ kind: 'ledger', t: Date.UTC(2025, 5, 24, 0, 1, i), type: 'issue', jti: `j-${i}`, kid: 'k', sub: 'm', exp: 2e9, ref: { file: 'l', line: i } });
    // Three acknowledged commits still in the journal only: access, ledger-only, access + ledger.
    await crashAfterJournal(state, next, [
      { groups: [{ source: 'http-access', access: range(10, 15), ledger: [] }] },
      { groups: [{ source: 'http-ledger', access: [], ledger: [led(1), led(2)] }] },
      { groups: [{ source: 'http-access', access: range(15, 18), ledger: [led(3)] }] },
    ]);
    let s = await open(db, state);
    expect(await s.count()).toBe(18);
    expect(await s.countLedger()).toBe(3);
    await s.close();
    s = await open(db, state);
    expect(await s.count()).toBe(18);
    expect(await s.countLedger()).toBe(3);
    await s.close();
  });

  it('does not rewrite a commit the store holds though no checkpoint covers it', async () => {
    const { db, state, next } = await committedTen();
    // A crash after the store loaded commit `next`, before a checkpoint covered it.
    const store = await openDuckDbStore(db);
    await store.commit({ seq: next, access: range(10, 13), ledger: [] });
    await store.close();
    await crashAfterJournal(state, next, [
      { groups: [{ source: 'http-access', access: range(10, 13), ledger: [] }] },
      { groups: [{ source: 'http-access', access: range(13, 15), ledger: [] }] },
    ]);
    const s = await open(db, state);
    expect(await s.count()).toBe(15);
    // Both records' ids are remembered: a retry of either is a duplicate.
    expect(await s.p.submit({ source: 'http-access', access: range(11, 16), ledger: [], bytes: 100 })).toEqual({ stored: 1, duplicates: 4 });
    await s.close();
  });

  it('refuses a store that holds less than the checkpoint covers', async () => {
    const { state } = await committedTen();
    await expect(open(join(dir, 'other.duckdb'), state)).rejects.toMatchObject({ code: 'ERR_STATE' });
  });

  it('makes acknowledged events visible in the store without waiting for a checkpoint', async () => {
    dir = await mkdtemp(join(tmpdir(), 'bw-recover-'));
    const s = await open(join(dir, 'bw.duckdb'), join(dir, 'live'));
    expect(await s.p.submit({ source: 'http-access', access: range(0, 10), ledger: [], bytes: 100 })).toEqual({ stored: 10, duplicates: 0 });
    expect(await s.count()).toBe(10);
    await s.close();
  });
});
