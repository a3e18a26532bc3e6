/**
 * The simulator's driver: builds the world, writes the reference files, then walks the run
 * in ten-minute slices — customer sessions, the support console, the scenario's attack — and
 * writes each finished slice to the day's files, in event-time order, in big chunks.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BreachwatchError, DAY, parseRfc3339, toRfc3339 } from '../model/index.js';
import { AttackTracker } from './attack-tracker.js';
import { attackWindow, type Attack } from './attacks/attack.js';
import { createAttack } from './attacks/index.js';
import { catalogYaml } from './catalog.js';
import { supportDay } from './console.js';
import { customerSession } from './customer-session.js';
import { writeCustomers } from './customers.js';
import { planDay, SLICES_PER_DAY } from './day-plan.js';
import { Emitter } from './emit.js';
import { officeIps } from './network.js';
import { releaseBlock } from './block-pool.js';
import { ChunkFile } from './output.js';
import { accountId, createPopulation } from './population.js';
import { clientsYaml, honeyFile, planHoney } from './honey.js';
import { keyRegistry, staffCsv, staffRoster } from './reference.js';
import { RequestIds, type RequestIdKey } from './request-id.js';
import { Rng } from './rng.js';
import { SLICE, Timeline } from './timeline.js';
import { buildTruth } from './truth.js';
import { isBenign, SCENARIOS, type ScenarioName, type SimOptions, type SimReport } from './types.js';
import { faultsTruth, feedFaults, GATEWAY_B_FILE } from './faults.js';
import type { GatewayB } from './emit.js';
import type { World } from './world.js';

function check(opts: SimOptions): number {
  if (!(SCENARIOS as readonly string[]).includes(opts.scenario)) {
    throw new BreachwatchError('ERR_USAGE', `unknown scenario "${String(opts.scenario)}" (one of: ${SCENARIOS.join(', ')})`);
  }
  if (!Number.isInteger(opts.accounts) || opts.accounts < 1 || opts.accounts > 50_000_000) {
    throw new BreachwatchError('ERR_USAGE', 'accounts must be an integer between 1 and 50000000');
  }
  if (!Number.isInteger(opts.days) || opts.days < 1 || opts.days > 3660) {
    throw new BreachwatchError('ERR_USAGE', 'days must be an integer between 1 and 3660');
  }
  if (!Number.isSafeInteger(opts.seed)) throw new BreachwatchError('ERR_USAGE', 'seed must be an integer');
  const given = opts.start ?? '2025-06-01T00:00:00Z';
  // A bare date (`2025-06-01`) means that day's UTC midnight.
  const start = parseRfc3339(/^\d{4}-\d{2}-\d{2}$/.test(given) ? `${given}T00:00:00Z` : given);
  if (start === undefined || start % DAY !== 0) {
    throw new BreachwatchError('ERR_USAGE', 'start must be an RFC 3339 UTC midnight, e.g. 2025-06-01T00:00:00Z');
  }
  return start;
}

/**
 * Simulates the platform for `days` days and writes the contract's files into `out`.
 * Deterministic: the same options give byte-identical files.
 *
 * @example
 * const report = await simulate({ scenario: 'forged-token', accounts: 50_000, days: 60, seed: 7, out: 'sim-out' });
 */
