/**
 * Crashes and locks, made exactly: a torn line after the last commit is dropped and recorded;
 * whole entries written past the commit (the crash came before head.json) are kept, in order;
 * a file shorter than the commit is refused as damaged, never repaired; a lock whose owner is
 * gone is taken over, a live owner's lock is refused with ERR_STATE.
 */
import { spawnSync } from 'node:child_process';
import { appendFile, copyFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBreachwatchError } from '../model/index.js';
import type { NewEntry } from './entry.js';
import { openEvidenceLog } from './log-open.js';
import { leafHash, rootOfLeaves } from './merkle.js';

let dir = '';
beforeEach(async () => { dir = join(await mkdtemp(join(tmpdir(), 'bw-ev-rec-')), 'log'); });
afterEach(async () => { await rm(join(dir, '..'), { recursive: true, force: true }); });

const note = (i: number): NewEntry => ({ kind: 'note', payload: { i } });

async function rootFromEntries(): Promise<string> {
  const lines = (await readFile(join(dir, 'entries.ndjson'), 'utf8')).trimEnd().split('\n');
  return rootOfLeaves(lines.map((l) => leafHash(Buffer.from(l)))).toString('hex');
}

describe('evidence log recovery', () => {
  it('a torn line past the commit is dropped, its bytes and hash recorded in a log_recovered entry', async () => {
    const log = await openEvidenceLog(dir);
    await log.appendMany([note(0), note(1), note(2)]);
    await log.close();
    await appendFile(join(dir, 'entries.ndjson'), '{"kind":"note","payload":{"i":3},"ti');
    await appendFile(join(dir, 'tree.bin'), Buffer.alloc(32, 7));
    await appendFile(join(dir, 'entries.idx'), Buffer.alloc(5));
    const again = await openEvidenceLog(dir);
    expect(again.recovery).toMatchObject({ committed_size: 3, kept_entries: 0, dropped_bytes: 36 });
    expect(again.size).toBe(4);
    const last = again.get(3);
    expect(last.kind).toBe('log_recovered');
    expect(last.payload).toEqual(again.recovery);
    expect(again.treeHead().root).toBe(await rootFromEntries());
    await again.close();
    const third = await openEvidenceLog(dir);
    expect(third.recovery).toBeUndefined();
    await third.close();
  });

  it('whole entries written before a crash that came ahead of head.json are kept, in order', async () => {
    const log = await openEvidenceLog(dir);
    await log.appendMany([note(0), note(1)]);
    await copyFile(join(dir, 'head.json'), join(dir, '..', 'head.old'));
    await log.appendMany([note(2), note(3), note(4)]);
    await log.close();
    await copyFile(join(dir, '..', 'head.old'), join(dir, 'head.json'));
    await appendFile(join(dir, 'entries.ndjson'), '{"kind":"no');
    const again = await openEvidenceLog(dir);
    expect(again.recovery).toMatchObject({ committed_size: 2, kept_entries: 3, dropped_bytes: 11 });
    const kinds = [];
    for await (const e of again.entries()) kinds.push(e.kind === 'note' ? e.payload.i : e.kind);
    expect(kinds).toEqual([0, 1, 2, 3, 4, 'log_recovered']);
    expect(again.treeHead().root).toBe(await rootFromEntries());
    await again.close();
  });

  it('a torn checkpoint line is cut off by the next writer; readers ignore it', async () => {
    const log = await openEvidenceLog(dir);
    await log.append(note(0));
    await log.checkpoint();
    await log.close();
    await appendFile(join(dir, 'checkpoints.ndjson'), 'eyJhbGciOiJFZERTQSJ9.eyJ');
    const ro = await openEvidenceLog(dir, { readOnly: true });
    expect((await ro.checkpoints()).length).toBe(1);
    await ro.close();
    const again = await openEvidenceLog(dir);
    await again.checkpoint();
    expect((await again.checkpoints()).map((c) => c.checkpoint.size)).toEqual([1, 1]);
    await again.close();
  });

  it('a file shorter than the last commit, or a changed committed entry, is refused as damaged', async () => {
    const log = await openEvidenceLog(dir);
    await log.appendMany([note(0), note(1), note(2)]);
    await log.close();
    const tree = join(dir, 'tree.bin');
    const orig = await readFile(tree);
    await truncate(tree, orig.length - 1);
    await expect(openEvidenceLog(dir)).rejects.toSatisfy((e) => isBreachwatchError(e, 'ERR_STATE') && /tree\.bin has .*data was lost/.test(e.message));
    await writeFile(tree, orig);
    const entries = join(dir, 'entries.ndjson');
    const text = await readFile(entries, 'utf8');
    await writeFile(entries, text.replace('{"i":2}', '{"i":7}'));
    await expect(openEvidenceLog(dir)).rejects.toSatisfy((e) => isBreachwatchError(e, 'ERR_STATE') && /entry 2 does not match its leaf hash/.test(e.message));
  });

  it('a stale lock (owner gone) is taken over; a live owner is refused with ERR_STATE', async () => {
    const log = await openEvidenceLog(dir);
    await log.close();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const lock = (pid: number, start: string | null): string => JSON.stringify({ host: hostname(), pid, start, token: 'x', since: '2026-03-01T00:00:00.000Z' });
    await writeFile(join(dir, 'LOCK'), lock(Number(dead.stdout), null));
    const taken = await openEvidenceLog(dir);
    await taken.append(note(0));
    await taken.close();
    await writeFile(join(dir, 'LOCK'), lock(process.pid, null));
    await expect(openEvidenceLog(dir)).rejects.toSatisfy((e) => isBreachwatchError(e, 'ERR_STATE') && e.message.includes(`locked by pid ${process.pid}`));
    // Same pid, another process start time: a recycled pid, so the lock is stale.
    await writeFile(join(dir, 'LOCK'), lock(process.pid, '1'));
    const recycled = await openEvidenceLog(dir);
    expect(recycled.size).toBe(1);
    await recycled.close();
  });

  it('a directory that holds other files is not taken for a log', async () => {
    await rm(dir, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    await writeFile(join(dir, 'notes.txt'), 'x');
    await expect(openEvidenceLog(dir)).rejects.toSatisfy((e) => isBreachwatchError(e, 'ERR_STATE'));
  });
});
