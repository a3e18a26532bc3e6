/** Scenario acceptance, second share (see `scenario-acceptance.ts` for what each test asserts). */
import { describeScenarios, SHARES } from './scenario-acceptance.js';

describeScenarios('scenarios (share 2)', SHARES.two);
