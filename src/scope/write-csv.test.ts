/**
 * The CSV writer quotes what needs quoting and joins lists with `;`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { AffectedAccount } from '../store/index.js';
import { writeAffectedCsv } from './write-csv.js';

async function* rows(): AsyncGenerator<AffectedAccount> {
  await Promise.resolve();
  yield { account_id: 'm-"1",x', fields: ['name'], first_access: 0, last_access: 1, accesses: 3, src_ips: ['2001:db8::1', '192.0.2.1'] };
}

it('quotes account ids with commas and quotes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bw-csv-'));
  try {
    const path = join(dir, 'a.csv');
    expect(await writeAffectedCsv(rows(), path)).toEqual({ accounts: 1, requests: 3 });
    expect((await readFile(path, 'utf8')).split('\n')[1])
      .toBe('"m-""1"",x",name,1970-01-01T00:00:00.000Z,1970-01-01T00:00:00.001Z,3,2001:db8::1;192.0.2.1');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
