/**
 * Small bulk writes (alerts, indicators, keys, catalog, scope indicators) go through one
 * staged NDJSON file read by `read_json`: one statement per batch, whatever its size, and no
 * giant SQL literals or IN lists.
 */
import { randomBytes } from 'node:crypto';
import { unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * Writes `rows` as NDJSON into `dir`, runs `use` with the quoted path, and removes the file.
 * `columns` is the read_json column spec, e.g. `{a: 'VARCHAR'}`.
 */
export async function withJsonRows<T>(
  dir: string,
  rows: readonly unknown[],
  columns: string,
  use: (readJsonSql: string) => Promise<T>,
): Promise<T> {
  const file = join(dir, `rows-${randomBytes(6).toString('hex')}.ndjson`);
  const parts: string[] = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) parts[i] = JSON.stringify(rows[i]);
  await writeFile(file, parts.join('\n') + '\n');
  try {
    return await use(`read_json(${sqlString(file)}, format = 'newline_delimited', columns = ${columns})`);
  } finally {
    await unlink(file).catch(() => undefined);
  }
}
