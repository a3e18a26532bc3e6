/**
 * `token-replay`: ~4% of customers have genuinely issued tokens stolen (malware, a leaky
 * proxy) and replayed within their lifetime from the attacker's own addresses and devices.
 * The jtis ARE in the ledger, issued to the victim's device — only where and from what
 * they are used gives them away.
 */
import { MINUTE, SECOND } from '../../model/index.js';
import { userAgent } from '../agents.js';
import { authFrag, source, type Source } from '../emit.js';
import { HOSTING } from '../network.js';
import { accountId } from '../population.js';
import { hex8, permute32 } from '../rng.js';
import type { Attack, AttackContext } from './attack.js';
import { harvest } from './harvest.js';

const VICTIM_SHARE = 0.04;

/** Creates the token-replay attack; it hooks the world's issuance callback. */
export function tokenReplayAttack(ctx: AttackContext): Attack {
  const w = ctx.world;
  const { rng } = w;
  const victimKey = rng.u32();
  const replays = new Uint8Array(w.pop.n);
  const sources: Source[] = [];
  for (let k = 0; k < 6; k++) {
    const h = HOSTING[k % HOSTING.length] ?? HOSTING[0];
    if (h !== undefined) sources.push(source(h.ip, userAgent(k % 2, k), 'd-' + hex8(rng.u32()), h.country, h.asn));
  }
  const replayed: string[] = [];
  w.onIssue = (a, t, jti, token, exp) => {
    if (t < ctx.window.from || t >= ctx.window.to) return;
    if (permute32(a, victimKey) / 4294967296 >= VICTIM_SHARE) return;
    if ((replays[a] ?? 0) >= 2 || !rng.chance(0.8)) return;
    const at = t + 2 * MINUTE + rng.int(40 * MINUTE);
    if (at > exp * SECOND - MINUTE || at >= ctx.window.to) return;
    replays[a] = (replays[a] ?? 0) + 1;
    replayed.push(jti);
    harvest(w, { victim: a, at, src: rng.pick(sources), auth: authFrag(accountId(a), token), pOrderDetail: 0.4 });
  };
  return {
    kind: 'token-replay',
    slice: () => undefined,
    details: () => ({
      replayed_jtis_count: replayed.length,
      replayed_jtis: [...replayed].sort(),
      attacker_devices: sources.map((s) => /"device_id":"([^"]+)"/.exec(s.frag)?.[1] ?? '').sort(),
    }),
  };
}
