/**
 * The baseline the benchmarks measure against: read files and JSON.parse every line, nothing
 * else. Bytes are cut into lines at the last newline of each read, and decoded the cheapest
 * correct way (Latin-1 when a region is pure ASCII, UTF-8 otherwise), as hunt's reader does.
 */
import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

function parseRegion(region: Buffer): number {
  const text = region.toString(isAscii(region) ? 'latin1' : 'utf8');
  let lines = 0;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', start)) {
    if (i > start) { JSON.parse(text.slice(start, i)); lines++; }
    start = i + 1;
  }
  if (start < text.length) { JSON.parse(text.slice(start)); lines++; }
  return lines;
}

/** Reads `files` and JSON.parses each non-empty line; returns lines and bytes read. */
export async function readAndParse(files: readonly string[]): Promise<{ lines: number; bytes: number }> {
  let lines = 0;
  let bytes = 0;
  for (const f of files) {
    bytes += (await stat(f)).size;
    let rest: Buffer | undefined;
    for await (const chunk of createReadStream(f, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      const buf = rest === undefined ? chunk : Buffer.concat([rest, chunk]);
      const last = buf.lastIndexOf(10);
      if (last < 0) { rest = buf; continue; }
      lines += parseRegion(buf.subarray(0, last));
      rest = last + 1 < buf.length ? buf.subarray(last + 1) : undefined;
    }
    if (rest !== undefined && rest.length > 0) lines += parseRegion(rest);
  }
  return { lines, bytes };
}
