/**
 * The detection settings flags `hunt` and `worker` share, and their mapping onto the engine's
 * settings (the same defaults, from `DEFAULTS.detect`): a worker must run with its hunt's.
 */
import type { Command } from 'commander';
import type { DetectSettings } from '../detect/index.js';
import { DEFAULTS } from '../model/index.js';
import { intOption } from './files.js';

/** Whole seconds of a default given in milliseconds (help text and flag defaults). */
export const seconds = (ms: number): number => Math.round(ms / 1000);

/** The parsed flags. */
export interface DetectFlags {
  lateness?: string; clockTolerance?: string; maxClockCorrection?: string; trustLedger?: boolean;
}

/** Adds the settings flags to `cmd`. */
export function addDetectFlags(cmd: Command): Command {
  return cmd
    .option('--lateness <seconds>', 'allowed lateness of the ledger before a token is unissued', String(seconds(DEFAULTS.detect.allowedLatenessMs)))
    .option('--clock-tolerance <seconds>', 'a source clock offset within this is left alone', String(seconds(DEFAULTS.detect.clockToleranceMs)))
    .option('--max-clock-correction <seconds>', 'source clock offsets are corrected up to this bound', String(seconds(DEFAULTS.detect.maxClockCorrectionMs)))
    .option('--trust-ledger', 'do not track ledger coverage or clocks: judge every unrecorded token forged');
}

/** The settings the flags give. */
export function detectSettingsFrom(f: DetectFlags): Partial<DetectSettings> {
  return {
    allowedLatenessMs: intOption('--lateness', f.lateness, seconds(DEFAULTS.detect.allowedLatenessMs), 0) * 1000,
    clockToleranceMs: intOption('--clock-tolerance', f.clockTolerance, seconds(DEFAULTS.detect.clockToleranceMs), 0) * 1000,
    maxClockCorrectionMs: intOption('--max-clock-correction', f.maxClockCorrection, seconds(DEFAULTS.detect.maxClockCorrectionMs), 0) * 1000,
    coverage: f.trustLedger !== true,
  };
}
