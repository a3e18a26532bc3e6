/** Public API of breachwatch. Re-exports only. */
export * from './model/index.js';
export type { Detector, DetectContext, DetectSettings } from './detect/detector.js';
export type { Store } from './store/store.js';