export async function simulate(opts: SimOptions): Promise<SimReport> {
  const start = check(opts);
  const { accounts, days, seed, out } = opts;
  const scenario: ScenarioName = opts.scenario;
  try {
    await mkdir(join(out, 'access'), { recursive: true });
    await mkdir(join(out, 'ledger'), { recursive: true });
  } catch (cause) {
    throw new BreachwatchError('ERR_USAGE', `cannot create output folder ${out}`, { cause });
  }
  const keyRng = new Rng(seed, 5);
  const key: RequestIdKey = { scheme: 'feistel48-v1', rounds: [keyRng.u32(), keyRng.u32(), keyRng.u32(), keyRng.u32()] };
  // ~2,000 workers (8% of customers) behind each office egress address.
  const offices = officeIps(Math.min(65535, Math.max(2, Math.ceil(accounts / 25_000))), new Rng(seed, 6));
  const pop = createPopulation(accounts, offices.length, new Rng(seed, 1));
  const honey = planHoney(accounts, new Rng(seed, 8));
  const files = ['keys.json', 'staff.csv', 'catalog.yaml', 'clients.yaml', 'honey.txt', 'customers.csv', 'truth.json'];
  const benign = isBenign(scenario);
  await writeFile(join(out, 'keys.json'), JSON.stringify(keyRegistry(benign), null, 2) + '\n');
  await writeFile(join(out, 'staff.csv'), staffCsv(staffRoster(start, accounts)));
  await writeFile(join(out, 'catalog.yaml'), catalogYaml());
  await writeFile(join(out, 'clients.yaml'), clientsYaml());
  await writeFile(join(out, 'honey.txt'), honeyFile(honey));
  await writeCustomers(join(out, 'customers.csv'), accounts, pop.deviceKey ^ 0x5bd1e995);

  const access = new Timeline(start, days * SLICES_PER_DAY);
  const ledger = new Timeline(start, days * SLICES_PER_DAY);
  const tracker = benign ? null : new AttackTracker(accounts, honey.mask);
  const rng = new Rng(seed, 2);
  const faults = feedFaults(scenario, start, days);
  const gw: GatewayB | null = faults?.gatewayB == null ? null
    : { timeline: new Timeline(start, days * SLICES_PER_DAY), faults, offsetMs: faults.gatewayB.offsetMs };
  const emit = new Emitter({ access, ledger, ids: new RequestIds(key), rng: new Rng(seed, 4), tracker, faults, gatewayB: gw });
  const world: World = { start, days, pop, offices, rng, emit, honey: honey.mask, onIssue: null };
  const window = attackWindow(start, days);
  const attack: Attack | null = benign ? null : createAttack(scenario, { world, window, faults });
  // Gateway B's one file; its slices are taken one behind, so that lines its clock moved into
  // the previous slice are in before that slice is written (the file stays in time order).
  const gwFile = gw === null ? null : new ChunkFile(join(out, GATEWAY_B_FILE), false);
  if (gwFile !== null) files.push(GATEWAY_B_FILE);
  const takeGateway = async (h: number): Promise<void> => {
    if (gw === null || gwFile === null || h < 0) return;
    const g = gw.timeline.take(h);
    events += g.lines;
    for (const c of g.chunks) await gwFile.writeBuffer(c, () => releaseBlock(c));
  };

  let events = 0;
  let ledgerRecords = 0;
  for (let d = 0; d < days; d++) {
    const day = toRfc3339(start + d * DAY).slice(0, 10);
    const accessName = `access/access-${day}.ndjson${opts.gzip === true ? '.gz' : ''}`;
    const ledgerName = `ledger/ledger-${day}.ndjson`;
    files.push(accessName, ledgerName);
    const af = new ChunkFile(join(out, accessName), opts.gzip === true);
    const lf = new ChunkFile(join(out, ledgerName), false);
    const plan = planDay(world, d);
    for (let h = 0; h < SLICES_PER_DAY; h++) {
      const abs = d * SLICES_PER_DAY + h;
      const to = plan.offsets[h + 1] ?? 0;
      for (let s = plan.offsets[h] ?? 0; s < to; s++) customerSession(world, plan.account[s] ?? 0, plan.t[s] ?? 0);
      if (h === 0) supportDay(world, d);
      attack?.slice(start + abs * SLICE, start + (abs + 1) * SLICE);
      const a = access.take(abs);
      events += a.lines;
      for (const c of a.chunks) await af.writeBuffer(c, () => releaseBlock(c));
      const l = ledger.take(abs);
      ledgerRecords += l.lines;
      for (const c of l.chunks) await lf.writeBuffer(c, () => releaseBlock(c));
      await takeGateway(abs - 1);
    }
    await Promise.all([af.close(), lf.close()]);
    opts.onProgress?.({ day: d + 1, days, events });
  }

  await takeGateway(days * SLICES_PER_DAY - 1);
  await gwFile?.close();
  const totals = tracker?.totals() ?? null;
  const truth = buildTruth({
    scenario, seed, accounts, days, start, key, honey: honey.indices.map(accountId),
    ...(faults !== null && { feedFaults: faultsTruth(faults) }),
    attack: attack === null || totals === null ? null : { kind: attack.kind, window, totals, details: attack.details() },
  });
  await writeFile(join(out, 'truth.json'), JSON.stringify(truth) + '\n');
  const report: SimReport = {
    scenario,
    events,
    ledgerRecords,
    files: files.sort(),
    affected: totals?.affected.length ?? 0,
    attackRequests: totals?.requests ?? 0,
    ...(totals?.first != null ? { attackFirstRequest: toRfc3339(totals.first) } : {}),
  };
  return report;
}
