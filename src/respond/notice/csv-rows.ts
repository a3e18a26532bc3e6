/**
 * Reading the CSV inputs of a render (the scope folder's affected_accounts.csv, the customer
 * directory) row by row with their line numbers, through csv-parse (quoting, BOM, CRLF), and
 * the account-id order every sorted stream here agrees on.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { BreachwatchError } from '../../model/index.js';

/** One CSV record and the line it starts on (1-based). */
export interface CsvRow {
  readonly line: number;
  readonly cells: readonly string[];
}

/**
 * Yields every record after the header; the header must be exactly `header`.
 * @throws BreachwatchError `ERR_INPUT_UNREADABLE` (missing file), `ERR_INPUT_INVALID` (wrong header, broken CSV).
 */
export async function* csvRows(path: string, header: readonly string[]): AsyncGenerator<CsvRow> {
  const parser = createReadStream(path).pipe(parse({ bom: true, relax_column_count: true, info: true, skip_empty_lines: true }));
  let first = true;
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (first) {
        first = false;
        if (rec.record.join(',') !== header.join(',')) {
          throw new BreachwatchError('ERR_INPUT_INVALID', `${path}:1: header must be ${header.join(',')}`);
        }
        continue;
      }
      yield { line: rec.info.lines, cells: rec.record };
    }
  } catch (e) {
    if (e instanceof BreachwatchError) throw e;
    const err = e as NodeJS.ErrnoException & { lines?: number };
    if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR') {
      throw new BreachwatchError('ERR_INPUT_UNREADABLE', `${path}: cannot read: ${err.code}`, { cause: e });
    }
    // csv-parse's message may quote the data; keep only where it broke.
    throw new BreachwatchError('ERR_INPUT_INVALID', `${path}${err.lines !== undefined ? `:${err.lines}` : ''}: not valid CSV (${err.code ?? 'parse error'})`, { cause: e });
  } finally {
    parser.destroy();
  }
  if (first) throw new BreachwatchError('ERR_INPUT_INVALID', `${path}: empty (no header)`);
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Orders account ids by Unicode code point (= UTF-8 byte order, DuckDB's order of VARCHAR),
 * which differs from JavaScript's `<` only around surrogate pairs.
 */
export function compareIds(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
