// Tests for the line reader: plain/gz, CRLF, over-long lines, bad UTF-8, truncated gzip.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isBreachwatchError } from '../model/index.js';
import type { BadLine } from './lines.js';
import { readLines } from './lines.js';

const dir = mkdtempSync(join(tmpdir(), 'bw-lines-'));
const write = (name: string, data: string | Buffer): string => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};

async function collect(file: string, opts = {}): Promise<{ lines: Map<number, string>; bad: BadLine[]; total: number }> {
  const lines = new Map<number, string>();
  const bad: BadLine[] = [];
  let total = 0;
  for await (const b of readLines(file, opts)) {
    expect(b.firstLine).toBe(total + 1);
    b.texts.forEach((t, i) => lines.set(b.firstLine + i, t));
    total += b.texts.length;
    bad.push(...b.bad);
  }
  for (const x of bad) lines.delete(x.line);
  return { lines, bad, total };
}

describe('readLines', () => {
  const text = 'a\r\n{"b":1}\n\nlast-without-newline';

  it('reads plain and gzip files to the same numbered lines', async () => {
    const plain = await collect(write('p.ndjson', text));
    const gz = await collect(write('p.ndjson.gz', gzipSync(text)));
    expect([...plain.lines]).toEqual([[1, 'a'], [2, '{"b":1}'], [3, ''], [4, 'last-without-newline']]);
    expect(gz).toEqual(plain);
  });

  it('reads ASCII and multi-byte UTF-8 regions to the same text as a whole-file UTF-8 decode', async () => {
    const ascii = Array.from({ length: 30_000 }, (_, i) => `{"i":${i},"ua":"Mozilla/5.0 (X11; Linux x86_64)"}`);
    const multi = ['{"ua":"Ünïcødé/1.0 (日本語)"}', '{"e":"😀"}', '{"latin1-looking":"café ÿ"}'];
    // Read chunks are 1 MiB: the ASCII block fills whole chunks, then chunks mix both kinds.
    const all = [...ascii, ...multi, ...ascii.slice(0, 100), ...multi];
    const r = await collect(write('mixed.ndjson', all.join('\n') + '\n'));
    expect(r.bad).toEqual([]);
    expect([...r.lines.values()]).toEqual(readFileSync(join(dir, 'mixed.ndjson'), 'utf8').split('\n').slice(0, -1));
  });

  it('drops a byte-order mark at the start of the file', async () => {
    const r = await collect(write('bom.ndjson', '\ufeff{"a":1}\n\ufeffx'));
    expect([...r.lines]).toEqual([[1, '{"a":1}'], [2, '\ufeffx']]);
  });

  it('reports an over-long line and keeps reading after it', async () => {
    const long = 'x'.repeat(300);
    const r = await collect(write('long.ndjson', `ok\n${long}\nnext\n`), { maxLineBytes: 100 });
    expect(r.bad).toEqual([{ line: 2, reason: 'line_too_long', message: 'line longer than 100 bytes', excerpt: 'x'.repeat(200) }]);
    expect([...r.lines]).toEqual([[1, 'ok'], [3, 'next']]);
  });

  it('skips a line longer than a read chunk without buffering it', async () => {
    const huge = '{"x":"' + 'y'.repeat(3 << 20) + '"}';
    const r = await collect(write('huge.ndjson', `first\n${huge}\nafter`));
    expect(r.bad.map((b) => [b.line, b.reason, b.excerpt.length])).toEqual([[2, 'line_too_long', 200]]);
    expect([...r.lines]).toEqual([[1, 'first'], [3, 'after']]);
  });

  it('reports invalid UTF-8 per line, without replacing characters', async () => {
    const data = Buffer.concat([Buffer.from('good é\n'), Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]), Buffer.from('also good\n')]);
    const r = await collect(write('utf8.ndjson', data));
    expect(r.bad.map((b) => [b.line, b.reason])).toEqual([[2, 'bad_utf8']]);
    expect([...r.lines]).toEqual([[1, 'good é'], [3, 'also good']]);
  });

  it('ends a truncated gzip file with one bad_gzip entry, keeping the lines before it', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `{"n":${i},"pad":"${'z'.repeat(i % 50)}"}`).join('\n');
    const gz = gzipSync(lines);
    const r = await collect(write('cut.ndjson.gz', gz.subarray(0, gz.length - 200)));
    expect(r.bad).toHaveLength(1);
    expect(r.bad[0]!.reason).toBe('bad_gzip');
    expect(r.bad[0]!.line).toBe(r.total);
    expect(r.total).toBeLessThan(5000);
    for (const [n, t] of r.lines) expect(JSON.parse(t)).toMatchObject({ n: n - 1 });
  });

  it('reports a file that is not gzip at all as bad_gzip', async () => {
    const r = await collect(write('fake.ndjson.gz', 'plain text\n'));
    expect(r.bad.map((b) => [b.line, b.reason])).toEqual([[1, 'bad_gzip']]);
  });

  it('throws ERR_INPUT_UNREADABLE for a missing file', async () => {
    const e: unknown = await collect(join(dir, 'missing.ndjson')).catch((x: unknown) => x);
    expect(isBreachwatchError(e, 'ERR_INPUT_UNREADABLE')).toBe(true);
  });

  it('yields batches of about batchLines lines', async () => {
    const p = write('many.ndjson', Array.from({ length: 10_000 }, (_, i) => String(i)).join('\n'));
    const sizes: number[] = [];
    for await (const b of readLines(p, { batchLines: 1000 })) sizes.push(b.texts.length);
    expect(readFileSync(p, 'utf8').length).toBeLessThan(1 << 20); // one read chunk, split by size
    expect(sizes).toEqual(Array.from({ length: 10 }, () => 1000));
  });
});
