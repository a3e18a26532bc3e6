/**
 * Buffered file output with backpressure: callers hand over large string chunks (1–4 MB),
 * optionally gzip-compressed on the way (zlib runs off the main thread).
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createGzip, type Gzip } from 'node:zlib';

/** Chunk size callers aim for before writing. */
export const CHUNK_CHARS = 2 * 1024 * 1024;

/** One output file, written in big chunks. */
export class ChunkFile {
  private readonly file: WriteStream;
  private readonly head: WriteStream | Gzip;
  private buf = '';
  private done: Promise<void>;
  /** Bytes of text handed over (before compression). */
  chars = 0;

  constructor(readonly path: string, gzip: boolean) {
    this.file = createWriteStream(path, { highWaterMark: 64 * 1024 * 1024 });
    this.done = once(this.file, 'close').then(() => undefined);
    // Keep the promise from being reported as unhandled if the stream errors before close().
    this.done.catch(() => undefined);
    if (gzip) {
      const z = createGzip({ level: 4 });
      z.pipe(this.file);
      this.head = z;
    } else {
      this.head = this.file;
    }
  }

  /** Appends text; writes once the buffer passes {@link CHUNK_CHARS}. */
  async append(s: string): Promise<void> {
    this.buf += s;
    if (this.buf.length >= CHUNK_CHARS) await this.flush();
  }

  /** Writes whatever is buffered, waiting for the stream to drain when it asks to. */
  async flush(): Promise<void> {
    if (this.buf.length === 0) return;
    const s = this.buf;
    this.buf = '';
    this.chars += s.length;
    if (!this.head.write(s)) await once(this.head, 'drain');
  }

  /**
   * Writes a buffer now (after anything buffered), waiting for drain when asked to;
   * `done` runs once the stream no longer needs the buffer (so it can be reused).
   */
  async writeBuffer(b: Buffer, done?: () => void): Promise<void> {
    await this.flush();
    this.chars += b.length;
    if (!this.head.write(b, done)) await once(this.head, 'drain');
  }

  /** Flushes and closes; resolves when the file is on disk. */
  async close(): Promise<void> {
    await this.flush();
    this.head.end();
    await this.done;
  }
}
