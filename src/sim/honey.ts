/**
 * Honey accounts the simulated platform plants (contract §8): ordinary-looking customer
 * accounts, spread over the id range, that no legitimate session or support lookup ever
 * reads. `honey.txt` lists them as salted SHA-256 digests, so the file does not say which
 * accounts they are; truth.json names them for scoring.
 */
import { createHash } from 'node:crypto';
import { accountId } from './population.js';
import { hex8, type Rng } from './rng.js';

/** The planted accounts of a run. */
export interface HoneyPlan {
  /** 1 at the index of every planted account. */
  readonly mask: Uint8Array;
  /** Planted account indices, ascending. */
  readonly indices: readonly number[];
  readonly salt: string;
}

/** How many accounts a platform of `accounts` customers plants (none below 50 accounts). */
export function honeyCount(accounts: number): number {
  return accounts < 50 ? 0 : Math.max(2, Math.min(200, Math.round(accounts / 2000)));
}

/** Picks the planted accounts (their own random stream: the rest of the run does not shift). */
export function planHoney(accounts: number, rng: Rng): HoneyPlan {
  const mask = new Uint8Array(accounts);
  const want = honeyCount(accounts);
  const indices: number[] = [];
  while (indices.length < want) {
    const i = rng.int(accounts);
    if (mask[i] === 1) continue;
    mask[i] = 1;
    indices.push(i);
  }
  indices.sort((a, b) => a - b);
  return { mask, indices, salt: `bw-${hex8(rng.u32())}${hex8(rng.u32())}` };
}

/** honey.txt: the salt line, then one `sha256:` digest per planted account, in digest order. */
export function honeyFile(plan: HoneyPlan): string {
  const digests = plan.indices.map((i) => createHash('sha256').update(plan.salt).update(accountId(i)).digest('hex')).sort();
  return [`salt:${plan.salt}`, ...digests.map((d) => `sha256:${d}`)].join('\n') + '\n';
}

/** clients.yaml (contract §7): the customer apps and the support console. */
export function clientsYaml(): string {
  return [
    '# Client registry: which API clients may act on accounts other than their token\'s sub (breachwatch contract §7)',
    'clients:',
    '  - { client_id: ios, kind: customer }',
    '  - { client_id: android, kind: customer }',
    '  - { client_id: web, kind: customer }',
    '  - { client_id: mweb, kind: customer }',
    '  - { client_id: cs-console, kind: staff, owner: customer-service }',
    '',
  ].join('\n');
}
