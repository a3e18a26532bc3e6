/**
 * Bundles: an export verifies offline with nothing but its folder (signature, every entry's
 * leaf hash and inclusion proof, the earlier checkpoints' consistency, the manifest's hashes);
 * selections by kind and range; and one flipped byte anywhere in any part (each file; entries,
 * proofs, the checkpoint's header, payload and signature, the public key, the manifest's body
 * and signature) is caught, the failing part named, and a changed entry named by its index.
 */
import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBreachwatchError } from '../model/index.js';
import { BUNDLE_FILES } from './bundle-format.js';
import { exportBundle } from './bundle-export.js';
import { verifyBundle } from './bundle-verify.js';
import type { NewEntry } from './entry.js';
import { openEvidenceLog } from './log-open.js';

let root = '';
let bundle = '';
const now = (): Date => new Date('2026-03-02T10:00:00.000Z');

function entries(n: number, offset = 0): NewEntry[] {
  return Array.from({ length: n }, (_, k): NewEntry => {
    const i = k + offset;
    if (i % 5 === 0) return { kind: 'alert', payload: { id: `a-${i}`, note: '배송지 조회 급증', counts: { 10: 1, 9: 2 } } };
    return { kind: 'request_line', payload: { file: 'access.ndjson', line: i + 1, sha256: i.toString(16).padStart(64, 'a') } };
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bw-bundle-'));
  const log = await openEvidenceLog(join(root, 'log'), { now });
  await log.appendMany(entries(5));
  await log.checkpoint();
  await log.appendMany(entries(9, 5));
  await log.checkpoint();
  await log.appendMany(entries(7, 14));
  bundle = join(root, 'all');
  const r = await exportBundle(log, bundle, { now });
  expect(r).toMatchObject({ entries: 21, treeSize: 21, earlierCheckpoints: 2 });
  await log.close();
});
afterAll(async () => { await rm(root, { recursive: true, force: true }); });

async function flipAndVerify(part: string, pos: number, mask: number): Promise<Awaited<ReturnType<typeof verifyBundle>>> {
  const path = join(bundle, part);
  const orig = await readFile(path);
  const bad = Buffer.from(orig);
  bad[pos] = bad[pos]! ^ mask;
  await writeFile(path, bad);
  try {
    return await verifyBundle(bundle);
  } finally {
    await writeFile(path, orig);
  }
}

describe('evidence bundle', () => {
  it('verifies offline: key, checkpoint, manifest, every entry, consistency, hashes', async () => {
    expect((await readdir(bundle)).sort()).toEqual(Object.values(BUNDLE_FILES).sort());
    const r = await verifyBundle(bundle);
    expect(r.failure).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.entries).toBe(21);
    const what = r.checks.map((c) => `${c.part}: ${c.what}`).join('\n');
    expect(what).toContain('21 entries');
    expect(what).toMatch(/earlier checkpoint of size 5 .*consistency proof verified/);
    expect(what).toMatch(/earlier checkpoint of size 14 .*consistency proof verified/);
    expect(r.checks.filter((c) => c.what.startsWith('SHA-256 matches')).length).toBe(4);
  });

  it('exports a selection by kind and range; a read-only log exports against its latest checkpoint', async () => {
    const log = await openEvidenceLog(join(root, 'log'), { readOnly: true });
    const out = join(root, 'alerts');
    const r = await exportBundle(log, out, { kinds: ['alert'], from: 3, to: 16 });
    expect(r).toMatchObject({ entries: 3, treeSize: 21 });
    const lines = (await readFile(join(out, 'entries.ndjson'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { index: number }).index);
    expect(lines).toEqual([5, 10, 15]);
    expect((await verifyBundle(out)).ok).toBe(true);
    await expect(exportBundle(log, out)).rejects.toSatisfy((e) => isBreachwatchError(e, 'ERR_USAGE'));
    await log.close();
  });

  it('one flipped byte anywhere in any part is caught, and the part is named', async () => {
    let flips = 0;
    for (const part of Object.values(BUNDLE_FILES)) {
      const size = (await readFile(join(bundle, part))).length;
      // Every byte of the small parts; 200 evenly spread (first and last included) of the others.
      const step = Math.max(1, Math.floor(size / 200));
      const positions = new Set<number>([0, size - 1]);
      for (let p = 0; p < size; p += step) positions.add(p);
      for (const pos of positions) {
        const r = await flipAndVerify(part, pos, pos % 3 === 0 ? 0x20 : 0x01);
        expect([part, pos, r.ok]).toEqual([part, pos, false]);
        expect(r.checks.some((c) => !c.ok && c.part === part)).toBe(true);
        flips++;
      }
    }
    expect(flips).toBeGreaterThan(1000);
  }, 300_000);

  it('checkpoint header, payload and signature, manifest body and signature, key: each caught by its own check', async () => {
    const jws = await readFile(join(bundle, 'checkpoint.jws'), 'utf8');
    const [hdr, payload] = jws.split('.') as [string, string, string];
    for (const pos of [3, hdr.length + 5, hdr.length + payload.length + 10]) {
      const r = await flipAndVerify('checkpoint.jws', pos, 0x01);
      expect(r.failure?.part).toBe('checkpoint.jws');
    }
    const manifest = await readFile(join(bundle, 'manifest.json'), 'utf8');
    for (const needle of ['"exported_at": "2026', '"signature": "ey', '"to": null', '"entries": 21']) {
      const r = await flipAndVerify('manifest.json', manifest.indexOf(needle) + needle.length - 1, 0x01);
      expect([needle, r.failure?.part]).toEqual([needle, 'manifest.json']);
    }
    const key = await readFile(join(bundle, 'public.jwk.json'), 'utf8');
    const r = await flipAndVerify('public.jwk.json', key.indexOf('"x": "') + 8, 0x01);
    expect(r.failure?.part).toBe('public.jwk.json');
  });

  it('a changed entry or its proof is named by the entry index', async () => {
    const text = await readFile(join(bundle, 'entries.ndjson'), 'utf8');
    const at = text.indexOf('"line":8,') + 8; // entry 7's line number
    const r = await flipAndVerify('entries.ndjson', at, 0x01);
    expect(r.failure).toMatchObject({ part: 'entries.ndjson', index: 7 });
    const proofs = await readFile(join(bundle, 'proofs.json'), 'utf8');
    const p = await flipAndVerify('proofs.json', proofs.indexOf('{"index":12,"path":["') + 25, 0x01);
    expect(p.failure).toMatchObject({ part: 'entries.ndjson', index: 12 });
    expect(p.checks.some((c) => !c.ok && c.part === 'proofs.json' && c.what.startsWith('SHA-256'))).toBe(true);
  });

  it('a missing part, a dropped entry or two swapped entries fail', async () => {
    for (const part of Object.values(BUNDLE_FILES)) {
      const path = join(bundle, part);
      const orig = await readFile(path);
      await unlink(path);
      const r = await verifyBundle(bundle);
      await writeFile(path, orig);
      expect([part, r.ok, r.checks.some((c) => !c.ok && c.part === part)]).toEqual([part, false, true]);
    }
    const path = join(bundle, 'entries.ndjson');
    const orig = await readFile(path, 'utf8');
    const ls = orig.trimEnd().split('\n');
    for (const changed of [[...ls.slice(0, 3), ...ls.slice(4)], [ls[1]!, ls[0]!, ...ls.slice(2)]]) {
      await writeFile(path, changed.join('\n') + '\n');
      const r = await verifyBundle(bundle);
      expect(r.ok).toBe(false);
    }
    await writeFile(path, orig);
    expect((await verifyBundle(bundle)).ok).toBe(true);
    await expect(verifyBundle(join(root, 'nope'))).rejects.toSatisfy((e) => isBreachwatchError(e, 'ERR_INPUT_UNREADABLE'));
  });
});
