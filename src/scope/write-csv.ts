/**
 * Writes `affected_accounts.csv` from the store's sorted stream, in batches through
 * csv-stringify (which handles quoting), honouring the file stream's backpressure.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'csv-stringify/sync';
import { toRfc3339 } from '../model/index.js';
import type { AffectedAccount } from '../store/index.js';

/** The contract's header, exactly. */
export const CSV_HEADER = ['account_id', 'fields', 'first_access', 'last_access', 'accesses', 'src_ips'];

const BATCH = 8192;

/** Writes the rows to `path`; returns how many accounts and requests were written. */
export async function writeAffectedCsv(
  rows: AsyncIterable<AffectedAccount>,
  path: string,
): Promise<{ accounts: number; requests: number }> {
  const out = createWriteStream(path);
  const failed = once(out, 'error').then(([e]) => Promise.reject(e as Error));
  failed.catch(() => undefined);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
  };
  let accounts = 0;
  let requests = 0;
  let batch: string[][] = [];
  await write(stringify([CSV_HEADER]));
  for await (const r of rows) {
    batch.push([r.account_id, r.fields.join(';'), toRfc3339(r.first_access), toRfc3339(r.last_access),
      String(r.accesses), r.src_ips.join(';')]);
    accounts++;
    requests += r.accesses;
    if (batch.length >= BATCH) {
      await write(stringify(batch));
      batch = [];
    }
  }
  if (batch.length > 0) await write(stringify(batch));
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  return { accounts, requests };
}
