/** Public API of breachwatch. Re-exports only. */
export * from './model/index.js';
export type { Detector, DetectContext, DetectSettings } from './detect/index.js';
export type {
  Store, IngestStore, ReferenceStore, AlertStore, ScopeStore, StoreOperations, StoreCommit,
} from './store/index.js';
export {
  openEvidenceLog, EvidenceLog, exportBundle, verifyBundle, hashFile, hashRequestLine, canonicalJson,
  verifyInclusion, verifyConsistency, verifyCheckpoint, EVIDENCE_KINDS,
} from './evidence/index.js';
export type {
  OpenLogOptions, AppendResult, BatchResult, TreeHead, NewEntry, EvidenceEntry, StoredEntry, EvidenceKind,
  ExportOptions, ExportResult, BundleReport, BundleCheck, Checkpoint, SignedCheckpoint, PublicJwk,
} from './evidence/index.js';
