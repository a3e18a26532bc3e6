/**
 * The evidence stage: a tamper-evident, append-only log of everything the response relies on
 * (RFC 9162 Merkle tree, signed checkpoints, inclusion and consistency proofs), and the
 * self-contained bundles a third party verifies offline. Other stages record into it through
 * {@link openEvidenceLog} and {@link EvidenceLog.append} / {@link EvidenceLog.appendMany}.
 */
export { openEvidenceLog } from './log-open.js';
export type { OpenLogOptions } from './log-open.js';
export { EvidenceLog } from './log.js';
export type { AppendResult, BatchProgress, BatchResult, CommitStats, Rejection, TreeHead } from './log.js';
export type { EntrySelection, EntryText } from './log-read.js';
export type { EvidenceEntry, NewEntry, StoredEntry } from './entry.js';
export { EVIDENCE_KINDS, EVIDENCE_KIND_DESCRIPTIONS, isEvidenceKind } from './kinds.js';
export type { AccountEvidencePayload, EvidenceKind, InputFilePayload, JsonObject, JsonValue, KnownPayloads, LineRef, PayloadOf, RecoveryPayload, RequestLinePayload } from './kinds.js';
export { canonicalJson, isCanonicalJson } from './canonical.js';
export { EMPTY_ROOT, consistencyProof, inclusionProof, leafHash, leafListSource, nodeHash, rootOfLeaves } from './merkle.js';
export type { NodeSource } from './merkle.js';
export { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './verify-proof.js';
export { verifyCheckpoint } from './checkpoint.js';
export type { Checkpoint, SignedCheckpoint } from './checkpoint.js';
export type { PublicJwk } from './keys.js';
export { hashFile, hashRequestLine } from './hash-input.js';
export { exportBundle } from './bundle-export.js';
export type { ExportOptions, ExportResult } from './bundle-export.js';
export { verifyBundle } from './bundle-verify.js';
export type { BundleCheck, BundleReport } from './bundle-verify.js';
export { BUNDLE_FILES } from './bundle-format.js';
export type { BundlePart } from './bundle-format.js';
export { payloadLines } from './payload-lines.js';
export { writeFileAtomic } from './files.js';
export type { PayloadLineCounts } from './payload-lines.js';
