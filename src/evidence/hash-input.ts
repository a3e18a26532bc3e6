/**
 * Hashes of what the evidence points at: a whole input file (SHA-256 of its bytes as stored,
 * streamed, so a 100 GB archive costs no memory) and one request line (SHA-256 of the line's
 * UTF-8 bytes without its terminator, LF or CRLF, the text breachwatch's line reader yields).
 * Only the hashes go into the log, never the lines: the log is about personal data, it must
 * not become a copy of it.
 */
import { createHash, hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { BreachwatchError } from '../model/index.js';
import type { InputFilePayload } from './kinds.js';

/**
 * SHA-256 (lower-case hex) and size of the file at `path` (`-` reads stdin).
 * @example
 * await log.append({ kind: 'input_file', payload: await hashFile('access-2025-06-24.ndjson.gz') });
 */
export async function hashFile(path: string): Promise<InputFilePayload> {
  const h = createHash('sha256');
  let bytes = 0;
  try {
    const src = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
    for await (const chunk of src as AsyncIterable<Buffer>) {
      h.update(chunk);
      bytes += chunk.length;
    }
  } catch (e) {
    throw new BreachwatchError('ERR_INPUT_UNREADABLE', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  return { path, sha256: h.digest('hex'), bytes };
}

/**
 * SHA-256 (lower-case hex) of one request line: its UTF-8 bytes without the line terminator.
 * A trailing CR (of a CRLF file) is not part of the line.
 * @example
 * hashRequestLine('{"time":"2025-06-24T00:00:00Z",…}') // same as: sed -n 'Np' FILE | tr -d '\r\n' | sha256sum
 */
export function hashRequestLine(line: string | Uint8Array): string {
  let data = line;
  if (typeof data === 'string') {
    if (data.endsWith('\n')) data = data.slice(0, -1);
    if (data.endsWith('\r')) data = data.slice(0, -1);
  } else {
    let end = data.length;
    if (end > 0 && data[end - 1] === 0x0a) end--;
    if (end > 0 && data[end - 1] === 0x0d) end--;
    data = data.subarray(0, end);
  }
  return hash('sha256', data, 'hex');
}
