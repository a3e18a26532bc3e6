/**
 * `breachwatch demo`: simulate the 2025 forged-token breach, hunt it, scope it, and say what
 * was found against the ground truth — in about a minute.
 */
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { readFile, rm } from 'node:fs/promises';
import { simulate } from '../sim/index.js';
import { agreement, fmtCount, fmtDuration, hunt, readAffectedIds, readTruth, terminalProgress } from '../pipeline/index.js';
import { runScope } from '../scope/index.js';
import { openStore } from '../compose/index.js';
import { expandInputs, intOption } from './files.js';
import type { Alert } from '../model/index.js';

/** One line on the planted accounts the attacker read: how many, and the first read. */
async function honeyLine(alertsPath: string): Promise<string | undefined> {
  const alerts = (await readFile(alertsPath, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Alert)
    .filter((a) => a.detector === 'honey-account-read').sort((a, b) => a.detected_at.localeCompare(b.detected_at));
  const first = alerts[0];
  if (first === undefined) return undefined;
  const d = first.details as { src_ip?: string; token?: string | null };
  return `${alerts.length} planted account${alerts.length === 1 ? '' : 's'} read; the first at ${first.detected_at}` +
    ` (critical, on that very read: token ${d.token ?? 'none'} from ${d.src_ip ?? '?'})`;
}

interface DemoFlags { out: string; accounts?: string; days?: string; seed?: string }

/** Adds `demo` to the program. */
export function registerDemo(program: Command): void {
  program.command('demo')
    .description('simulate a forged-token breach, hunt it, scope it, compare with the ground truth')
    .option('--out <dir>', 'where the demo writes its files', 'breachwatch-demo')
    .option('--accounts <n>', 'customer accounts', '20000')
    .option('--days <d>', 'days of traffic', '45')
    .option('--seed <s>', 'random seed', '7')
    .action(async (f: DemoFlags) => {
      const out = resolve(f.out);
      await rm(out, { recursive: true, force: true });
      const progress = terminalProgress();
      const say = (s: string): void => { progress.done(); console.log(s); };
      const accounts = intOption('--accounts', f.accounts, 20_000);
      const days = intOption('--days', f.days, 45);
      say(`1/3 simulating ${fmtCount(accounts)} customers over ${days} days with a forged-token attack…`);
      const sim = await simulate({
        scenario: 'forged-token', accounts, days, seed: intOption('--seed', f.seed, 7, 0), out: join(out, 'sim'),
        onProgress: (p) => progress.update(`  day ${p.day}/${p.days}, ${fmtCount(p.events)} events`),
      });
      say(`    wrote ${fmtCount(sim.events)} access events, ${fmtCount(sim.ledgerRecords)} ledger records`);
      say('2/3 hunting (every token checked against the issuance ledger; behaviour detectors; planted honey accounts; key audit)…');
      const summary = await hunt({
        access: await expandInputs([join(out, 'sim', 'access')], 'access'),
        ledger: await expandInputs([join(out, 'sim', 'ledger')], 'ledger'),
        keys: join(out, 'sim', 'keys.json'), staff: join(out, 'sim', 'staff.csv'), catalog: join(out, 'sim', 'catalog.yaml'),
        clients: join(out, 'sim', 'clients.yaml'), honey: join(out, 'sim', 'honey.txt'),
        store: `duckdb:${join(out, 'breachwatch.duckdb')}`, alerts: join(out, 'alerts.ndjson'), progress,
      });
      say(`    ${fmtCount(summary.totals.accepted)} events at ${fmtCount(summary.eventsPerSecond)}/s; ${summary.alerts.total} alerts ` +
        `(${summary.alerts.bySeverity.critical} critical, ${summary.alerts.bySeverity.high} high)`);
      say('3/3 scoping the blast radius…');
      const store = await openStore(`duckdb:${join(out, 'breachwatch.duckdb')}`, 'read', { mustExist: true });
      const scope = await runScope(store, { minSeverity: 'high', out: join(out, 'scope') }).finally(() => store.close());
      const summaryJson = JSON.parse(await readFile(scope.summary, 'utf8')) as { by_field: Record<string, number> };
      const truth = await readTruth(join(out, 'sim', 'truth.json'));
      const found = await readAffectedIds(join(out, 'scope', 'affected_accounts.csv'));
      const agree = agreement(truth.attack?.affected_accounts ?? [], found);
      const began = truth.attack?.first_request_time;
      const detected = summary.firstCritical?.detected_at;
      console.log('');
      console.log(`attack began        ${began ?? '—'}`);
      console.log(`detected            ${detected ?? 'not detected'}` +
        (began && detected ? `  (time to detect: ${fmtDuration(Date.parse(detected) - Date.parse(began))} of event time)` : ''));
      console.log(`customers affected  ${fmtCount(scope.accounts_affected)}`);
      console.log(`fields exposed      ${Object.entries(summaryJson.by_field).map(([k, v]) => `${k} ${fmtCount(v)}`).join(', ')}`);
      console.log(`ground truth        recall ${(100 * agree.recall).toFixed(2)}%, precision ${(100 * agree.precision).toFixed(2)}% ` +
        `(${fmtCount(agree.truePositives)} of ${fmtCount(agree.truth)} affected found, ${fmtCount(agree.found - agree.truePositives)} extra)`);
      const honey = await honeyLine(join(out, 'alerts.ndjson'));
      if (honey !== undefined) console.log(`honey accounts      ${honey}`);
      console.log(`outputs             ${out}/alerts.ndjson, ${out}/scope/affected_accounts.csv, ${out}/scope/summary.json`);
    });
}
