/**
 * Picks the attack for a scenario.
 */
import { BreachwatchError } from '../../model/index.js';
import type { ScenarioName } from '../types.js';
import type { Attack, AttackContext } from './attack.js';
import { forgedTokenAttack } from './forged.js';
import { insiderConsoleAttack } from './insider.js';
import { tokenReplayAttack } from './replay.js';
import { credentialStuffingAttack } from './stuffing.js';
import { enumerationAttack } from './enumeration.js';
import { bolaAttack } from './bola.js';
import { takeoverAttack } from './takeover.js';

/** The attack of `scenario` (not `benign`). */
export function createAttack(scenario: Exclude<ScenarioName, 'benign'> | ScenarioName, ctx: AttackContext): Attack {
  switch (scenario) {
    case 'forged-token':
      return forgedTokenAttack(ctx, false);
    case 'forged-token-swarm':
      return forgedTokenAttack(ctx, true);
    case 'forged-token-feed-faults':
      return forgedTokenAttack(ctx, false, ctx.faults);
    case 'token-replay':
      return tokenReplayAttack(ctx);
    case 'credential-stuffing':
      return credentialStuffingAttack(ctx);
    case 'insider-console':
      return insiderConsoleAttack(ctx);
    case 'unauthenticated-enumeration':
      return enumerationAttack(ctx);
    case 'cross-account-harvest':
      return bolaAttack(ctx);
    case 'honey-account-hit':
      return takeoverAttack(ctx);
    default:
      throw new BreachwatchError('ERR_USAGE', `scenario "${scenario}" has no attack`);
  }
}
