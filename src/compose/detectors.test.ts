/** One detector set for every command: defaults, `only`, Sigma rules, refused rules. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_DETECTORS } from '../detect/index.js';
import { DEFAULTS, type ReferenceData } from '../model/index.js';
import { buildDetectors, detectSettings } from './detectors.js';

const ref: ReferenceData = { keys: [], staff: [], catalog: [] };
const SIGMA = join(import.meta.dirname, '../../test/fixtures/sigma');

describe('buildDetectors', () => {
  it('fills settings from DEFAULTS and overrides what is given', () => {
    expect(detectSettings()).toEqual({ ...DEFAULTS.detect });
    expect(detectSettings({ allowedLatenessMs: 5, coverage: false })).toEqual({ ...DEFAULTS.detect, allowedLatenessMs: 5, coverage: false });
  });

  it('builds every built-in detector, or only those named', async () => {
    expect((await buildDetectors(detectSettings(), ref)).map((d) => d.name)).toEqual([...BUILTIN_DETECTORS]);
    expect((await buildDetectors(detectSettings(), ref, { only: ['key-state', 'unissued-token'] })).map((d) => d.name))
      .toEqual(['unissued-token', 'key-state']);
  });

  it('adds Sigma rules as one more detector, and refuses a bad rule with its location', async () => {
    const names = (await buildDetectors(detectSettings(), ref, { sigma: [join(SIGMA, 'sqlmap-swarm.yml')], only: [] })).map((d) => d.name);
    expect(names).toEqual(['sigma']);
    await expect(buildDetectors(detectSettings(), ref, { sigma: [join(SIGMA, 'bad-rules.yml')] }))
      .rejects.toThrow(/Sigma rule\(s\) refused; first: .*bad-rules\.yml:\d+:\d+/);
  });
});
