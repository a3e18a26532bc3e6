/**
 * Reads an NDJSON file (plain, `.gz`, or `-` for stdin) as batches of lines. Lines are cut at
 * the byte level and decoded a chunk at a time; a chunk that is not valid UTF-8 is re-checked
 * line by line, so only the bad lines are reported (`bad_utf8`, never silently replaced).
 * A line over `maxLineBytes` is skipped up to its newline without being buffered
 * (`line_too_long`). A corrupt or truncated gzip stream, or a read error, ends the file with one
 * `bad_gzip` / `read_error` entry; it never throws once the file is open.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BreachwatchError } from '../model/index.js';

/** A line that could not be read as text. */
export interface BadLine {
  readonly line: number;
  readonly reason: 'line_too_long' | 'bad_utf8' | 'bad_gzip' | 'read_error';
  readonly message: string;
  readonly excerpt: string;
}

/**
 * Consecutive lines of one file: `texts[i]` is line `firstLine + i`. A line listed in `bad`
 * has `''` in `texts` and must be taken from `bad` instead.
 */
export interface LineBatch {
  readonly firstLine: number;
  readonly texts: readonly string[];
  /** Sorted by line. */
  readonly bad: readonly BadLine[];
  /** Bytes of the file (compressed, for `.gz`) read so far. */
  readonly bytesRead: number;
}

/** Reader settings. */
export interface ReadLinesOptions {
  /** Longest accepted line in bytes (default 1 MiB). */
  readonly maxLineBytes?: number;
  /** Lines per batch, roughly (default 2048). */
  readonly batchLines?: number;
  /**
   * Yield the complete lines of every chunk as soon as it is read (a live feed on stdin, whose
   * next chunk may be long in coming), not only once `batchLines` have gathered.
   */
  readonly eachChunk?: boolean;
}

const EXCERPT = 200;

/** A line is blank when it holds only whitespace. */
export function isBlank(s: string): boolean {
  return s.length === 0 || (s.charCodeAt(0) <= 32 && s.trim().length === 0);
}

function excerptOf(buf: Buffer): string {
  return buf.subarray(0, EXCERPT * 4).toString('utf8').slice(0, EXCERPT);
}

/** An open byte source: decompressed chunks, a probe for file bytes consumed, and close. */
interface Source {
  readonly stream: AsyncIterable<Buffer>;
  readonly gz: boolean;
  bytes(): number;
  close(): void;
}

/** Opens `file` (or stdin for `-`), gunzipping when it ends in `.gz`. */
function open(file: string): Source {
  const raw: Readable = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 });
  const close = (): void => { if (raw !== process.stdin) raw.destroy(); };
  if (!file.endsWith('.gz')) {
    let bytes = 0;
    const counted = async function* (): AsyncGenerator<Buffer> {
      for await (const c of raw as AsyncIterable<Buffer>) {
        bytes += c.length;
        yield c;
      }
    };
    return { stream: counted(), gz: false, bytes: () => bytes, close };
  }
  let bytes = 0;
  raw.on('data', (c: Buffer) => { bytes += c.length; });
  // 1 MiB out per call, as the plain reader reads: each chunk is one round trip to the zlib
  // thread and one pass of the line cutter, so fewer, larger chunks cost the JS thread less.
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  raw.on('error', (e) => gunzip.destroy(e));
  raw.pipe(gunzip);
  return { stream: gunzip as AsyncIterable<Buffer>, gz: true, bytes: () => bytes, close: () => { gunzip.destroy(); close(); } };
}

/** Whether a read error means the file could not be opened at all. */
function unopenable(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'EPERM';
}

/** Accumulates lines into batches; owns line numbering. */
class Batcher {
  line = 0;
  texts: string[] = [];
  bad: BadLine[] = [];
  firstLine = 1;

  text(s: string): void {
    this.line++;
    if (this.line === 1 && s.charCodeAt(0) === 0xfeff) s = s.slice(1); // byte-order mark
    this.texts.push(s.charCodeAt(s.length - 1) === 13 ? s.slice(0, -1) : s);
  }

  badLine(reason: BadLine['reason'], message: string, excerpt: string): void {
    this.line++;
    this.texts.push('');
    this.bad.push({ line: this.line, reason, message, excerpt });
  }

  /** Takes the first `n` lines (default: all) as a batch. */
  take(bytesRead: number, n = this.texts.length): LineBatch {
    const firstLine = this.firstLine;
    let texts = this.texts;
    let bad = this.bad;
    if (n < texts.length) {
      this.texts = texts.slice(n);
      texts = texts.slice(0, n);
      const cut = firstLine + n;
      this.bad = bad.filter((x) => x.line >= cut);
      bad = bad.filter((x) => x.line < cut);
    } else {
      this.texts = [];
      this.bad = [];
    }
    this.firstLine = firstLine + texts.length;
    return { firstLine, texts, bad, bytesRead };
  }
}

