/**
 * `breachwatch report INCIDENT`: the regulator report (PIPC/KISA) from the incident's saved
 * scope run — JSON, HTML and PDF — initial first, follow-ups after, each recorded in the
 * incident's evidence log. `--for police` writes the investigators' export instead.
 */
import type { Command } from 'commander';
import { incidentsHome, openStore, storeLocation } from '../compose/index.js';
import { BreachwatchError } from '../model/index.js';
import { writePoliceExport, writeRegulatorReport } from '../respond/index.js';
import { addStoreFlags, storeUrlFrom, type StoreFlags } from './store-flags.js';

interface ReportFlags extends StoreFlags { home?: string; run?: string; pdf: boolean; for: string }

/** Adds `report` to the program. */
export function registerReport(program: Command): void {
  const cmd = program.command('report').description('write the regulator report (JSON, HTML, PDF) of an incident from its saved scope run')
    .argument('<incident>', 'incident id');
  addStoreFlags(cmd, 'the incident lives in (one of --store, --db is required)', false)
    .option('--home <dir>', 'incidents folder (default: beside the store, <db>.incidents/)')
    .option('--run <id>', 'the saved scope run to report (default: the latest)')
    .option('--for <audience>', 'regulator (PIPC/KISA report) or police (investigators\' export of attacker sources)', 'regulator')
    .option('--no-pdf', 'skip printing the PDF')
    .action(async (incident: string, f: ReportFlags) => {
      if (f.for !== 'regulator' && f.for !== 'police') throw new BreachwatchError('ERR_USAGE', `--for must be regulator or police, not ${f.for}`);
      const url = storeUrlFrom(f, false);
      const home = incidentsHome(storeLocation(url), f.home);
      const store = await openStore(url, 'read', { mustExist: true });
      try {
        if (f.for === 'police') {
          console.log(JSON.stringify(await writePoliceExport({ store, home }, incident, f.run), null, 2));
          return;
        }
        const r = await writeRegulatorReport({ store, home }, incident, { ...(f.run !== undefined && { runId: f.run }), pdf: f.pdf });
        console.log(JSON.stringify({ report: r.row, dir: r.dir, kind: r.report.kind, clocks: r.report.clocks.map((c) => ({ id: c.id, state: c.state, due_at: c.due_at })) }, null, 2));
      } finally {
        await store.close();
      }
    });
}
