/**
 * Scenario acceptance, first share (see `scenario-acceptance.ts` for what each test asserts),
 * and the check that the two shares cover every scenario exactly once.
 */
import { expect, it } from 'vitest';
import { SCENARIOS } from '../../src/sim/index.js';
import { describeScenarios, SHARES } from './scenario-acceptance.js';

it('the two shares cover every scenario exactly once', () => {
  const all = [...SHARES.one, ...SHARES.two];
  expect([...all].sort()).toEqual([...SCENARIOS].sort());
  expect(new Set(all).size).toBe(all.length);
});

describeScenarios('scenarios (share 1)', SHARES.one);
