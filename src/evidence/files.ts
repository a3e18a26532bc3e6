/**
 * The log directory: the names of its files, the commit record (`head.json`) and the one way
 * small files are replaced (write a temporary file, fsync, rename, fsync the directory), so a
 * crash leaves either the old or the new file, never a torn one. Files are 0600, the
 * directory 0700: entries are about people.
 */
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

/** File names inside a log directory. */
export const LOG_FILES = {
  meta: 'log.json',
  head: 'head.json',
  entries: 'entries.ndjson',
  offsets: 'entries.idx',
  tree: 'tree.bin',
  checkpoints: 'checkpoints.ndjson',
  publicKey: 'public.jwk.json',
  privateKey: 'signing-key.jwk.json',
  lock: 'LOCK',
} as const;

/** Mode of every file the log writes. */
export const FILE_MODE = 0o600;
/** Mode of the log directory. */
export const DIR_MODE = 0o700;

/** Format version of the log directory (bumped when a file's format changes). */
export const LOG_VERSION = 1;

/** `log.json`: what this log is. Written once, last, when the log is created. */
export const LogMetaSchema = z.object({
  v: z.literal(LOG_VERSION),
  log_id: z.string().min(1),
  created: z.string(),
  kid: z.string().min(1),
  hash: z.literal('sha256'),
  tree: z.literal('rfc9162'),
  canonical: z.literal('rfc8785'),
}).strict();
/** Parsed `log.json`. */
export type LogMeta = z.infer<typeof LogMetaSchema>;

/** `head.json`: the last commit. Everything in the files beyond it is an uncommitted tail. */
export const HeadSchema = z.object({
  v: z.literal(LOG_VERSION),
  size: z.number().int().nonnegative(),
  entries_bytes: z.number().int().nonnegative(),
  root: z.string().regex(/^[0-9a-f]{64}$/),
}).strict();
/** Parsed `head.json`. */
export type Head = z.infer<typeof HeadSchema>;

/** Replaces `path` with `text` atomically and durably (mode 0600). */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w', FILE_MODE);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await syncDir(dirname(path));
}

/** fsyncs a directory, so that a rename or a new file in it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try { await d.sync(); } finally { await d.close(); }
}
