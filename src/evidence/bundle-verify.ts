/**
 * `evidence verify BUNDLE`: checks a bundle offline with nothing but its five files, in this
 * order: the public key (an Ed25519 public JWK whose kid is its thumbprint), the checkpoint's
 * signature, the manifest (its one spelling, its signature, and that it agrees with the
 * checkpoint and the other files), the proofs' form, then every entry (canonical, in order,
 * inside the selection, its leaf hash led by its inclusion proof to the signed root), every
 * earlier checkpoint's consistency with the signed one, and finally every file's SHA-256
 * against the manifest. Failures are collected, never thrown; the first names the part (and
 * entry) that does not verify.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { BreachwatchError } from '../model/index.js';
import {
  BUNDLE_FILES, entryLine, HASHED_PARTS, MANIFEST_TYP, ManifestBodySchema, prettyCanonical, ProofsSchema,
  type BundlePart, type ManifestBody, type Proofs,
} from './bundle-format.js';
import { canonicalJson } from './canonical.js';
import { verifyCanonical, verifyCheckpoint, type Checkpoint } from './checkpoint.js';
import { decodeEntry } from './entry.js';
import { publicJwkOf, type PublicJwk } from './keys.js';
import { leafHash } from './merkle.js';
import { verifyConsistency, verifyInclusion } from './verify-proof.js';

/** One check of a bundle. */
export interface BundleCheck {
  readonly part: BundlePart;
  /** The entry's index, for a check of one entry. */
  readonly index?: number;
  readonly ok: boolean;
  readonly what: string;
}

/** The outcome of verifying a bundle. */
export interface BundleReport {
  readonly ok: boolean;
  /** Every check made, in order (entries summarized in one line when they all pass). */
  readonly checks: readonly BundleCheck[];
  /** The first check that failed. */
  readonly failure?: BundleCheck;
  readonly checkpoint?: Checkpoint;
  readonly kid?: string;
  readonly entries: number;
}

type Json = Record<string, unknown>;
const h = (s: string): Buffer => Buffer.from(s, 'hex');

/** SHA-256 and size of each part, taken from the bytes the checks read (each file is read once). */
type Digests = Map<BundlePart, { sha256: string; bytes: number }>;

class Checks {
  readonly list: BundleCheck[] = [];
  readonly digests: Digests = new Map();
  ok(part: BundlePart, what: string): void { this.list.push({ part, ok: true, what }); }
  fail(part: BundlePart, what: string, index?: number): void {
    this.list.push({ part, ok: false, what, ...(index !== undefined && { index }) });
  }
}

