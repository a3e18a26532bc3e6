/**
 * The evidence log: an append-only RFC 9162 Merkle tree over canonical JSON entries, in one
 * directory, with one writer at a time. Appends are staged in commits ({@link Chunk}); a commit
 * is durable (fdatasync'd) before `head.json` names it, and `head.json` is what counts: after a
 * crash, anything past it is an uncommitted tail that opening the log resolves. Proofs and
 * reads see committed entries only. Open one with {@link openEvidenceLog}.
 */
import type { FileHandle } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { setImmediate as setImmediateP } from 'node:timers/promises';
import { join } from 'node:path';
import type { CryptoKey } from 'jose';
import { BreachwatchError, type Issue } from '../model/index.js';
import { signCheckpoint, verifyCheckpoint, type SignedCheckpoint } from './checkpoint.js';
import { Chunk, type DataFiles } from './chunk.js';
import { MAX_REJECTIONS_KEPT } from './defaults.js';
import { decodeEntry, encodeEntry, type NewEntry, type StoredEntry } from './entry.js';
import { fixedEntryText } from './entry-fixed.js';
import { LOG_FILES, LOG_VERSION, writeFileAtomic, type Head } from './files.js';
import type { PublicJwk } from './keys.js';
import type { RecoveryPayload } from './kinds.js';
import type { LogLock } from './lock.js';
import { readEntryText, readEntryTexts, type EntrySelection, type EntryText } from './log-read.js';
import { consistencyProof, inclusionProof, rangeHash } from './merkle.js';
import { TreeFile } from './tree-file.js';
import type { ChunkTree, TreeHasher } from './tree-hasher.js';

/**
 * Entries, and bytes staged, a batch encodes between turns of the event loop (where its
 * commits' I/O goes on: a commit takes about ten turns, and must end before the chunks go round).
 */
const YIELD_EVERY = 1024;
const YIELD_BYTES = 128 << 10;

/** The tree head: how many entries, and the root over them (lower-case hex). */
export interface TreeHead {
  readonly size: number;
  readonly root: string;
}

/** What one append did. */
export interface AppendResult extends TreeHead {
  /** Index of the appended entry. */
  readonly index: number;
}

/** An entry a batch refused, by its position in the batch (0-based). */
export interface Rejection {
  readonly position: number;
  readonly issues: readonly Issue[];
}

/** What one batch did. Entries are committed in order; refused ones are skipped, never half-written. */
export interface BatchResult extends TreeHead {
  /** Index of the batch's first appended entry (= the size before the batch). */
  readonly first: number;
  readonly appended: number;
  readonly rejected: number;
  /** The first {@link MAX_REJECTIONS_KEPT} refusals with their reasons. */
  readonly rejections: readonly Rejection[];
}

/** What commits cost: how many, and the wall time spent waiting for the tree hasher and for the disk. */
export interface CommitStats {
  commits: number;
  hashMs: number;
  writeMs: number;
}

/** Progress of a batch, after each commit. */
export type BatchProgress = (p: { appended: number; size: number }) => void;

/** Everything {@link openEvidenceLog} hands the log. */
export interface LogState {
  readonly dir: string;
  readonly logId: string;
  readonly readOnly: boolean;
  readonly publicJwk: PublicJwk;
  readonly privateKey: CryptoKey | undefined;
  readonly files: DataFiles;
  readonly checkpointsFile: FileHandle | undefined;
  readonly lock: LogLock | undefined;
  readonly head: Head;
  /** The writer's tree hasher (absent when read-only). */
  readonly hasher: TreeHasher | undefined;
  readonly now: () => Date;
}

/**
 * An open evidence log. Writers hold the directory's lock until {@link close}.
 * @example
 * const log = await openEvidenceLog('evidence/');
 * const { index } = await log.append({ kind: 'alert', payload: { id: alert.id, detector: alert.detector } });
 * const cp = await log.checkpoint();                 // signed {log_id, size, root, time}
 * const proof = log.inclusionProof(index, cp.checkpoint.size);
 * await log.close();
 */
