/**
 * Golden run: a tiny forged-token simulation must reproduce test/fixtures/sim/forged-token-small
 * byte for byte (guards determinism across code changes; the folder doubles as sample data).
 * After an intended generator change, regenerate it with
 * `BW_UPDATE_SIM_FIXTURE=1 npx vitest run src/sim/golden.test.ts` and review the diff.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { simulate } from './index.js';

const fixture = join(import.meta.dirname, '../../test/fixtures/sim/forged-token-small');
const root = mkdtempSync(join(tmpdir(), 'bw-golden-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('golden simulation', () => {
  it('matches the committed fixture', async () => {
    const out = join(root, 'run');
    const r = await simulate({ scenario: 'forged-token', accounts: 12, days: 2, seed: 2025, out });
    if (process.env.BW_UPDATE_SIM_FIXTURE === '1') {
      rmSync(fixture, { recursive: true, force: true });
      cpSync(out, fixture, { recursive: true });
    }
    expect(readdirSync(fixture, { recursive: true, encoding: 'utf8' }).filter((f) => f.includes('.')).sort()).toEqual(r.files);
    for (const f of r.files) {
      expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(fixture, f), 'utf8'));
    }
  });
});