async function text(dir: string, part: BundlePart, c: Checks): Promise<string | undefined> {
  try {
    const b = await readFile(join(dir, part));
    c.digests.set(part, { sha256: createHash('sha256').update(b).digest('hex'), bytes: b.length });
    return b.toString('utf8');
  } catch (e) {
    c.fail(part, `cannot read ${part}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return undefined;
  }
}

function parse(t: string | undefined): unknown {
  if (t === undefined) return undefined;
  try { return JSON.parse(t) as unknown; } catch { return undefined; }
}

async function checkKey(dir: string, c: Checks): Promise<PublicJwk | undefined> {
  const t = await text(dir, BUNDLE_FILES.publicKey, c);
  const v = parse(t) as JWK | undefined;
  if (t === undefined) return undefined;
  if (v === undefined || typeof v !== 'object' || v.d !== undefined) return c.fail(BUNDLE_FILES.publicKey, 'not a public JWK'), undefined;
  try {
    const pub = await publicJwkOf(v);
    if (prettyCanonical(pub) !== t) return c.fail(BUNDLE_FILES.publicKey, `not the Ed25519 public key of kid ${String(v.kid)} in its one spelling (kid must be the RFC 7638 thumbprint)`), undefined;
    c.ok(BUNDLE_FILES.publicKey, `Ed25519 public key, kid ${pub.kid} (its RFC 7638 thumbprint; compare it with the key the company published)`);
    return pub;
  } catch (e) {
    return c.fail(BUNDLE_FILES.publicKey, (e as Error).message), undefined;
  }
}

async function checkCheckpoint(dir: string, key: PublicJwk | undefined, c: Checks): Promise<Checkpoint | undefined> {
  const t = await text(dir, BUNDLE_FILES.checkpoint, c);
  if (t === undefined || key === undefined) return t === undefined ? undefined : (c.fail(BUNDLE_FILES.checkpoint, 'cannot be checked without a valid public key'), undefined);
  if (!t.endsWith('\n') || t.indexOf('\n') !== t.length - 1) return c.fail(BUNDLE_FILES.checkpoint, 'not one compact JWS on one line'), undefined;
  const v = await verifyCheckpoint(t.slice(0, -1), key);
  if (!v.ok) return c.fail(BUNDLE_FILES.checkpoint, v.issues[0]?.message ?? 'invalid'), undefined;
  const cp = v.value.checkpoint;
  c.ok(BUNDLE_FILES.checkpoint, `EdDSA signature valid: log ${cp.log_id} had ${cp.size} entries with root ${cp.root} at ${cp.time}`);
  return cp;
}

async function checkManifest(dir: string, key: PublicJwk | undefined, cp: Checkpoint | undefined, c: Checks): Promise<ManifestBody | undefined> {
  const P = BUNDLE_FILES.manifest;
  const t = await text(dir, P, c);
  const v = parse(t) as Json | undefined;
  if (t === undefined) return undefined;
  if (v === undefined || typeof v !== 'object' || typeof v.signature !== 'string') return c.fail(P, 'not a signed manifest'), undefined;
  const { signature, ...rest } = v;
  const body = ManifestBodySchema.safeParse(rest);
  if (!body.success) return c.fail(P, `manifest: ${body.error.issues[0]?.path.join('.')} ${body.error.issues[0]?.message}`), undefined;
  if (prettyCanonical(v) !== t) return c.fail(P, 'manifest is not in its one spelling (sorted keys, two-space indent)'), undefined;
  if (key === undefined) return c.fail(P, 'signature cannot be checked without a valid public key'), undefined;
  const sig = await verifyCanonical(signature, MANIFEST_TYP, key);
  if (!sig.ok) return c.fail(P, `signature: ${sig.issues[0]?.message ?? 'invalid'}`), undefined;
  const signed = canonicalJson(rest);
  if (!signed.ok || sig.value !== signed.value) return c.fail(P, 'signature is valid but for another manifest'), undefined;
  const m = body.data;
  if (m.kid !== key.kid) return c.fail(P, `manifest names key ${m.kid}, the bundle's key is ${key.kid}`), undefined;
  if (cp !== undefined && prettyCanonical(m.checkpoint) !== prettyCanonical(cp)) return c.fail(P, 'manifest disagrees with the signed checkpoint'), undefined;
  c.ok(P, `signature valid; ${m.entries} entries, ${m.earlier_checkpoints} earlier checkpoints, exported ${m.exported_at}`);
  return m;
}

async function checkProofs(dir: string, cp: Checkpoint | undefined, m: ManifestBody | undefined, c: Checks): Promise<Proofs | undefined> {
  const P = BUNDLE_FILES.proofs;
  const t = await text(dir, P, c);
  if (t === undefined) return undefined;
  const p = ProofsSchema.safeParse(parse(t));
  if (!p.success) return c.fail(P, `proofs.json: ${p.error.issues[0]?.path.join('.') ?? ''} ${p.error.issues[0]?.message ?? 'not JSON'}`), undefined;
  if (cp !== undefined && p.data.tree_size !== cp.size) return c.fail(P, `proofs are for size ${p.data.tree_size}, the checkpoint is size ${cp.size}`), undefined;
  if (m !== undefined && (p.data.inclusion.length !== m.entries || p.data.consistency.length !== m.earlier_checkpoints)) {
    return c.fail(P, `holds ${p.data.inclusion.length} inclusion and ${p.data.consistency.length} consistency proofs, the manifest says ${m.entries} and ${m.earlier_checkpoints}`), undefined;
  }
  c.ok(P, `${p.data.inclusion.length} inclusion proofs and ${p.data.consistency.length} consistency proofs, for tree size ${p.data.tree_size}`);
  return p.data;
}

async function* lines(path: string, part: BundlePart, c: Checks): AsyncGenerator<string> {
  const hash = createHash('sha256');
  const decoder = new TextDecoder();
  let bytes = 0;
  let carry = '';
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    const parts = (carry + decoder.decode(chunk, { stream: true })).split('\n');
    carry = parts.pop()!;
    yield* parts;
  }
  carry += decoder.decode();
  c.digests.set(part, { sha256: hash.digest('hex'), bytes });
  if (carry !== '') yield carry; // an unterminated last line is checked (and fails) like any other
}

async function checkEntries(dir: string, cp: Checkpoint | undefined, m: ManifestBody | undefined, proofs: Proofs | undefined, c: Checks): Promise<number> {
  const P = BUNDLE_FILES.entries;
  const root = cp !== undefined ? h(cp.root) : undefined;
  const sel = m?.selection;
  let n = 0;
  let last = -1;
  let bad = false;
  try {
    for await (const line of lines(join(dir, P), P, c)) {
      const at = n++;
      const v = parse(line) as { entry?: unknown; index?: unknown } | undefined;
      const index = typeof v?.index === 'number' ? v.index : undefined;
      const fail = (what: string): void => { bad = true; c.fail(P, `entry ${index ?? `on line ${at + 1}`}: ${what}`, index); };
      if (v === undefined || index === undefined || !Number.isSafeInteger(index) || typeof v.entry !== 'object' || v.entry === null) { fail('not an {entry, index} line'); continue; }
      const canonical = canonicalJson(v.entry);
      const entryText = canonical.ok ? canonical.value : '';
      if (entryLine(index, entryText) !== line + '\n' || !decodeEntry(entryText).ok) { fail('not a canonical entry'); continue; }
      if (index <= last) { fail('out of order'); continue; }
      last = index;
      const kind = (v.entry as { kind: string }).kind;
      if (sel !== undefined && ((sel.kinds !== null && !sel.kinds.includes(kind as never)) || (sel.from !== null && index < sel.from) || (sel.to !== null && index > sel.to))) { fail('outside the manifest\'s selection'); continue; }
      const proof = proofs?.inclusion[at];
      if (proof === undefined || proof.index !== index) { fail('has no inclusion proof in proofs.json'); continue; }
      if (root === undefined || cp === undefined) { fail('cannot be checked without a valid checkpoint'); continue; }
      if (!verifyInclusion(index, cp.size, leafHash(Buffer.from(entryText)), proof.path.map(h), root)) fail('its leaf hash and inclusion proof do not lead to the signed root');
    }
  } catch (e) {
    c.fail(P, `cannot read ${P}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return n;
  }
  if (m !== undefined && n !== m.entries) c.fail(P, `holds ${n} entries, the manifest says ${m.entries}`);
  else if (!bad) c.ok(P, `${n} entries: canonical, in order, inside the selection; each leaf hash and inclusion proof lead to the signed root`);
  return n;
}

async function checkConsistency(key: PublicJwk | undefined, cp: Checkpoint | undefined, proofs: Proofs | undefined, c: Checks): Promise<void> {
  const P = BUNDLE_FILES.proofs;
  if (proofs === undefined || cp === undefined || key === undefined) return;
  for (const [i, e] of proofs.consistency.entries()) {
    const v = await verifyCheckpoint(e.checkpoint, key);
    if (!v.ok) { c.fail(P, `earlier checkpoint ${i}: ${v.issues[0]?.message ?? 'invalid'}`); continue; }
    const old = v.value.checkpoint;
    if (old.log_id !== cp.log_id) { c.fail(P, `earlier checkpoint ${i} is of another log (${old.log_id})`); continue; }
    if (!verifyConsistency(old.size, cp.size, h(old.root), h(cp.root), e.path.map(h))) c.fail(P, `earlier checkpoint ${i} (size ${old.size}, ${old.time}) is not consistent with the signed one`);
    else c.ok(P, `earlier checkpoint of size ${old.size} (${old.time}) is a prefix of the signed tree (consistency proof verified)`);
  }
}

function checkHashes(m: ManifestBody | undefined, c: Checks): void {
  if (m === undefined) return;
  for (const part of HASHED_PARTS) {
    const want = m.files[part]!;
    const d = c.digests.get(part);
    if (d === undefined) continue; // unreadable: already reported
    const { sha256: got, bytes } = d;
    if (got !== want.sha256 || bytes !== want.bytes) c.fail(part, `SHA-256 ${got} (${bytes} bytes) is not the manifest's ${want.sha256} (${want.bytes} bytes)`);
    else c.ok(part, `SHA-256 matches the manifest (${bytes} bytes)`);
  }
}

/**
 * Verifies the bundle in `dir` offline. Throws only when `dir` is not a readable folder
 * (ERR_INPUT_UNREADABLE); every other problem is a failed check in the report.
 * @example
 * const r = await verifyBundle('bundle/');
 * if (!r.ok) console.error(`${r.failure?.part}: ${r.failure?.what}`);
 */
export async function verifyBundle(dir: string): Promise<BundleReport> {
  if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) throw new BreachwatchError('ERR_INPUT_UNREADABLE', `no bundle folder at ${dir}`);
  const c = new Checks();
  const key = await checkKey(dir, c);
  const cp = await checkCheckpoint(dir, key, c);
  const m = await checkManifest(dir, key, cp, c);
  const proofs = await checkProofs(dir, cp, m, c);
  const entries = await checkEntries(dir, cp, m, proofs, c);
  await checkConsistency(key, cp, proofs, c);
  checkHashes(m, c);
  const failure = c.list.find((x) => !x.ok);
  return {
    ok: failure === undefined, checks: c.list, entries,
    ...(failure !== undefined && { failure }), ...(cp !== undefined && { checkpoint: cp }), ...(key !== undefined && { kid: key.kid }),
  };
}
