/**
 * Opening (or creating) an evidence log directory. Creation writes `log.json` last, so a
 * directory without it is either empty, a creation cut short (started again), or not a log
 * (refused). Opening checks the files against the last commit (`head.json`): a file shorter
 * than the commit means data was lost and the log is refused (ERR_STATE), never repaired in
 * silence; a file longer than it is an uncommitted tail from a crash, which a writer resolves
 * ({@link resolveTail}). Readers simply ignore it.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, open, readdir, readFile, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { BreachwatchError } from '../model/index.js';
import type { DataFiles } from './chunk.js';
import { CompactRange } from './compact-range.js';
import { DIR_MODE, FILE_MODE, HeadSchema, LOG_FILES, LOG_VERSION, LogMetaSchema, syncDir, writeFileAtomic, type Head, type LogMeta } from './files.js';
import { generateLogKey, givenLogKey, loadPrivateKey, publicJwkOf, type LogKey } from './keys.js';
import { acquireLock, type LogLock } from './lock.js';
import { EvidenceLog } from './log.js';
import { EMPTY_ROOT, HASH_BYTES, leafHash } from './merkle.js';
import { resolveTail } from './recover.js';
import { storedNodes, TreeFile } from './tree-file.js';
import { TreeHasher } from './tree-hasher.js';
import { readEntryText } from './log-read.js';

/** How to open a log. */
export interface OpenLogOptions {
  /** Read only: no lock, no appends, no repairs (default false). Fails if there is no log. */
  readonly readOnly?: boolean;
  /**
   * The signing key, a private Ed25519 JWK. Without it, a new log generates one into its
   * directory (`signing-key.jwk.json`, 0600) and an existing log uses that file if present.
   */
  readonly signingKey?: JWK;
  /** The wall clock (tests freeze it). */
  readonly now?: () => Date;
}

const KNOWN = new Set<string>(Object.values(LOG_FILES).flatMap((f) => [f, `${f}.tmp`]));

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8')) as unknown;
}

function damaged(dir: string, what: string): BreachwatchError {
  return new BreachwatchError('ERR_STATE', `evidence log ${dir} is damaged: ${what}; it is left as it is for examination`);
}

/** What is in `dir`: 'absent', 'empty', 'partial' (a creation cut short), 'log', or 'foreign'. */
async function survey(dir: string): Promise<'absent' | 'empty' | 'partial' | 'log' | 'foreign'> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw new BreachwatchError('ERR_INPUT_UNREADABLE', `cannot read evidence log directory ${dir}: ${(e as Error).message}`, { cause: e });
  }
  if (names.includes(LOG_FILES.meta)) return 'log';
  if (names.length === 0) return 'empty';
  if (!names.every((n) => KNOWN.has(n) || n.startsWith(`${LOG_FILES.lock}.stale-`))) return 'foreign';
  const entries = await stat(join(dir, LOG_FILES.entries)).catch(() => undefined);
  return entries === undefined || entries.size === 0 ? 'partial' : 'foreign';
}

/** Creates the log's files in `dir` (the caller holds the lock); `log.json` last. */
async function create(dir: string, opts: OpenLogOptions): Promise<void> {
  const key: LogKey = opts.signingKey !== undefined ? await givenLogKey(opts.signingKey) : await generateLogKey(join(dir, LOG_FILES.privateKey));
  await writeFileAtomic(join(dir, LOG_FILES.publicKey), JSON.stringify(key.publicJwk, null, 2) + '\n');
  for (const f of [LOG_FILES.entries, LOG_FILES.offsets, LOG_FILES.tree, LOG_FILES.checkpoints]) {
    await (await open(join(dir, f), 'w', FILE_MODE)).close();
  }
  const head: Head = { v: LOG_VERSION, size: 0, entries_bytes: 0, root: EMPTY_ROOT.toString('hex') };
  await writeFileAtomic(join(dir, LOG_FILES.head), JSON.stringify(head) + '\n');
  const meta: LogMeta = { v: LOG_VERSION, log_id: `bw-${randomUUID()}`, created: (opts.now ?? (() => new Date()))().toISOString(), kid: key.publicJwk.kid, hash: 'sha256', tree: 'rfc9162', canonical: 'rfc8785' };
  await writeFileAtomic(join(dir, LOG_FILES.meta), JSON.stringify(meta, null, 2) + '\n');
  await syncDir(dir);
}

async function keyOf(dir: string, meta: LogMeta, opts: OpenLogOptions): Promise<LogKey> {
  const pub = await publicJwkOf(await readJson(join(dir, LOG_FILES.publicKey)) as JWK);
  if (pub.kid !== meta.kid) throw damaged(dir, `public.jwk.json is key ${pub.kid}, log.json names ${meta.kid}`);
  const key = opts.signingKey !== undefined ? await givenLogKey(opts.signingKey) : await loadPrivateKey(join(dir, LOG_FILES.privateKey));
  if (key !== undefined && key.publicJwk.kid !== meta.kid) {
    throw new BreachwatchError('ERR_STATE', `the signing key given (${key.publicJwk.kid}) is not this log's key (${meta.kid})`);
  }
  return key ?? { publicJwk: pub };
}

