/**
 * The commit journal: every group commit is first appended here (one NDJSON line, fdatasync'd),
 * and acknowledged once on disk; the store receives the commit's rows in the background. After
 * a crash it holds what the checkpoint and the store may lack: the committed events the restored
 * engine has not seen yet (those after the checkpoint's `seq`), and the commits the store does
 * not hold yet (those after the store's `lastCommittedSeq`). Every record carries the format
 * version `v`; a record of another version is refused, never guessed at.
 * Segments are rotated at each checkpoint and deleted once a checkpoint covers them, so the
 * journal holds only the last few seconds of traffic, never history.
 */
import { open, readdir, readFile, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { AccessEvent, LedgerEvent } from '../model/index.js';
import { BreachwatchError } from '../model/index.js';
import { parseAccessLine } from '../ingest/index.js';

/** Events of one source inside a commit. */
export interface CommitGroup {
  readonly source: string;
  /** Delivery id, when the channel has one (JetStream). */
  readonly key?: string;
  readonly access: readonly AccessEvent[];
  readonly ledger: readonly LedgerEvent[];
}

/** One group commit. */
export interface JournalRecord {
  /** The commit's sequence number, also the store's (`StoreCommit.seq`). */
  readonly seq: number;
  readonly groups: readonly CommitGroup[];
}

/** Format version of journal records (2: the store reports its seq; no row counts). */
export const JOURNAL_VERSION = 2;

const PREFIX = 'journal-';

function accessItem(e: AccessEvent): string {
  // A verbatim source line is stored as is; anything else as the event object.
  return e.raw !== undefined
    ? '{"f":' + JSON.stringify(e.ref.file) + ',"l":' + e.ref.line
      + (e.ref.feed !== undefined ? ',"d":' + JSON.stringify(e.ref.feed) : '') + ',"e":' + e.raw + '}'
    : '{"o":' + JSON.stringify(e) + '}';
}

/** Serializes a record as one line (no JSON.stringify of raw lines). */
export function encodeRecord(r: JournalRecord): string {
  const groups = r.groups.map((g) => '{"s":' + JSON.stringify(g.source)
    + (g.key !== undefined ? ',"k":' + JSON.stringify(g.key) : '') + ',"a":[' + g.access.map(accessItem).join(',')
    + '],"l":' + JSON.stringify(g.ledger) + '}');
  return '{"v":' + JOURNAL_VERSION + ',"seq":' + r.seq + ',"g":[' + groups.join(',') + ']}\n';
}

interface RawItem { f?: string; l?: number; d?: string; e?: unknown; o?: AccessEvent }
interface RawRecord { v?: unknown; seq: number; g: { s: string; k?: string; a: RawItem[]; l: LedgerEvent[] }[] }

/**
 * Parses one journal line; `undefined` for a torn (partially written) line. A whole record of
 * another format version throws ERR_STATE.
 */
export function decodeRecord(line: string): JournalRecord | undefined {
  let r: RawRecord;
  try {
    r = JSON.parse(line) as RawRecord;
  } catch {
    return undefined;
  }
  if (r.v !== JOURNAL_VERSION) {
    throw new BreachwatchError('ERR_STATE',
      `journal record ${String(r.seq)} has format version ${JSON.stringify(r.v ?? 1)}; this build reads version ${JOURNAL_VERSION} (stop the old build cleanly, or remove the state folder's live/ journal)`);
  }
  const groups = r.g.map((g) => ({
    source: g.s,
    ...(g.k !== undefined && { key: g.k }),
    ledger: g.l,
    access: g.a.flatMap((i): AccessEvent[] => {
      if (i.o !== undefined) return [i.o];
      const ref = { file: i.f ?? 'journal', line: i.l ?? 0 };
      const p = parseAccessLine(JSON.stringify(i.e), i.d === undefined ? ref : { ...ref, feed: i.d });
      return p.ok ? [p.value] : [];
    }),
  }));
  return { seq: r.seq, groups };
}

/** Append-only, segmented, fsync'd journal in `dir`. */
export class Journal {
  private fh: FileHandle | undefined;

  constructor(private readonly dir: string) {}

  private async segments(): Promise<{ first: number; path: string }[]> {
    const names = (await readdir(this.dir)).filter((n) => n.startsWith(PREFIX) && n.endsWith('.ndjson'));
    return names.map((n) => ({ first: Number(n.slice(PREFIX.length, -7)), path: join(this.dir, n) }))
      .filter((s) => Number.isSafeInteger(s.first)).sort((a, b) => a.first - b.first);
  }

  /** Every intact record with `seq > after`, in order (stops at the first torn line). */
  async readAfter(after: number): Promise<JournalRecord[]> {
    const out: JournalRecord[] = [];
    for (const s of await this.segments()) {
      const text = await readFile(s.path, 'utf8');
      for (const line of text.split('\n')) {
        if (line === '') continue;
        const r = decodeRecord(line);
        if (r === undefined) return out;
        if (r.seq > after) out.push(r);
      }
    }
    return out;
  }

  /**
   * Starts a new segment whose first record will be `nextSeq` and deletes every older one.
   * Call only right after a checkpoint that covers every record before `nextSeq`.
   */
  async rotate(nextSeq: number): Promise<void> {
    await this.fh?.close();
    const old = await this.segments();
    const name = `${PREFIX}${String(nextSeq).padStart(12, '0')}.ndjson`;
    this.fh = await open(join(this.dir, name), 'a');
    for (const s of old) if (s.path !== join(this.dir, name)) await rm(s.path, { force: true });
  }

  /** Appends one record and waits until it is on disk. */
  async append(r: JournalRecord): Promise<void> {
    if (this.fh === undefined) throw new Error('journal not open');
    await this.fh.write(encodeRecord(r));
    await this.fh.datasync();
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = undefined;
  }
}
