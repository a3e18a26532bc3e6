/**
 * Reading request lines back from the user's archive by the (file, line) references the store
 * keeps, hashing each line's bytes as they stand (a `.gz` file's decompressed bytes). A file is
 * read once, front to back, and only the wanted lines are hashed: millions of lines cost no
 * memory beyond one chunk. A line that cannot be read back is reported, not guessed.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { hashRequestLine } from '../../evidence/index.js';
import type { LineHash } from '../../store/index.js';

/** Calls `onLine(n, bytes)` for every line of `path` (1-based, terminator excluded). */
async function eachLine(path: string, onLine: (n: number, bytes: Buffer) => boolean): Promise<void> {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const src = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  let n = 0;
  let carry: Buffer | undefined;
  try {
    for await (const chunk of src as AsyncIterable<Buffer>) {
      let start = 0;
      for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, start)) {
        const part = chunk.subarray(start, i);
        const line = carry === undefined ? part : Buffer.concat([carry, part]);
        carry = undefined;
        start = i + 1;
        if (!onLine(++n, line)) return;
      }
      if (start < chunk.length) carry = carry === undefined ? Buffer.from(chunk.subarray(start)) : Buffer.concat([carry, chunk.subarray(start)]);
    }
    if (carry !== undefined && carry.length > 0) onLine(++n, carry);
  } finally {
    raw.destroy();
  }
}

/**
 * Hashes lines `wanted` (sorted ascending) of the file at `path`; `file` is the name the store
 * knows it by. Missing files and lines come back with `sha256: null` and the problem.
 */
export async function hashLines(path: string | undefined, file: string, wanted: readonly number[]): Promise<LineHash[]> {
  const missing = (problem: string): LineHash[] => wanted.map((line) => ({ file, line, sha256: null, problem }));
  if (path === undefined) return missing('not_a_file');
  const st = await stat(path).catch(() => undefined);
  if (st === undefined) return missing('file_missing');
  if (!st.isFile()) return missing('not_a_file');
  const out: LineHash[] = [];
  let k = 0;
  await eachLine(path, (n, bytes) => {
    while (k < wanted.length && (wanted[k] ?? 0) < n) k++;
    while (k < wanted.length && wanted[k] === n) {
      out.push({ file, line: n, sha256: hashRequestLine(bytes) });
      k++;
    }
    return k < wanted.length;
  });
  for (; k < wanted.length; k++) out.push({ file, line: wanted[k] ?? 0, sha256: null, problem: 'line_missing' });
  return out;
}