/** One filled chunk on its way to disk (see the log's private commit). */
interface ChunkCommit {
  readonly c: Chunk;
  /** The hasher's answer for the chunk. */
  readonly hashed: Promise<ChunkTree>;
  /** The commit of the chunk before, which is written first. */
  readonly before: Promise<void> | undefined;
  /** The entries file's size once the chunk is in. */
  readonly entriesBytes: number;
  readonly onProgress: BatchProgress | undefined;
  /** The log's size when the batch began (progress counts from there). */
  readonly first: number;
}

export class EvidenceLog {
  /** The log's directory. */
  readonly dir: string;
  /** The log's id (in every checkpoint). */
  readonly logId: string;
  /** True when opened for reading only (no lock, no appends). */
  readonly readOnly: boolean;
  /** The public key checkpoints verify with (`kid` = RFC 7638 thumbprint). */
  readonly publicJwk: PublicJwk;
  /** What opening dropped and kept after a crash, when it had to (also recorded as a `log_recovered` entry). */
  recovery: RecoveryPayload | undefined;
  private head: Head;
  private readonly s: LogState;
  private queue: Promise<unknown> = Promise.resolve();
  private broken: Error | undefined;
  private closed = false;
  /** Commits staged, being hashed and being written at once (see appendMany). */
  private readonly chunks = [new Chunk(), new Chunk(), new Chunk()];
  private readonly counters: CommitStats = { commits: 0, hashMs: 0, writeMs: 0 };

  /** Use {@link openEvidenceLog}. */
  constructor(state: LogState) {
    this.s = state;
    this.dir = state.dir;
    this.logId = state.logId;
    this.readOnly = state.readOnly;
    this.publicJwk = state.publicJwk;
    this.head = state.head;
  }

  /** Committed entries. */
  get size(): number {
    return this.head.size;
  }

  /** The committed tree head. */
  treeHead(): TreeHead {
    return { size: this.head.size, root: this.head.root };
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed) throw new BreachwatchError('ERR_STATE', 'evidence log is closed');
      if (this.broken !== undefined) throw new BreachwatchError('ERR_STATE', `evidence log stopped after a failed write (${this.broken.message}); reopen it`, { cause: this.broken });
      return f();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private writable(): void {
    if (this.readOnly) throw new BreachwatchError('ERR_STATE', `evidence log ${this.dir} is open read-only`);
  }

  /**
   * Appends one entry and returns its index and the new head. Throws ERR_INPUT_INVALID when
   * the entry has no canonical form (the reason names the field).
   */
  async append(entry: NewEntry): Promise<AppendResult> {
    const r = await this.appendMany([entry]);
    if (r.appended !== 1) {
      const i = r.rejections[0]?.issues[0];
      throw new BreachwatchError('ERR_INPUT_INVALID', `evidence entry refused: ${i?.message ?? 'invalid'}${i?.path !== undefined ? ` at ${i.path}` : ''}`);
    }
    return { index: r.first, size: r.size, root: r.root };
  }

