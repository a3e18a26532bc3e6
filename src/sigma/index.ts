/**
 * The Sigma engine's public API: load rules (located refusals), compile, match events,
 * correlate in event time, and run as a breachwatch Detector. See README.md in this folder.
 */
export { loadSigmaRules, loadPlaceholders, loadDocs } from './load.js';
export type { LoadedRule, LoadedRuleSet, LoadOptions, LoadResult } from './load.js';
export { parseRuleText } from './document.js';
export type { RuleDoc } from './document.js';
export type { Refusal, SourcePos } from './located.js';
export { formatPos, SigmaRuleError } from './located.js';
export { compile } from './compile.js';
export type { CompileOptions, CompiledDetections } from './compile.js';
export { createSigmaEngine, SigmaEngine } from './engine.js';
export type { SigmaMatch, SigmaSink, SigmaStats } from './engine.js';
export type { CorrelationFiring } from './correlation/engine.js';
export { ACCESS_TAXONOMY, fieldGetter, loadFieldMap, parseFieldMap } from './fields.js';
export type { FieldMap } from './fields.js';
export { ACCESS_LOGSOURCES, logsourceMatches, parseLogSourceArg } from './logsource.js';
export { createSigmaDetector } from './detector.js';
export type { SigmaDetector, SigmaDetectorOptions } from './detector.js';
export type * from './types.js';
export type { Placeholders } from './modifiers.js';
export { eventTime, readEvents, type FileEvent, type BadEvent } from './events-file.js';
