/**
 * An {@link AffectedSource} over a scope folder (contract: `affected_accounts.csv`, sorted by
 * account_id, beside `summary.json`), streamed. A row that cannot be read is quarantined with
 * its file, line and reason and skipped; rows out of order mean the file is not a scope run's
 * and stop the render (a merge over unsorted input would silently miss people).
 */
import { join } from 'node:path';
import { BreachwatchError, parseRfc3339 } from '../../model/index.js';
import type { QuarantineWriter } from '../../ingest/index.js';
import { compareIds, csvRows } from './csv-rows.js';
import type { AffectedPerson, AffectedSource } from './types.js';

/** The contract's header of affected_accounts.csv. */
export const AFFECTED_HEADER = ['account_id', 'fields', 'first_access', 'last_access', 'accesses', 'src_ips'] as const;

/** Reads `<dir>/affected_accounts.csv`; bad rows go to `quarantine`. */
export function scopeFolderSource(dir: string, quarantine: QuarantineWriter): AffectedSource {
  const file = join(dir, 'affected_accounts.csv');
  return {
    describe: file,
    async *persons(): AsyncGenerator<AffectedPerson> {
      let prev: string | undefined;
      for await (const { line, cells } of csvRows(file, AFFECTED_HEADER)) {
        const bad = (reason: string, message: string): void => {
          quarantine.write({ file, line, reason, message, excerpt: cells.join(',') });
        };
        const [id = '', fields = '', first = '', last = '', accesses = ''] = cells;
        if (cells.length !== AFFECTED_HEADER.length) { bad('bad_columns', `expected ${AFFECTED_HEADER.length} columns, got ${cells.length}`); continue; }
        if (id === '') { bad('missing_field', 'account_id is empty'); continue; }
        const f = parseRfc3339(first);
        const l = parseRfc3339(last);
        if (f === undefined || l === undefined) { bad('bad_time', 'first_access/last_access is not an RFC 3339 time'); continue; }
        const n = Number(accesses);
        if (!Number.isInteger(n) || n < 0) { bad('bad_number', 'accesses is not a whole number'); continue; }
        const names = fields.split(';').filter((x) => x !== '');
        if (names.length === 0) { bad('missing_field', 'fields is empty'); continue; }
        if (prev !== undefined && compareIds(prev, id) >= 0) {
          throw new BreachwatchError('ERR_INPUT_INVALID', `${file}:${line}: rows are not sorted by account_id (or repeat one); a scope folder's are`);
        }
        prev = id;
        yield { account_id: id, fields: [...new Set(names)].sort(), first_access: f, last_access: l, accesses: n };
      }
    },
  };
}
