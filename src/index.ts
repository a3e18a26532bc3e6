/** Public API of breachwatch. Re-exports only. */
export * from './model/index.js';
export type { Detector, DetectContext, DetectSettings } from './detect/index.js';
export type {
  Store, IngestStore, ReferenceStore, AlertStore, ScopeStore, StoreOperations, StoreCommit,
} from './store/index.js';
