/**
 * The baseline the benchmarks measure against: read files and JSON.parse every line, nothing else.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** Reads `files` and JSON.parses each non-empty line; returns lines and bytes read. */
export async function readAndParse(files: readonly string[]): Promise<{ lines: number; bytes: number }> {
  let lines = 0;
  let bytes = 0;
  for (const f of files) {
    bytes += (await stat(f)).size;
    let rest = '';
    for await (const chunk of createReadStream(f, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const text = rest + (chunk as string);
      let start = 0;
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', start)) {
        if (i > start) { JSON.parse(text.slice(start, i)); lines++; }
        start = i + 1;
      }
      rest = text.slice(start);
    }
    if (rest.length > 0) { JSON.parse(rest); lines++; }
  }
  return { lines, bytes };
}
