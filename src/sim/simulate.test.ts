/**
 * simulate(): determinism by seed, gzip output, argument checks, the benign baseline.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { isBreachwatchError } from '../model/index.js';
import { readRun } from './check-output.contract.js';
import { isAttackRequestId, simulate, type RequestIdKey, type SimOptions } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'bw-sim-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const dir = (): string => join(root, String(n++));

function allFiles(d: string): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const f of readdirSync(d, { recursive: true, encoding: 'utf8' }).sort()) {
    if (f === 'access' || f === 'ledger') continue;
    m.set(f, readFileSync(join(d, f)));
  }
  return m;
}

const small: Omit<SimOptions, 'out'> = { scenario: 'forged-token', accounts: 300, days: 3, seed: 11 };

describe('simulate', () => {
  it('writes byte-identical files for the same seed and different ones for another seed', async () => {
    const a = dir();
    const b = dir();
    const c = dir();
    const ra = await simulate({ ...small, out: a });
    await simulate({ ...small, out: b });
    await simulate({ ...small, seed: 12, out: c });
    const fa = allFiles(a);
    const fb = allFiles(b);
    expect([...fa.keys()]).toEqual(ra.files);
    expect([...fb.keys()]).toEqual([...fa.keys()]);
    for (const [name, bytes] of fa) expect(bytes.equals(fb.get(name) ?? Buffer.alloc(0)), name).toBe(true);
    const fc = allFiles(c);
    expect(fc.get('access/access-2025-06-02.ndjson')?.equals(fa.get('access/access-2025-06-02.ndjson') ?? Buffer.alloc(0))).toBe(false);
  });

  it('gzip output decompresses to the plain output', async () => {
    const plain = dir();
    const gz = dir();
    await simulate({ ...small, out: plain, start: '2025-03-01T00:00:00Z' });
    const r = await simulate({ ...small, out: gz, gzip: true, start: '2025-03-01' });
    expect(r.files).toContain('access/access-2025-03-02.ndjson.gz');
    const unzipped = gunzipSync(readFileSync(join(gz, 'access/access-2025-03-02.ndjson.gz')));
    expect(unzipped.equals(readFileSync(join(plain, 'access/access-2025-03-02.ndjson')))).toBe(true);
  });

  it('rejects an unknown scenario and bad sizes with ERR_USAGE', async () => {
    const bad = [
      { ...small, scenario: 'nope' as SimOptions['scenario'] },
      { ...small, accounts: 0 },
      { ...small, days: 1.5 },
      { ...small, start: '2025-06-01T05:00:00Z' },
    ];
    for (const o of bad) {
      const err = await simulate({ ...o, out: dir() }).catch((e: unknown) => e);
      expect(isBreachwatchError(err, 'ERR_USAGE')).toBe(true);
    }
  });

  it('benign: no attack, contract-valid files, every token issued before use', async () => {
    const out = dir();
    const progress: number[] = [];
    const r = await simulate({ ...small, scenario: 'benign', days: 4, out, onProgress: (p) => progress.push(p.day) });
    expect(progress).toEqual([1, 2, 3, 4]);
    expect(r.affected).toBe(0);
    expect(r.attackFirstRequest).toBeUndefined();
    const run = readRun(out);
    expect(run.issues).toEqual([]);
    expect(run.truth.attack).toBeNull();
    expect(run.access.length).toBe(r.events);
    expect(run.ledger.length).toBe(r.ledgerRecords);
    const key = run.truth.request_id_key as RequestIdKey;
    expect(run.access.some((e) => isAttackRequestId(e.request_id, key))).toBe(false);
    const issued = new Map(run.ledger.filter((l) => l.type !== 'revoke').map((l) => [l.jti, l]));
    expect(run.ledger.some((l) => l.type === 'revoke')).toBe(true);
    for (const e of run.access) {
      if (e.token === undefined) continue;
      const l = issued.get(e.token.jti);
      expect(l?.sub).toBe(e.token.sub);
      expect(l?.kid).toBe(e.token.kid);
      expect(l?.exp).toBe(e.token.exp);
      expect(Date.parse(l?.time ?? '')).toBeLessThanOrEqual(Date.parse(e.time));
    }
    // Support agents read customers through the console: sub is a staff id, account_id a customer.
    const consoleReads = run.access.filter((e) => e.token?.client_id === 'cs-console' && e.account_id !== undefined);
    expect(consoleReads.length).toBeGreaterThan(0);
    expect(consoleReads.every((e) => e.token?.sub.startsWith('s-') === true && e.account_id?.startsWith('m-') === true)).toBe(true);
    // Request ids are unique.
    expect(new Set(run.access.map((e) => e.request_id)).size).toBe(run.access.length);
  });
});