async function openData(dir: string, readOnly: boolean): Promise<DataFiles> {
  const flag = readOnly ? 'r' : 'a+';
  const [entries, offsets, tree] = await Promise.all([LOG_FILES.entries, LOG_FILES.offsets, LOG_FILES.tree].map((f) => open(join(dir, f), flag, FILE_MODE)));
  return { entries: entries!, offsets: offsets!, tree: tree! };
}

/** Checks the files against the commit; returns whether any holds an uncommitted tail. */
async function checkAgainstHead(dir: string, files: DataFiles, head: Head): Promise<boolean> {
  const want: [string, FileHandle, number][] = [
    [LOG_FILES.entries, files.entries, head.entries_bytes],
    [LOG_FILES.offsets, files.offsets, 8 * head.size],
    [LOG_FILES.tree, files.tree, HASH_BYTES * storedNodes(head.size)],
  ];
  let tail = false;
  for (const [name, fh, bytes] of want) {
    const { size } = await fh.stat();
    if (size < bytes) throw damaged(dir, `${name} has ${size} bytes, the last commit needs ${bytes} (data was lost or removed)`);
    tail ||= size > bytes;
  }
  return tail;
}

/** Cuts a torn last line (a crash while signing a checkpoint) off `checkpoints.ndjson`. */
async function trimCheckpoints(path: string): Promise<void> {
  const text = await readFile(path);
  if (text.length === 0 || text[text.length - 1] === 0x0a) return;
  const fh = await open(path, 'r+');
  try { await fh.truncate(text.lastIndexOf(0x0a) + 1); await fh.sync(); } finally { await fh.close(); }
}

function loadRange(dir: string, files: DataFiles, head: Head): CompactRange {
  const range = CompactRange.load(new TreeFile(files.tree.fd, head.size), head.size);
  if (range.root().toString('hex') !== head.root) throw damaged(dir, 'tree.bin does not give the root head.json names');
  if (head.size > 0) {
    const last = readEntryText(files.entries.fd, files.offsets.fd, head.size - 1);
    if (!leafHash(Buffer.from(last)).equals(new TreeFile(files.tree.fd, head.size).perfect(0, head.size - 1))) {
      throw damaged(dir, `entry ${head.size - 1} does not match its leaf hash`);
    }
  }
  return range;
}

/**
 * Opens the evidence log in `dir`, creating it (0700) when `dir` is absent or empty. A writer
 * takes the directory's lock (ERR_STATE if another live writer holds it) and, after a crash,
 * keeps the whole entries past the last commit, drops a torn tail and records both in a
 * `log_recovered` entry.
 * @example
 * const log = await openEvidenceLog('/var/lib/breachwatch/evidence');
 * await log.appendMany(lines.map((l) => ({ kind: 'request_line', payload: { file: l.file, line: l.line, sha256: hashRequestLine(l.text) } })));
 * await log.close();
 */
export async function openEvidenceLog(dir: string, opts: OpenLogOptions = {}): Promise<EvidenceLog> {
  const readOnly = opts.readOnly === true;
  let state = await survey(dir);
  if (state === 'foreign') throw new BreachwatchError('ERR_STATE', `${dir} is not an evidence log (it holds other files)`);
  if (readOnly && state !== 'log') throw new BreachwatchError('ERR_INPUT_UNREADABLE', `no evidence log at ${dir}`);
  let lock: LogLock | undefined;
  let files: DataFiles | undefined;
  if (!readOnly) {
    if (state === 'absent') await mkdir(dir, { recursive: true, mode: DIR_MODE });
    if (state !== 'log') await chmod(dir, DIR_MODE);
    lock = await acquireLock(join(dir, LOG_FILES.lock));
  }
  try {
    state = await survey(dir); // another writer may have created it before we held the lock
    if (state !== 'log') await create(dir, opts);
    const meta = LogMetaSchema.safeParse(await readJson(join(dir, LOG_FILES.meta)));
    if (!meta.success) throw damaged(dir, `log.json: ${meta.error.issues[0]?.message ?? 'invalid'}`);
    const head = HeadSchema.safeParse(await readJson(join(dir, LOG_FILES.head)).catch(() => undefined));
    if (!head.success) throw damaged(dir, 'head.json is missing or invalid');
    const key = await keyOf(dir, meta.data, opts);
    files = await openData(dir, readOnly);
    const tail = await checkAgainstHead(dir, files, head.data);
    const range = loadRange(dir, files, head.data);
    if (!readOnly) await trimCheckpoints(join(dir, LOG_FILES.checkpoints));
    const log = new EvidenceLog({
      dir, logId: meta.data.log_id, readOnly, publicJwk: key.publicJwk, privateKey: key.privateKey, files,
      checkpointsFile: readOnly ? undefined : await open(join(dir, LOG_FILES.checkpoints), 'a', FILE_MODE),
      lock, head: head.data, hasher: readOnly ? undefined : new TreeHasher(range), now: opts.now ?? (() => new Date()),
    });
    if (tail && !readOnly) log.recovery = await resolveTail(log, files, head.data);
    return log;
  } catch (e) {
    if (files !== undefined) await Promise.all([files.entries.close(), files.offsets.close(), files.tree.close()]);
    await lock?.release();
    throw e;
  }
}
