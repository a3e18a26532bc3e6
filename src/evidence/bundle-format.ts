/**
 * The evidence bundle's format (docs/EVIDENCE.md says the same for people): five files in one
 * folder. `entries.ndjson` holds the selected entries, each line the canonical JSON of
 * `{entry, index}`; `proofs.json` an inclusion proof per entry against the checkpoint's size
 * and a consistency proof from every earlier checkpoint; `checkpoint.jws` the signed tree
 * head; `public.jwk.json` the key; `manifest.json` what is in it and every other file's
 * SHA-256, signed with the same key. Every file has exactly one valid spelling, so that a
 * changed byte anywhere fails a check of its own, not only the manifest's hash.
 */
import { z } from 'zod';
import { canonicalJson } from './canonical.js';
import { CheckpointSchema } from './checkpoint.js';
import { EVIDENCE_KINDS, type EvidenceKind } from './kinds.js';

/** The bundle's files. */
export const BUNDLE_FILES = {
  manifest: 'manifest.json',
  entries: 'entries.ndjson',
  proofs: 'proofs.json',
  checkpoint: 'checkpoint.jws',
  publicKey: 'public.jwk.json',
} as const;

/** A part of a bundle, as verification names it. */
export type BundlePart = (typeof BUNDLE_FILES)[keyof typeof BUNDLE_FILES];

/** The files the manifest hashes (all but itself), in the order verification reads them. */
export const HASHED_PARTS = [BUNDLE_FILES.publicKey, BUNDLE_FILES.checkpoint, BUNDLE_FILES.proofs, BUNDLE_FILES.entries] as const;

/** `format` of a bundle manifest. */
export const BUNDLE_FORMAT = 'breachwatch-evidence-bundle';
/** Format version (bumped when a file's format changes). */
export const BUNDLE_VERSION = 1;
/** JWS `typ` of the manifest signature. */
export const MANIFEST_TYP = 'breachwatch-bundle-manifest';

const hex32 = z.string().regex(/^[0-9a-f]{64}$/);
const kind = z.enum(EVIDENCE_KINDS as [EvidenceKind, ...EvidenceKind[]]);

/** `proofs.json`. */
export const ProofsSchema = z.object({
  v: z.literal(BUNDLE_VERSION),
  tree_size: z.number().int().nonnegative(),
  inclusion: z.array(z.object({ index: z.number().int().nonnegative(), path: z.array(hex32) }).strict()),
  consistency: z.array(z.object({ checkpoint: z.string(), path: z.array(hex32) }).strict()),
}).strict();
/** Parsed `proofs.json`. */
export type Proofs = z.infer<typeof ProofsSchema>;

/** What was asked for: indices `from`…`to` (inclusive) of `kinds`; null = no bound. */
export const SelectionSchema = z.object({
  kinds: z.array(kind).nullable(),
  from: z.number().int().nonnegative().nullable(),
  to: z.number().int().nonnegative().nullable(),
}).strict();
/** A bundle's selection. */
export type Selection = z.infer<typeof SelectionSchema>;

/** `manifest.json` without its signature (what the signature covers, as canonical JSON). */
export const ManifestBodySchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  v: z.literal(BUNDLE_VERSION),
  kid: z.string(),
  checkpoint: CheckpointSchema,
  selection: SelectionSchema,
  entries: z.number().int().nonnegative(),
  earlier_checkpoints: z.number().int().nonnegative(),
  exported_at: z.string(),
  files: z.object(Object.fromEntries(HASHED_PARTS.map((p) => [p, z.object({ sha256: hex32, bytes: z.number().int().nonnegative() }).strict()]))).strict(),
}).strict();
/** A manifest's signed content. */
export type ManifestBody = z.infer<typeof ManifestBodySchema>;

/** The one spelling of a JSON file meant for people: canonical key order, two-space indent, final newline. */
export function prettyCanonical(value: unknown): string {
  const c = canonicalJson(value);
  if (!c.ok) throw new TypeError(c.issues[0]?.message);
  return JSON.stringify(JSON.parse(c.value), null, 2) + '\n';
}

/** The one spelling of an entry's line in `entries.ndjson`. */
export function entryLine(index: number, text: string): string {
  return `{"entry":${text},"index":${index}}\n`;
}
