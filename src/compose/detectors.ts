/**
 * The detector set of every command, built in one place: the built-in detectors (all, or
 * `only` some) with one set of settings, plus the Sigma rules given, refused as a whole with
 * the first refusal's location when any rule is bad.
 */
import { BreachwatchError, DEFAULTS, type ReferenceData } from '../model/index.js';
import { createDetectors, type Detector, type DetectSettings } from '../detect/index.js';
import { createSigmaDetector, loadSigmaRules } from '../sigma/index.js';

/** What {@link buildDetectors} adds to the settings. */
export interface DetectorChoice {
  /** Sigma rule files or folders to run as one more detector. */
  readonly sigma?: readonly string[];
  /** Build only these built-in detectors (default: all). */
  readonly only?: readonly string[];
}

/** Complete detection settings: `DEFAULTS.detect` overridden by what is given. */
export function detectSettings(overrides: Partial<DetectSettings> = {}): DetectSettings {
  return { ...DEFAULTS.detect, ...overrides };
}

/**
 * Builds the detectors for `settings` and `ref`. Throws ERR_CONFIG when a Sigma rule is refused.
 *
 * @example
 * const settings = detectSettings({ allowedLatenessMs: 60_000 });
 * const engine = new Engine({ detectors: await buildDetectors(settings, ref, { sigma: ['rules/'] }), ref, settings });
 */
export async function buildDetectors(settings: DetectSettings, ref: ReferenceData, choice: DetectorChoice = {}): Promise<Detector[]> {
  const detectors = createDetectors({ ref, settings, ...(choice.only !== undefined && { only: choice.only }) });
  if (choice.sigma !== undefined && choice.sigma.length > 0) {
    const loaded = await loadSigmaRules([...choice.sigma]);
    const first = loaded.refused[0];
    if (first !== undefined) {
      throw new BreachwatchError('ERR_CONFIG',
        `${loaded.refused.length} Sigma rule(s) refused; first: ${first.file}:${first.line}:${first.column}: ${first.reason} (run 'breachwatch sigma check' for all)`);
    }
    detectors.push(createSigmaDetector(loaded));
  }
  return detectors;
}