/** Emits the complete lines in `region` (no trailing newline) into the batcher. */
function emitRegion(b: Batcher, region: Buffer, maxLineBytes: number): void {
  // Pure ASCII (the usual log) decodes as Latin-1, the same text at under half the cost of
  // UTF-8 decoding; anything else must be valid UTF-8.
  const ascii = isAscii(region);
  if (ascii || isUtf8(region)) {
    const parts = region.toString(ascii ? 'latin1' : 'utf8').split('\n');
    for (const p of parts) {
      // UTF-16 length never exceeds byte length; only long-ish lines need an exact count.
      if (p.length * 3 > maxLineBytes && Buffer.byteLength(p) > maxLineBytes) {
        b.badLine('line_too_long', `line longer than ${maxLineBytes} bytes`, p.slice(0, EXCERPT));
      } else {
        b.text(p);
      }
    }
    return;
  }
  let start = 0;
  for (;;) {
    const nl = region.indexOf(10, start);
    const line = region.subarray(start, nl < 0 ? region.length : nl);
    if (line.length > maxLineBytes) b.badLine('line_too_long', `line longer than ${maxLineBytes} bytes`, excerptOf(line));
    else if (!isUtf8(line)) b.badLine('bad_utf8', 'line is not valid UTF-8', excerptOf(line));
    else b.text(line.toString('utf8'));
    if (nl < 0) return;
    start = nl + 1;
  }
}

/**
 * Reads `file` as batches of lines.
 * @example
 * for await (const b of readLines('access.ndjson.gz')) b.texts.forEach((t, i) => use(b.firstLine + i, t));
 */
export async function* readLines(file: string, opts: ReadLinesOptions = {}): AsyncGenerator<LineBatch> {
  const maxLineBytes = opts.maxLineBytes ?? 1 << 20;
  const batchLines = opts.batchLines ?? 2048;
  const src = open(file);
  const b = new Batcher();
  let carry: Buffer[] = [];
  let carryLen = 0;
  let skipping: string | undefined; // excerpt of an over-long line being skipped
  try {
    for await (const chunk of src.stream) {
      let start = 0;
      if (carryLen > 0 || skipping !== undefined) {
        const nl = chunk.indexOf(10);
        const end = nl < 0 ? chunk.length : nl;
        if (skipping === undefined && carryLen + end > maxLineBytes) {
          skipping = excerptOf(Buffer.concat([...carry, chunk.subarray(0, Math.min(end, EXCERPT * 4))]));
          carry = [];
          carryLen = 0;
        }
        if (nl < 0) {
          if (skipping === undefined) { carry.push(chunk); carryLen += chunk.length; }
          continue;
        }
        if (skipping !== undefined) b.badLine('line_too_long', `line longer than ${maxLineBytes} bytes`, skipping);
        else emitRegion(b, Buffer.concat([...carry, chunk.subarray(0, nl)]), maxLineBytes);
        skipping = undefined;
        carry = [];
        carryLen = 0;
        start = nl + 1;
      }
      const last = chunk.lastIndexOf(10);
      if (last >= start) {
        emitRegion(b, chunk.subarray(start, last), maxLineBytes);
        start = last + 1;
      }
      if (start < chunk.length) {
        const rest = chunk.subarray(start);
        if (rest.length > maxLineBytes) skipping = excerptOf(rest);
        else { carry.push(rest); carryLen = rest.length; }
      }
      while (b.texts.length >= batchLines) yield b.take(src.bytes(), batchLines);
      if (opts.eachChunk === true && b.texts.length > 0) yield b.take(src.bytes());
    }
  } catch (e) {
    if (b.line === 0 && unopenable(e)) {
      throw new BreachwatchError('ERR_INPUT_UNREADABLE', `${file}: cannot read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const reason = src.gz ? 'bad_gzip' : 'read_error';
    const why = e instanceof Error ? e.message : String(e);
    b.badLine(reason, `${reason === 'bad_gzip' ? 'corrupt or truncated gzip' : 'read failed'}: ${why}; rest of file skipped`,
      skipping ?? excerptOf(Buffer.concat(carry)));
    yield b.take(src.bytes());
    return;
  } finally {
    src.close();
  }
  if (skipping !== undefined) b.badLine('line_too_long', `line longer than ${maxLineBytes} bytes`, skipping);
  else if (carryLen > 0) emitRegion(b, Buffer.concat(carry), maxLineBytes);
  if (b.texts.length > 0) yield b.take(src.bytes());
}
