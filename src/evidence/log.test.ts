/**
 * The log on disk: appends (one and many, across commit boundaries) give the root the RFC
 * computes over the same canonical bytes; proofs from the files verify for any entry and any
 * older size; state survives reopening; refused entries are reported, not written; files are
 * 0600 in a 0700 directory; checkpoints are signed with the log's key.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBreachwatchError } from '../model/index.js';
import { verifyCheckpoint } from './checkpoint.js';
import { encodeEntry, type NewEntry } from './entry.js';
import { openEvidenceLog } from './log-open.js';
import { leafHash, rootOfLeaves } from './merkle.js';
import { verifyConsistency, verifyInclusion } from './verify-proof.js';

const T0 = new Date('2026-03-01T09:00:00.000Z');
const now = (): Date => T0;
let dir = '';
beforeEach(async () => { dir = join(await mkdtemp(join(tmpdir(), 'bw-ev-')), 'log'); });
afterEach(async () => { await rm(join(dir, '..'), { recursive: true, force: true }); });

function lineEntry(i: number): NewEntry<'request_line'> {
  return { kind: 'request_line', payload: { file: 'access-2025-06-24.ndjson.gz', line: i + 1, sha256: i.toString(16).padStart(64, '0') } };
}

function expectedLeaf(e: NewEntry): Buffer {
  const t = encodeEntry(e, T0.toISOString());
  if (!t.ok) throw new Error('bad fixture');
  return leafHash(Buffer.from(t.value));
}

function expectedRoot(entries: readonly NewEntry[]): Buffer {
  return rootOfLeaves(entries.map(expectedLeaf));
}

describe('evidence log', () => {
  it('append returns index and head; the root is MTH over the canonical entries; reopening keeps it', async () => {
    const log = await openEvidenceLog(dir, { now });
    const es: NewEntry[] = [
      { kind: 'input_file', payload: { path: 'access.ndjson', sha256: 'ab'.repeat(32), bytes: 10 } },
      { kind: 'alert', payload: { id: 'a-1', detector: 'unissued-token', note: '위조 토큰' } },
      lineEntry(0),
    ];
    for (const [i, e] of es.entries()) expect((await log.append(e)).index).toBe(i);
    expect(log.treeHead()).toEqual({ size: 3, root: expectedRoot(es).toString('hex') });
    await log.close();
    const again = await openEvidenceLog(dir, { now });
    expect(again.treeHead().root).toBe(expectedRoot(es).toString('hex'));
    expect(again.get(1)).toEqual({ index: 1, kind: 'alert', time: T0.toISOString(), payload: es[1]!.payload });
    await again.close();
  });

  it('appendMany across several commits: same root as the RFC, proofs for any entry and older size verify', async () => {
    const log = await openEvidenceLog(dir, { now });
    const es = Array.from({ length: 150_000 }, (_, i) => lineEntry(i));
    const progress: number[] = [];
    const r = await log.appendMany(es, (p) => progress.push(p.appended));
    expect(r).toMatchObject({ first: 0, appended: 150_000, rejected: 0, size: 150_000 });
    expect(progress.length).toBeGreaterThan(1);
    expect(r.root).toBe(expectedRoot(es).toString('hex'));
    const older = 100_003;
    const oldRoot = expectedRoot(es.slice(0, older));
    expect(log.rootAt(older).equals(oldRoot)).toBe(true);
    for (const i of [0, 1, 65_535, 65_536, 99_999, 100_002, 149_999]) {
      expect(log.leafHash(i).equals(expectedLeaf(es[i]!))).toBe(true);
      expect(verifyInclusion(i, r.size, log.leafHash(i), log.inclusionProof(i), Buffer.from(r.root, 'hex'))).toBe(true);
      if (i < older) expect(verifyInclusion(i, older, log.leafHash(i), log.inclusionProof(i, older), oldRoot)).toBe(true);
    }
    expect(verifyConsistency(older, r.size, oldRoot, Buffer.from(r.root, 'hex'), log.consistencyProof(older))).toBe(true);
    const kinds = [];
    for await (const e of log.entries({ from: 149_998 })) kinds.push(e.index);
    expect(kinds).toEqual([149_998, 149_999]);
    await log.close();
  });

  it('refused entries are skipped and named by position; append of a refused entry throws ERR_INPUT_INVALID', async () => {
    const log = await openEvidenceLog(dir, { now });
    const bad = [lineEntry(0), { kind: 'alert', payload: { x: Number.NaN } }, { kind: 'nope', payload: {} }, lineEntry(1)] as NewEntry[];
    const r = await log.appendMany(bad);
    expect(r).toMatchObject({ appended: 2, rejected: 2, size: 2 });
    expect(r.rejections.map((x) => [x.position, x.issues[0]?.code, x.issues[0]?.path])).toEqual([[1, 'not_finite', '$.payload.x'], [2, 'bad_kind', '$.kind']]);
    await expect(log.append({ kind: 'alert', payload: { t: new Date() } } as unknown as NewEntry)).rejects.toSatisfy((e) => isBreachwatchError(e, 'ERR_INPUT_INVALID'));
    expect(log.size).toBe(2);
    await log.close();
  });

  it('fixed-shape and other entries interleaved: every leaf is the canonical text, refusals are named by position', async () => {
    const log = await openEvidenceLog(dir, { now });
    const account = (id: string, lines: unknown[]): NewEntry => ({
      kind: 'account_evidence',
      payload: { incident_id: 'inc-1', run_id: 'run-1', account_id: id, fields: ['name'], first_access: 'a', last_access: 'b', accesses: 1, part: 1, parts: 1, lines },
    } as NewEntry);
    const ref = { file: 'f.ndjson', line: 3, sha256: 'ab'.repeat(32) };
    const es: NewEntry[] = [
      account('m-1', [ref, { ...ref, line: 4, sha256: null }]),
      account('m-"2"', [ref]), // an odd string: the generic canonicaliser spells it
      { kind: 'request_line', payload: { ...lineEntry(5).payload, account_id: 'm-é' } },
      account('m-3', [{ ...ref, line: 1.5 }]),
      lineEntry(6),
    ];
    const bad = [account('m-4', [{ ...ref, line: Number.NaN }]), { kind: 'request_line', payload: { file: 'f', line: 1, sha256: 'x\ud800' } } as NewEntry];
    const r = await log.appendMany([es[0]!, es[1]!, bad[0]!, es[2]!, es[3]!, bad[1]!, es[4]!]);
    expect(r.rejections.map((x) => [x.position, x.issues[0]?.code, x.issues[0]?.path])).toEqual([
      [2, 'not_finite', '$.payload.lines[0].line'], [5, 'lone_surrogate', '$.payload.sha256'],
    ]);
    expect(r).toMatchObject({ appended: 5, size: 5, root: expectedRoot(es).toString('hex') });
    const lines = (await readFile(join(dir, 'entries.ndjson'), 'utf8')).split('\n');
    es.forEach((e, i) => expect(lines[i]).toBe((encodeEntry(e, T0.toISOString()) as { value: string }).value));
    await log.close();
  });

  it('entries by kind and range; files 0600 in a 0700 directory', async () => {
    const log = await openEvidenceLog(dir, { now });
    await log.appendMany([lineEntry(0), { kind: 'alert', payload: { id: 'a' } }, lineEntry(1), { kind: 'alert', payload: { id: 'b' } }]);
    const alerts = [];
    for await (const e of log.entries({ kinds: ['alert'] })) alerts.push([e.index, (e.payload as Record<string, unknown>).id]);
    expect(alerts).toEqual([[1, 'a'], [3, 'b']]);
    const some = [];
    for await (const e of log.entries({ from: 1, to: 2 })) some.push(e.index);
    expect(some).toEqual([1, 2]);
    await log.checkpoint();
    await log.close();
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    for (const f of ['log.json', 'head.json', 'entries.ndjson', 'entries.idx', 'tree.bin', 'checkpoints.ndjson', 'public.jwk.json', 'signing-key.jwk.json']) {
      expect([f, (await stat(join(dir, f))).mode & 0o777]).toEqual([f, 0o600]);
    }
  });

  it('checkpoints are EdDSA JWS over {v, log_id, size, root, time}; the kid is the key thumbprint', async () => {
    const log = await openEvidenceLog(dir, { now });
    await log.append(lineEntry(0));
    const cp = await log.checkpoint();
    expect(cp.checkpoint).toEqual({ v: 1, log_id: log.logId, size: 1, root: log.treeHead().root, time: T0.toISOString() });
    const v = await verifyCheckpoint(cp.jws, log.publicJwk);
    expect(v.ok).toBe(true);
    expect(JSON.parse(Buffer.from(cp.jws.split('.')[0]!, 'base64url').toString())).toEqual({ alg: 'EdDSA', kid: log.publicJwk.kid, typ: 'breachwatch-checkpoint' });
    expect((await log.checkpoints()).map((c) => c.checkpoint.size)).toEqual([1]);
    const pub = JSON.parse(await readFile(join(dir, 'public.jwk.json'), 'utf8')) as { kid: string; d?: string };
    expect(pub.kid).toBe(log.publicJwk.kid);
    expect(pub.d).toBeUndefined();
    await log.close();
  });

  it('a read-only open sees committed entries, needs no lock and refuses appends', async () => {
    const log = await openEvidenceLog(dir, { now });
    await log.append(lineEntry(0));
    const ro = await openEvidenceLog(dir, { readOnly: true });
    expect(ro.treeHead()).toEqual(log.treeHead());
    await expect(ro.append(lineEntry(1))).rejects.toSatisfy((e) => isBreachwatchError(e, 'ERR_STATE'));
    await ro.close();
    await log.close();
  });
});
