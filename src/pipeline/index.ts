/**
 * The orchestration stage: `hunt` (ingest → detect → store in one pass), its run summary,
 * the terminal progress line, and agreement with a simulation's ground truth.
 */
export { hunt, type HuntOptions } from './hunt.js';
export { summarizeRun, renderSummary, type HuntSummary, type FileCounts, type IngestStatsLike } from './summary.js';
export { terminalProgress, fmtCount, fmtDuration, type Progress } from './progress.js';
export { readTruth, readAffectedIds, agreement, type Truth, type Agreement } from './truth.js';
