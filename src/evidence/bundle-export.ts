/**
 * `evidence export`: writes a self-contained bundle of the selected entries (see
 * bundle-format.ts). A writer signs a fresh checkpoint when the log has grown since the last;
 * a read-only log exports against its latest checkpoint. Every entry's text is checked
 * against its stored leaf hash on the way out, so a log altered on disk cannot be exported as
 * if it were whole.
 */
import { createHash, type Hash } from 'node:crypto';
import { mkdir, open, readdir } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { BreachwatchError } from '../model/index.js';
import {
  BUNDLE_FILES, BUNDLE_FORMAT, BUNDLE_VERSION, entryLine, MANIFEST_TYP, prettyCanonical,
  type ManifestBody, type Selection,
} from './bundle-format.js';
import { signCanonical, type SignedCheckpoint } from './checkpoint.js';
import { DIR_MODE, FILE_MODE } from './files.js';
import type { EvidenceKind } from './kinds.js';
import type { EvidenceLog } from './log.js';
import { leafHash } from './merkle.js';

/** What to export: indices `from`…`to` (both inclusive), of the given kinds; default everything. */
export interface ExportOptions {
  readonly kinds?: readonly EvidenceKind[];
  readonly from?: number;
  readonly to?: number;
  /** The wall clock, for `exported_at` (tests freeze it). */
  readonly now?: () => Date;
}

/** What an export wrote. */
export interface ExportResult {
  readonly dir: string;
  readonly entries: number;
  readonly treeSize: number;
  readonly root: string;
  readonly kid: string;
  readonly earlierCheckpoints: number;
}

/** A file written in pieces, hashed as it is written. */
class HashedFile {
  private readonly h: Hash = createHash('sha256');
  private buf = '';
  bytes = 0;

  private constructor(private readonly fh: FileHandle) {}

  static async create(path: string): Promise<HashedFile> {
    return new HashedFile(await open(path, 'wx', FILE_MODE));
  }

  async write(s: string): Promise<void> {
    this.buf += s;
    if (this.buf.length >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    const b = Buffer.from(this.buf);
    this.buf = '';
    this.h.update(b);
    this.bytes += b.length;
    await this.fh.writeFile(b);
  }

  async close(): Promise<{ sha256: string; bytes: number }> {
    await this.flush();
    await this.fh.sync();
    await this.fh.close();
    return { sha256: this.h.digest('hex'), bytes: this.bytes };
  }
}

async function emptyDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  if ((await readdir(dir)).length > 0) throw new BreachwatchError('ERR_USAGE', `--out ${dir} is not empty (a bundle goes into a new folder)`);
}

async function chooseCheckpoint(log: EvidenceLog): Promise<{ cp: SignedCheckpoint; earlier: SignedCheckpoint[] }> {
  const all = await log.checkpoints();
  let cp = all[all.length - 1];
  if (!log.readOnly && (cp === undefined || cp.checkpoint.size !== log.size)) cp = await log.checkpoint();
  if (cp === undefined) throw new BreachwatchError('ERR_STATE', `evidence log ${log.dir} has no checkpoint to export against (sign one with \`breachwatch evidence checkpoint\`)`);
  const bySize = new Map<number, SignedCheckpoint>();
  for (const c of all) if (c.checkpoint.size < cp.checkpoint.size) bySize.set(c.checkpoint.size, c);
  return { cp, earlier: [...bySize.values()].sort((a, b) => a.checkpoint.size - b.checkpoint.size) };
}

/**
 * Writes a bundle of `log`'s selected entries into `outDir` (created 0700; must be empty).
 * @example
 * const r = await exportBundle(log, 'bundle-2026-03-01', { kinds: ['notice_sent'] });
 * // then, anywhere, with nothing but the folder: await verifyBundle('bundle-2026-03-01')
 */
export async function exportBundle(log: EvidenceLog, outDir: string, opts: ExportOptions = {}): Promise<ExportResult> {
  const key = log.signingKey();
  if (key === undefined) throw new BreachwatchError('ERR_STATE', `cannot sign the bundle manifest: evidence log ${log.dir} has no signing key here`);
  await emptyDir(outDir);
  const { cp, earlier } = await chooseCheckpoint(log);
  const size = cp.checkpoint.size;
  const selection: Selection = { kinds: opts.kinds !== undefined ? [...opts.kinds] : null, from: opts.from ?? null, to: opts.to ?? null };

  const entries = await HashedFile.create(join(outDir, BUNDLE_FILES.entries));
  const proofs = await HashedFile.create(join(outDir, BUNDLE_FILES.proofs));
  // proofs.json is written in its canonical key order: consistency, inclusion, tree_size, v.
  const consistency = earlier.map((c) => ({ checkpoint: c.jws, path: log.consistencyProof(c.checkpoint.size, size).map((h) => h.toString('hex')) }));
  await proofs.write(`{"consistency":${JSON.stringify(consistency)},"inclusion":[`);
  let count = 0;
  const sel = { ...(opts.from !== undefined && { from: opts.from }), to: Math.min(opts.to ?? size - 1, size - 1), ...(opts.kinds !== undefined && { kinds: opts.kinds }) };
  for await (const { index, text } of log.entryTexts(sel)) {
    if (!leafHash(Buffer.from(text)).equals(log.leafHash(index))) {
      throw new BreachwatchError('ERR_STATE', `entry ${index} of ${log.dir} does not match its leaf hash: the log was altered on disk; nothing exported`);
    }
    await entries.write(entryLine(index, text));
    const path = log.inclusionProof(index, size).map((h) => h.toString('hex'));
    await proofs.write(`${count > 0 ? ',' : ''}{"index":${index},"path":${JSON.stringify(path)}}`);
    count++;
  }
  await proofs.write(`],"tree_size":${size},"v":${BUNDLE_VERSION}}\n`);

  const write = async (name: string, text: string): Promise<{ sha256: string; bytes: number }> => {
    const f = await HashedFile.create(join(outDir, name));
    await f.write(text);
    return f.close();
  };
  const body: ManifestBody = {
    format: BUNDLE_FORMAT, v: BUNDLE_VERSION, kid: log.publicJwk.kid, checkpoint: cp.checkpoint, selection,
    entries: count, earlier_checkpoints: earlier.length, exported_at: (opts.now ?? (() => new Date()))().toISOString(),
    files: {
      [BUNDLE_FILES.publicKey]: await write(BUNDLE_FILES.publicKey, prettyCanonical(log.publicJwk)),
      [BUNDLE_FILES.checkpoint]: await write(BUNDLE_FILES.checkpoint, cp.jws + '\n'),
      [BUNDLE_FILES.proofs]: await proofs.close(),
      [BUNDLE_FILES.entries]: await entries.close(),
    },
  };
  const signature = await signCanonical(body, MANIFEST_TYP, key, log.publicJwk.kid);
  await write(BUNDLE_FILES.manifest, prettyCanonical({ ...body, signature }));
  return { dir: outDir, entries: count, treeSize: size, root: cp.checkpoint.root, kid: log.publicJwk.kid, earlierCheckpoints: earlier.length };
}