  /**
   * Appends entries in order, committing every few MiB (write, fdatasync, new head), so memory
   * stays flat however many there are; entries without a time get the time of their commit.
   * Refused entries are skipped and reported by position; the others are appended.
   */
  appendMany(entries: Iterable<NewEntry> | AsyncIterable<NewEntry>, onProgress?: BatchProgress): Promise<BatchResult> {
    return this.serial(async () => {
      this.writable();
      const first = this.head.size;
      const rejections: Rejection[] = [];
      let rejected = 0;
      let position = 0;
      let now = this.s.now().toISOString();
      // Chunks go round: each is filled, handed to the hasher at once (it hashes them in turn), and
      // written after the one before it; a chunk is filled again only once it is written.
      let k = 0;
      let chunk = this.chunks[0]!;
      const done: (Promise<void> | undefined)[] = this.chunks.map(() => undefined);
      let last: Promise<void> | undefined;
      let total = this.head.entries_bytes;
      const commit = async (): Promise<void> => {
        const c = chunk;
        const hashed = this.s.hasher!.hash(c, total - (c.used - 1));
        hashed.catch(() => undefined); // awaited in order by the write below
        last = this.commit({ c, hashed, before: last, entriesBytes: total, onProgress, first });
        last.catch(() => undefined); // awaited before the chunk is reused, and at the end
        done[k] = last;
        k = (k + 1) % this.chunks.length;
        chunk = this.chunks[k]!;
        const free = done[k];
        if (free !== undefined) await free;
        now = this.s.now().toISOString();
      };
      const stage = (e: NewEntry): void => {
        position++;
        // The shapes appended by the million are spelled by fixedEntryText; the rest, and anything
        // odd in those, go through the canonicaliser (which also says what is wrong).
        let text = fixedEntryText(e, now);
        if (text === undefined) {
          const r = encodeEntry(e, now);
          if (!r.ok) {
            if (rejected++ < MAX_REJECTIONS_KEPT) rejections.push({ position: position - 1, issues: r.issues });
            return;
          }
          text = r.value;
        }
        total += chunk.add(text);
      };
      const step = (e: NewEntry): Promise<void> | undefined => {
        if (chunk.full) return commit().then(() => stage(e));
        stage(e);
        return undefined;
      };
      // A commit's writes and fsyncs advance in callbacks on this thread: encoding yields to
      // them every YIELD_EVERY entries or YIELD_BYTES staged, or a commit would take one step
      // per chunk filled.
      let sinceYield = 0;
      let yieldAt = total + YIELD_BYTES;
      const due = (): boolean => {
        if (++sinceYield < YIELD_EVERY && total < yieldAt) return false;
        sinceYield = 0;
        yieldAt = total + YIELD_BYTES;
        return true;
      };
      if (Symbol.asyncIterator in entries) {
        for await (const e of entries) {
          await step(e);
          if (due()) await setImmediateP();
        }
      } else {
        // A plain loop: `for await` over a plain iterable would cost a microtask per entry.
        for (const e of entries) {
          const p = step(e);
          if (p !== undefined) await p;
          if (due()) await setImmediateP();
        }
      }
      if (chunk.count > 0) await commit();
      if (last !== undefined) await last;
      return { first, appended: this.head.size - first, rejected, rejections, size: this.head.size, root: this.head.root };
    });
  }

  /**
   * Writes chunk `c` once the commit before it (`before`) is written and the hasher has
   * answered for `c` (`hashed`): entries, offsets and tree hashes made durable, then the new head.
   */
  private async commit(w: ChunkCommit): Promise<void> {
    const { c, hashed, before, entriesBytes, onProgress, first } = w;
    let head: Head;
    try {
      if (before !== undefined) await before;
      const t0 = performance.now();
      const t = await hashed;
      const t1 = performance.now();
      head = { v: LOG_VERSION, size: t.size, entries_bytes: entriesBytes, root: t.root };
      await this.s.lock?.check();
      await c.write(this.s.files, t.treeBytes);
      await writeFileAtomic(join(this.dir, LOG_FILES.head), JSON.stringify(head) + '\n');
      this.counters.commits++;
      this.counters.hashMs += t1 - t0;
      this.counters.writeMs += performance.now() - t1;
    } catch (e) {
      this.broken = e instanceof Error ? e : new Error(String(e));
      throw e;
    }
    this.head = head;
    onProgress?.({ appended: head.size - first, size: head.size });
  }

  /** Signs a checkpoint of the committed head and appends it to `checkpoints.ndjson`. */
  checkpoint(): Promise<SignedCheckpoint> {
    return this.serial(async () => {
      this.writable();
      const key = this.s.privateKey;
      if (key === undefined) throw new BreachwatchError('ERR_STATE', `evidence log ${this.dir} has no signing key here (give it with --key)`);
      const cp = await signCheckpoint({ v: 1, log_id: this.logId, size: this.head.size, root: this.head.root, time: this.s.now().toISOString() }, key, this.publicJwk.kid);
      const fh = this.s.checkpointsFile!;
      await fh.appendFile(cp.jws + '\n');
      await fh.datasync();
      return cp;
    });
  }

