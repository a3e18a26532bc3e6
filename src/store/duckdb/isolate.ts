/**
 * Row isolation: when DuckDB refuses a staged load because of what is in it (a value its
 * column cannot hold, JSON it cannot read — a lone UTF-16 surrogate passes JavaScript's
 * `JSON.parse` but not DuckDB's reader), the file is bisected until every refused line is
 * found. Each probe loads a part inside a transaction that is rolled back, so the table's own
 * constraints judge it and nothing of a probe stays. The refused lines are reported with
 * DuckDB's own error text; a file of the remaining lines is returned to load. A load that
 * fails on a row therefore never stops the pipeline, and recovery can never be stuck on one.
 *
 * Errors that are not about the rows (I/O, memory) are not bisected: see {@link isRowError}.
 */
import { randomBytes } from 'node:crypto';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RejectedRow } from '../store.js';

/** DuckDB's error classes that a row's contents cause (its message starts with the class). */
const ROW_ERRORS = /^(Invalid Input|Conversion|Constraint|Out of Range|Mismatch Type|Parser) Error/;

/** True when DuckDB refused a load because of the rows in it (not I/O, memory or an interrupt). */
export function isRowError(e: unknown): boolean {
  return e instanceof Error && ROW_ERRORS.test(e.message);
}

/** Lines probed at once below which each line is tried on its own. */
const SINGLE_BELOW = 4;

const quote = (p: string): string => `'${p.replaceAll("'", "''")}'`;

/** What one staging line says about where it came from (access lines wrap the event; ledger lines are events). */
function origin(text: string): { file: string; line: number; excerpt: string } {
  try {
    const o = JSON.parse(text) as { f?: unknown; l?: unknown; e?: unknown; ref?: { file?: unknown; line?: unknown } };
    const file = typeof o.f === 'string' ? o.f : typeof o.ref?.file === 'string' ? o.ref.file : 'store';
    const line = typeof o.l === 'number' ? o.l : typeof o.ref?.line === 'number' ? o.ref.line : 0;
    return { file, line, excerpt: (o.e === undefined ? text : JSON.stringify(o.e)).slice(0, 200) };
  } catch {
    return { file: 'store', line: 0, excerpt: text.slice(0, 200) };
  }
}

/** What {@link isolateRows} needs. */
export interface IsolateInput {
  readonly conn: DuckDBConnection;
  /** Folder for probe files. */
  readonly dir: string;
  readonly table: RejectedRow['table'];
  /** SQL loading one staging file (path already quoted). */
  readonly insertSql: (quotedPath: string) => string;
  /** The staging file the load refused. */
  readonly file: string;
}

/**
 * Finds the lines of `x.file` DuckDB refuses. Returns them and the path of a new file with
 * every other line (the caller loads it and removes it), or `undefined` when no line is left.
 * Must run outside a transaction on `x.conn`. Throws what is not a row error.
 */
export async function isolateRows(x: IsolateInput): Promise<{ rejected: RejectedRow[]; rest: string | undefined }> {
  const lines = (await readFile(x.file, 'utf8')).split('\n').filter((l) => l !== '');
  const bad: { index: number; error: string }[] = [];
  const probe = async (from: number, to: number): Promise<string | undefined> => {
    const path = join(x.dir, `probe-${x.table}-${randomBytes(4).toString('hex')}.ndjson`);
    await writeFile(path, lines.slice(from, to).join('\n') + '\n', { mode: 0o600 });
    try {
      await x.conn.run('BEGIN TRANSACTION');
      try {
        await x.conn.run(x.insertSql(quote(path)));
        return undefined;
      } catch (e) {
        if (!isRowError(e)) throw e;
        return (e as Error).message;
      } finally {
        await x.conn.run('ROLLBACK').catch(() => undefined);
      }
    } finally {
      await unlink(path).catch(() => undefined);
    }
  };
  const search = async (from: number, to: number, known?: string): Promise<void> => {
    const error = known ?? await probe(from, to);
    if (error === undefined) return;
    if (to - from === 1) { bad.push({ index: from, error }); return; }
    if (to - from < SINGLE_BELOW) {
      for (let i = from; i < to; i++) await search(i, i + 1);
      return;
    }
    const mid = from + Math.floor((to - from) / 2);
    await search(from, mid);
    await search(mid, to);
  };
  await search(0, lines.length);
  const refused = new Set(bad.map((b) => b.index));
  const rejected = bad.map((b) => {
    const o = origin(lines[b.index] ?? '');
    // The probe file's path means nothing to the reader of a quarantine.
    const error = b.error.replace(/ in file "[^"]*"/g, '').replace(/ in line \d+/g, '').slice(0, 500);
    return { table: x.table, file: o.file, line: o.line, error, excerpt: o.excerpt };
  });
  const keep = lines.filter((_, i) => !refused.has(i));
  if (keep.length === 0) return { rejected, rest: undefined };
  const rest = join(x.dir, `rest-${x.table}-${randomBytes(4).toString('hex')}.ndjson`);
  await writeFile(rest, keep.join('\n') + '\n', { mode: 0o600 });
  return { rejected, rest };
}
