/**
 * `breachwatch demo`: simulate the 2025 forged-token breach, hunt it, open an incident and
 * save its scope run, say what was found against the ground truth, then respond — a notice to
 * each affected person, the regulator report, the evidence bundle verified. The hunt is most of
 * the time; of the response, rendering one notice per affected person (about 19,000 at the
 * default size) is most, at the notice renderer's rate (README, "Speed").
 */
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { readFile, rm } from 'node:fs/promises';
import { simulate } from '../sim/index.js';
import { agreement, fmtCount, fmtDuration, hunt, readAffectedIds, readTruth, terminalProgress } from '../pipeline/index.js';
import { incidentsHome, openStore, storeLocation } from '../compose/index.js';
import { fmtSpan, textIn } from '../respond/index.js';
import { demoRespond } from './demo-respond.js';
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
    .description('simulate a forged-token breach, hunt it, scope it, compare with the ground truth, then render notices, the report and a verified evidence bundle')
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
      say(`1/4 simulating ${fmtCount(accounts)} customers over ${days} days with a forged-token attack…`);
      const sim = await simulate({
        scenario: 'forged-token', accounts, days, seed: intOption('--seed', f.seed, 7, 0), out: join(out, 'sim'),
        onProgress: (p) => progress.update(`  day ${p.day}/${p.days}, ${fmtCount(p.events)} events`),
      });
      say(`    wrote ${fmtCount(sim.events)} access events, ${fmtCount(sim.ledgerRecords)} ledger records`);
      say('2/4 hunting (every token checked against the issuance ledger; behaviour detectors; planted honey accounts; key audit)…');
      const summary = await hunt({
        access: await expandInputs([join(out, 'sim', 'access')], 'access'),
        ledger: await expandInputs([join(out, 'sim', 'ledger')], 'ledger'),
        keys: join(out, 'sim', 'keys.json'), staff: join(out, 'sim', 'staff.csv'), catalog: join(out, 'sim', 'catalog.yaml'),
        clients: join(out, 'sim', 'clients.yaml'), honey: join(out, 'sim', 'honey.txt'),
        store: `duckdb:${join(out, 'breachwatch.duckdb')}`, alerts: join(out, 'alerts.ndjson'), progress,
      });
      say(`    ${fmtCount(summary.totals.accepted)} events at ${fmtCount(summary.eventsPerSecond)}/s; ${summary.alerts.total} alerts ` +
        `(${summary.alerts.bySeverity.critical} critical, ${summary.alerts.bySeverity.high} high)`);
      say('3/4 opening an incident over the high and critical alerts and saving its scope run (the blast radius)…');
      const url = `duckdb:${join(out, 'breachwatch.duckdb')}`;
      const store = await openStore(url, 'read', { mustExist: true });
      const ctx = { store, home: incidentsHome(storeLocation(url)) };
      const r = await demoRespond(ctx, out, join(out, 'sim', 'customers.csv'), {
        say, progress: (line) => progress.update(line),
        step4: () => say('4/4 responding: a notice to each affected person, the regulator report, the key rotation, the evidence bundle…'),
      }, { keys: join(out, 'sim', 'keys.json'), staff: join(out, 'sim', 'staff.csv'), alerts: join(out, 'alerts.ndjson') }).finally(() => store.close());
      progress.done();
      const summaryJson = JSON.parse(await readFile(r.run.folder.summary, 'utf8')) as { by_field: Record<string, number> };
      const truth = await readTruth(join(out, 'sim', 'truth.json'));
      const found = await readAffectedIds(r.run.folder.csv);
      const agree = agreement(truth.attack?.affected_accounts ?? [], found);
      const began = truth.attack?.first_request_time;
      const detected = summary.firstCritical?.detected_at;
      console.log('');
      console.log(`attack began        ${began ?? '—'}`);
      console.log(`detected            ${detected ?? 'not detected'}` +
        (began && detected ? `  (time to detect: ${fmtDuration(Date.parse(detected) - Date.parse(began))} of event time)` : ''));
      console.log(`customers affected  ${fmtCount(r.run.run.accounts)}`);
      console.log(`fields exposed      ${Object.entries(summaryJson.by_field).map(([k, v]) => `${k} ${fmtCount(v)}`).join(', ')}`);
      console.log(`ground truth        recall ${(100 * agree.recall).toFixed(2)}%, precision ${(100 * agree.precision).toFixed(2)}% ` +
        `(${fmtCount(agree.truePositives)} of ${fmtCount(agree.truth)} affected found, ${fmtCount(agree.found - agree.truePositives)} extra)`);
      const honey = await honeyLine(join(out, 'alerts.ndjson'));
      if (honey !== undefined) console.log(`honey accounts      ${honey}`);
      const inc = r.incident;
      console.log(`incident            ${inc.incident_id}, aware ${inc.aware_at}; files in ${inc.paths.dir}`);
      for (const c of inc.clocks.filter((x) => x.due_at !== null)) {
        const left = c.remaining_ms === undefined ? c.state : c.remaining_ms >= 0 ? `${fmtSpan(c.remaining_ms)} left` : `overdue by ${fmtSpan(-c.remaining_ms)}`;
        console.log(`  clock             ${textIn(c.label, 'en') ?? c.id}: due ${c.due_at} (${left})`);
      }
      const n = r.notices;
      console.log(`notices             ${fmtCount(n.messages)} rendered (${Object.entries(n.by_locale).map(([k, v]) => `${k} ${fmtCount(v)}`).join(', ')}; ` +
        `${fmtCount(n.counts.no_contact)} without contact get the posting page) → ${n.dir}`);
      console.log(`regulator report    ${r.report.report.kind} report ${r.report.row.report_id} → ${r.report.dir}/report.{json,html${r.report.pdf ? ',pdf' : ''}}` +
        (r.report.pdf ? '' : ' (no PDF: Chromium not found)'));
      if (r.containment !== undefined) {
        const c = r.containment;
        const pct = (x: { accepted: number; attempted: number }): string => `${x.accepted} of ${x.attempted} accepted`;
        console.log(`containment         ${c.action_id}: key ${c.new_kid} replaces the exposed one (proposed by one admin, approved and executed by a second) → ${c.registry}`);
        console.log(`  forged tokens     before the rotation ${pct(c.forged_before)}; after it ${pct(c.forged_after)} (new-key tokens: ${pct(c.legitimate_after)})`);
      }
      const v = r.bundle.verified;
      console.log(`evidence bundle     ${v.ok ? `VERIFIED: ${fmtCount(v.entries)} entries, tree size ${fmtCount(v.checkpoint?.size ?? 0)}, root ${v.checkpoint?.root.slice(0, 16) ?? '?'}…` : `FAILED: ${v.failure?.part ?? '?'} ${v.failure?.what ?? ''}`} → ${r.bundle.dir}` +
        ` (check it again: breachwatch evidence verify ${r.bundle.dir})`);
      console.log(`outputs             ${out}/alerts.ndjson, ${r.run.folder.csv}, ${r.run.folder.summary}`);
      if (!v.ok) process.exitCode = 1;
    });
}
