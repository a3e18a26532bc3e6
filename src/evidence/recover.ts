/**
 * After a crash: the files may run past the last commit (`head.json`). The offsets and tree
 * files are cut back to the commit and rebuilt; in the entries file, every whole entry after
 * the commit point (a canonical line with its newline) is kept and appended again, in order,
 * and the first torn or unreadable line ends what is kept. What was kept and dropped (with
 * the dropped bytes' SHA-256) is itself recorded as a `log_recovered` entry, so the repair is
 * part of the evidence, never silent.
 */
import { createHash } from 'node:crypto';
import { BreachwatchError } from '../model/index.js';
import type { DataFiles } from './chunk.js';
import { decodeEntry, type NewEntry } from './entry.js';
import { HASH_BYTES } from './merkle.js';
import type { Head } from './files.js';
import type { RecoveryPayload } from './kinds.js';
import type { EvidenceLog } from './log.js';
import { storedNodes } from './tree-file.js';

/** Splits the bytes past the commit into whole valid entries and the dropped rest. */
function splitTail(tail: Buffer): { kept: NewEntry[]; dropped: Buffer } {
  const kept: NewEntry[] = [];
  let pos = 0;
  for (let nl = tail.indexOf(0x0a); nl >= 0; nl = tail.indexOf(0x0a, pos)) {
    const e = decodeEntry(tail.toString('utf8', pos, nl));
    if (!e.ok) break;
    kept.push(e.value);
    pos = nl + 1;
  }
  return { kept, dropped: tail.subarray(pos) };
}

/** Resolves the uncommitted tail of a log opened for writing; returns what it did. */
export async function resolveTail(log: EvidenceLog, files: DataFiles, head: Head): Promise<RecoveryPayload> {
  const { size } = await files.entries.stat();
  const tail = Buffer.alloc(size - head.entries_bytes);
  const { bytesRead } = await files.entries.read(tail, 0, tail.length, head.entries_bytes);
  if (bytesRead !== tail.length) throw new BreachwatchError('ERR_STATE', `could not read the uncommitted tail of ${log.dir}`);
  await files.entries.truncate(head.entries_bytes);
  await files.offsets.truncate(8 * head.size);
  await files.tree.truncate(HASH_BYTES * storedNodes(head.size));
  await Promise.all([files.entries.sync(), files.offsets.sync(), files.tree.sync()]);
  const { kept, dropped } = splitTail(tail);
  if (kept.length > 0) await log.appendMany(kept);
  const payload: RecoveryPayload = {
    committed_size: head.size,
    kept_entries: kept.length,
    dropped_bytes: dropped.length,
    dropped_sha256: createHash('sha256').update(dropped).digest('hex'),
  };
  await log.append({ kind: 'log_recovered', payload });
  return payload;
}
