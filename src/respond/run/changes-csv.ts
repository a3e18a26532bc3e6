/**
 * `changes.csv` of a saved run: each account that a newer run added, whose exposed fields
 * grew, or that it no longer holds, against the incident's previous run. Follow-up notices
 * (part 2) go to exactly the `added` and `grown` rows.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { AccountChange } from '../../store/index.js';

/** The header of changes.csv. */
export const CHANGES_HEADER = ['account_id', 'change', 'fields', 'new_fields'] as const;

const cell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** Streams `changes` (sorted by account_id) to `path`; returns the row count. */
export async function writeChangesCsv(changes: AsyncIterable<AccountChange>, path: string): Promise<number> {
  const out = createWriteStream(path);
  const write = async (line: string): Promise<void> => {
    if (!out.write(line)) await once(out, 'drain');
  };
  let n = 0;
  try {
    await write(CHANGES_HEADER.join(',') + '\n');
    for await (const c of changes) {
      await write([c.account_id, c.change, c.fields.join(';'), c.new_fields.join(';')].map(cell).join(',') + '\n');
      n++;
    }
  } finally {
    out.end();
    await once(out, 'finish');
  }
  return n;
}