  /**
   * Every checkpoint signed so far (up to the committed size), oldest first, each verified
   * against the log's key. A last line without its newline (a crash while signing) is ignored.
   */
  checkpoints(): Promise<SignedCheckpoint[]> {
    return this.serial(async () => {
      const lines = (await readFile(join(this.dir, LOG_FILES.checkpoints), 'utf8')).split('\n');
      lines.pop(); // '' after the last newline, or a torn line
      const out: SignedCheckpoint[] = [];
      for (const [i, line] of lines.entries()) {
        const v = await verifyCheckpoint(line, this.publicJwk);
        if (!v.ok) throw new BreachwatchError('ERR_STATE', `checkpoints.ndjson:${i + 1}: ${v.issues[0]?.message ?? 'invalid'}`);
        if (v.value.checkpoint.size <= this.head.size) out.push(v.value);
      }
      return out;
    });
  }

  private tree(size: number): TreeFile {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.head.size) {
      throw new BreachwatchError('ERR_USAGE', `tree size ${size} is not between 0 and the log's size ${this.head.size}`);
    }
    return new TreeFile(this.s.files.tree.fd, size);
  }

  /** The inclusion proof of entry `index` in the tree of size `treeSize` (default: committed size). */
  inclusionProof(index: number, treeSize = this.head.size): Buffer[] {
    if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize) throw new BreachwatchError('ERR_USAGE', `no entry ${index} in a tree of size ${treeSize}`);
    return inclusionProof(this.tree(treeSize), index, treeSize);
  }

  /** The consistency proof from the tree of size `from` to the tree of size `to` (default: committed size). */
  consistencyProof(from: number, to = this.head.size): Buffer[] {
    if (!Number.isSafeInteger(from) || from < 0 || from > to) throw new BreachwatchError('ERR_USAGE', `no consistency proof from size ${from} to ${to}`);
    return consistencyProof(this.tree(to), from, to);
  }

  /** The root of the tree of the first `size` entries (any size up to the committed one). */
  rootAt(size: number): Buffer {
    return rangeHash(this.tree(size), 0, size);
  }

  /** The leaf hash of entry `index`, as stored. */
  leafHash(index: number): Buffer {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.head.size) throw new BreachwatchError('ERR_USAGE', `no entry ${index} in a log of size ${this.head.size}`);
    return this.tree(this.head.size).perfect(0, index);
  }

  /** Entry `index`. */
  get(index: number): StoredEntry {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.head.size) throw new BreachwatchError('ERR_USAGE', `no entry ${index} in a log of size ${this.head.size}`);
    const text = readEntryText(this.s.files.entries.fd, this.s.files.offsets.fd, index);
    const e = decodeEntry(text);
    if (!e.ok) throw new BreachwatchError('ERR_STATE', `entry ${index} on disk: ${e.issues[0]?.message ?? 'invalid'}`);
    return { index, ...e.value };
  }

  /** The selected entries' canonical texts, in order (what export and hashing need). */
  entryTexts(sel: EntrySelection = {}): AsyncGenerator<EntryText> {
    return readEntryTexts(join(this.dir, LOG_FILES.entries), this.s.files.offsets.fd, this.head.size, sel);
  }

  /** The selected entries, parsed, in order. */
  async* entries(sel: EntrySelection = {}): AsyncGenerator<StoredEntry> {
    for await (const { index, text } of this.entryTexts(sel)) {
      const e = decodeEntry(text);
      if (!e.ok) throw new BreachwatchError('ERR_STATE', `entry ${index} on disk: ${e.issues[0]?.message ?? 'invalid'}`);
      yield { index, ...e.value };
    }
  }

  /** Commits so far and the time they spent hashing (on the hasher's thread) and writing (for benchmarks and metrics). */
  stats(): CommitStats {
    return { ...this.counters };
  }

  /** The private key, for signing what is exported from this log (bundle manifests). */
  signingKey(): CryptoKey | undefined {
    return this.s.privateKey;
  }

  /** Waits for pending work, closes the files and releases the lock. */
  async close(): Promise<void> {
    await this.queue;
    if (this.closed) return;
    this.closed = true;
    const f = this.s.files;
    await Promise.all([f.entries.close(), f.offsets.close(), f.tree.close(), this.s.checkpointsFile?.close(), this.s.hasher?.close()]);
    await this.s.lock?.release();
  }
}
