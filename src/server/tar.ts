/**
 * A streamed POSIX ustar archive of one flat folder (an evidence bundle): each file under
 * `<prefix>/`, read as a stream, so a bundle of millions of entries is sent without being
 * held in memory. `tar -xf` (GNU, BSD) extracts it; `evidence verify` then reads the folder.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BreachwatchError } from '../model/index.js';

const BLOCK = 512;

/** Writes `s` as ASCII into `buf` at `off`, within `len` bytes. */
function put(buf: Buffer, off: number, len: number, s: string): void {
  buf.write(s.slice(0, len), off, len, 'ascii');
}

/** An octal field of `len` bytes: digits, then NUL. */
function octal(buf: Buffer, off: number, len: number, n: number): void {
  put(buf, off, len, `${n.toString(8).padStart(len - 1, '0')}\0`);
}

/** The ustar header of a regular file. */
export function tarHeader(name: string, size: number, mtimeS: number): Buffer {
  if (Buffer.byteLength(name) > 100 || !/^[\x20-\x7e]+$/.test(name)) {
    throw new BreachwatchError('ERR_INTERNAL', `tar: name ${name.slice(0, 40)} is not a short ASCII path`);
  }
  const h = Buffer.alloc(BLOCK, 0);
  put(h, 0, 100, name);
  octal(h, 100, 8, 0o600);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, mtimeS);
  h.fill(0x20, 148, 156);
  put(h, 156, 1, '0');
  put(h, 257, 6, 'ustar\0');
  put(h, 263, 2, '00');
  let sum = 0;
  for (const b of h) sum += b;
  put(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

/** The archive of `files` (names inside `dir`) under `prefix/`. */
export async function tarFolder(dir: string, files: readonly string[], prefix: string): Promise<Readable> {
  const sizes = await Promise.all(files.map(async (f) => {
    const s = await stat(join(dir, f));
    return { f, size: s.size, mtime: Math.floor(s.mtimeMs / 1000) };
  }));
  async function* blocks(): AsyncGenerator<Buffer> {
    for (const { f, size, mtime } of sizes) {
      yield tarHeader(`${prefix}/${f}`, size, mtime);
      let sent = 0;
      for await (const chunk of createReadStream(join(dir, f), { end: Math.max(0, size - 1), highWaterMark: 1 << 20 })) {
        const b = chunk as Buffer;
        sent += b.length;
        if (size > 0) yield b;
      }
      // A file that changed size after stat would shift every later header.
      if (size > 0 && sent !== size) throw new BreachwatchError('ERR_STATE', `tar: ${f} changed while being archived`);
      const pad = (BLOCK - (size % BLOCK)) % BLOCK;
      if (pad > 0) yield Buffer.alloc(pad, 0);
    }
    yield Buffer.alloc(2 * BLOCK, 0);
  }
  return Readable.from(blocks(), { objectMode: false });
}
