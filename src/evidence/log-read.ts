/**
 * Reading entries back: one entry by index (two offsets from `entries.idx`, then its bytes),
 * or a range streamed from the entries file, optionally only some kinds (a prefix test on the
 * canonical text, which always starts with its kind). Readers see committed entries only.
 */
import { createReadStream, readSync } from 'node:fs';
import { BreachwatchError } from '../model/index.js';
import type { EvidenceKind } from './kinds.js';

/** An entry's index and canonical text. */
export interface EntryText {
  readonly index: number;
  readonly text: string;
}

/** Which entries to read: indices `from`…`to` (both inclusive), of the given kinds (default all). */
export interface EntrySelection {
  readonly from?: number;
  readonly to?: number;
  readonly kinds?: readonly EvidenceKind[];
}

/** End offset (exclusive) of entry `index` in the entries file; 0 for index −1. */
export function entryEnd(offsetsFd: number, index: number): number {
  if (index < 0) return 0;
  const b = Buffer.allocUnsafe(8);
  if (readSync(offsetsFd, b, 0, 8, 8 * index) !== 8) throw new BreachwatchError('ERR_STATE', `entries.idx ends before entry ${index}`);
  return b.readUInt32LE(0) + b.readUInt32LE(4) * 0x1_0000_0000;
}

/** The canonical text of entry `index`. */
export function readEntryText(entriesFd: number, offsetsFd: number, index: number): string {
  const start = entryEnd(offsetsFd, index - 1);
  const end = entryEnd(offsetsFd, index);
  const b = Buffer.allocUnsafe(end - start);
  if (readSync(entriesFd, b, 0, b.length, start) !== b.length || b[b.length - 1] !== 0x0a) {
    throw new BreachwatchError('ERR_STATE', `entries.ndjson does not hold entry ${index} where entries.idx says`);
  }
  return b.toString('utf8', 0, b.length - 1);
}

/** A kind filter on canonical texts. */
function kindFilter(kinds: readonly EvidenceKind[] | undefined): (text: string) => boolean {
  if (kinds === undefined) return () => true;
  const prefixes = kinds.map((k) => `{"kind":"${k}"`);
  return (t) => prefixes.some((p) => t.startsWith(p));
}

/**
 * Streams the selected committed entries (`size` of them exist) in index order.
 * @example
 * for await (const e of readEntryTexts(path, fds.offsets, 100, { kinds: ['alert'] })) send(e.text);
 */
export async function* readEntryTexts(entriesPath: string, offsetsFd: number, size: number, sel: EntrySelection = {}): AsyncGenerator<EntryText> {
  const from = Math.max(0, sel.from ?? 0);
  const to = Math.min(size - 1, sel.to ?? size - 1);
  if (from > to) return;
  const keep = kindFilter(sel.kinds);
  const start = entryEnd(offsetsFd, from - 1);
  const end = entryEnd(offsetsFd, to);
  let index = from;
  let carry: Buffer | undefined;
  for await (const chunk of createReadStream(entriesPath, { start, end: end - 1, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let buf = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
    let pos = 0;
    for (let nl = buf.indexOf(0x0a, pos); nl >= 0; nl = buf.indexOf(0x0a, pos)) {
      const text = buf.toString('utf8', pos, nl);
      if (keep(text)) yield { index, text };
      index++;
      pos = nl + 1;
    }
    buf = buf.subarray(pos);
    carry = buf.length > 0 ? Buffer.from(buf) : undefined;
  }
  if (carry !== undefined || index !== to + 1) throw new BreachwatchError('ERR_STATE', `entries.ndjson holds ${index - from} entries where entries.idx says ${to + 1 - from}`);
}
