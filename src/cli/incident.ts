/**
 * `breachwatch incident open|status|scope|exposure|close|hold|release`: incidents kept in
 * the store they describe, their files beside it (`--home` overrides; see
 * `compose.incidentsHome`). Every change is recorded in the incident's evidence log.
 */
import type { Command } from 'commander';
import { incidentsHome, openStore, storeLocation } from '../compose/index.js';
import { parseYamlDoc, readText, validate } from '../ingest/index.js';
import { BreachwatchError, SEVERITIES, parseRfc3339, type Severity } from '../model/index.js';
import {
  IncidentDetailsSchema, accountExposure, closeIncident, incidentView, liftHold, openIncident, placeHold, saveScopeRun, updateIncident, type Milestone,
  type RespondContext,
} from '../respond/index.js';
import type { Store } from '../store/index.js';
import { printIncidentStatus } from './incident-print.js';
import { addStoreFlags, storeUrlFrom, type StoreFlags } from './store-flags.js';

interface CommonFlags extends StoreFlags { home?: string; archiveRoot?: string }

function severity(s: string | undefined): Severity | undefined {
  if (s === undefined) return undefined;
  if (!SEVERITIES.includes(s as Severity)) throw new BreachwatchError('ERR_USAGE', `--min-severity must be one of ${SEVERITIES.join(', ')}`);
  return s as Severity;
}

function time(flag: string, s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = parseRfc3339(s);
  if (t === undefined) throw new BreachwatchError('ERR_USAGE', `${flag} must be an RFC 3339 time with an offset, e.g. 2025-11-08T09:00:00+09:00`);
  return t;
}

/** Opens the store and the context, runs `fn`, closes the store. */
async function withContext<T>(f: CommonFlags, fn: (ctx: RespondContext, store: Store) => Promise<T>): Promise<T> {
  const url = storeUrlFrom(f, false);
  const home = incidentsHome(storeLocation(url), f.home);
  const store = await openStore(url, 'read', { mustExist: true });
  try {
    return await fn({ store, home, ...(f.archiveRoot !== undefined && { archiveRoot: f.archiveRoot }) }, store);
  } finally {
    await store.close();
  }
}

function common(cmd: Command): Command {
  return addStoreFlags(cmd, 'the incident lives in (one of --store, --db is required)', false)
    .option('--home <dir>', 'incidents folder (default: beside the store, <db>.incidents/)')
    .option('--archive-root <dir>', 'where the input files hunt read are found, for their hashes (default: the working folder)');
}

const json = (v: unknown): void => { console.log(JSON.stringify(v, null, 2)); };

/** Adds `incident` to the program. */
export function registerIncident(program: Command): void {
  const inc = program.command('incident').description('incidents: legal clocks, saved scope runs, legal holds');

  common(inc.command('open').description('open an incident over alerts in the store; starts the 72-hour clocks'))
    .requiredOption('--name <text>', 'what the incident is called')
    .option('--aware-at <time>', 'when the company became aware (RFC 3339; default now): starts the clocks')
    .option('--alert <ids...>', 'the alerts it covers (default: every alert at or above --min-severity)')
    .option('--min-severity <level>', 'cover alerts at or above this severity', 'high')
    .option('--details <file>', 'YAML or JSON: controller, contact, measures, remedy, person_actions, portal_url, jurisdiction…')
    .action(async (f: CommonFlags & { name: string; awareAt?: string; alert?: string[]; minSeverity: string; details?: string }) => {
      const awareAt = time('--aware-at', f.awareAt);
      const minSeverity = severity(f.minSeverity);
      const details = f.details === undefined ? undefined : validate(f.details, parseYamlDoc(f.details, await readText(f.details)), IncidentDetailsSchema);
      await withContext(f, async (ctx) => {
        const row = await openIncident(ctx, {
          name: f.name, ...(awareAt !== undefined && { awareAt }), ...(f.alert !== undefined && { alertIds: f.alert }),
          ...(minSeverity !== undefined && { minSeverity }), ...(details !== undefined && { details }),
        });
        printIncidentStatus(await incidentView(ctx, row.incident_id));
      });
    });

  common(inc.command('status').description('an incident (or every incident): clocks with time left or overdue, runs, holds, reports'))
    .argument('[id]', 'incident id (default: list all)')
    .option('--json', 'print incident.json instead')
    .action(async (id: string | undefined, f: CommonFlags & { json?: boolean }) => {
      await withContext(f, async (ctx, store) => {
        const ids = id !== undefined ? [id] : (await store.listIncidents()).map((r) => r.incident_id);
        if (ids.length === 0) console.log('no incidents in this store (incident open starts one)');
        const views = await Promise.all(ids.map((x) => incidentView(ctx, x)));
        if (f.json === true) json(id !== undefined ? views[0] : views);
        else for (const v of views) printIncidentStatus(v);
      });
    });

  common(inc.command('scope').description("save a scope run for the incident: its folder, what changed since the last, evidence of every affected account's request lines"))
    .argument('<id>', 'incident id')
    .option('--alert <ids...>', 'follow exactly these alerts (default: the incident\'s alerts)')
    .option('--min-severity <level>', 'follow every alert at or above this severity instead')
    .option('--no-line-evidence', 'do not read the request lines back from the archive')
    .action(async (id: string, f: CommonFlags & { alert?: string[]; minSeverity?: string; lineEvidence: boolean }) => {
      const minSeverity = severity(f.minSeverity);
      await withContext(f, async (ctx) => {
        const r = await saveScopeRun(ctx, id, {
          ...(f.alert !== undefined && { alertIds: f.alert }), ...(minSeverity !== undefined && { minSeverity }),
          ...(!f.lineEvidence && { skipLineEvidence: true }),
        });
        json({ run: r.run, folder: r.folder, changes: r.changes ?? null, evidence: r.evidence });
      });
    });

  common(inc.command('update').description('change an incident: name, awareness time, more alerts, details, milestones the clocks check'))
    .argument('<id>', 'incident id')
    .option('--name <text>', 'new name')
    .option('--aware-at <time>', 'corrected awareness time (RFC 3339)')
    .option('--alert <ids...>', 'alerts to add')
    .option('--details <file>', 'YAML or JSON details merged over the stored ones')
    .option('--first-malicious-at <time>', 'milestone: first malicious event')
    .option('--contained-at <time>', 'milestone: attack stopped')
    .option('--notified-at <time>', 'milestone: every affected person notified')
    .option('--reported-at <time>', 'milestone: report filed with the regulator')
    .action(async (id: string, f: CommonFlags & Record<'name' | 'awareAt' | 'details' | 'firstMaliciousAt' | 'containedAt' | 'notifiedAt' | 'reportedAt', string | undefined> & { alert?: string[] }) => {
      const awareAt = time('--aware-at', f.awareAt);
      const details = f.details === undefined ? undefined : parseYamlDoc(f.details, await readText(f.details)).value as Record<string, unknown>;
      const milestones: Partial<Record<Milestone, number>> = {};
      for (const [k, flag, v] of [['first_malicious_at', '--first-malicious-at', f.firstMaliciousAt], ['contained_at', '--contained-at', f.containedAt],
        ['notified_at', '--notified-at', f.notifiedAt], ['reported_at', '--reported-at', f.reportedAt]] as const) {
        const t = time(flag, v);
        if (t !== undefined) milestones[k] = t;
      }
      await withContext(f, async (ctx) => {
        await updateIncident(ctx, id, {
          ...(f.name !== undefined && { name: f.name }), ...(awareAt !== undefined && { awareAt }),
          ...(f.alert !== undefined && { addAlertIds: f.alert }), ...(details !== undefined && { details }), milestones,
        });
        printIncidentStatus(await incidentView(ctx, id));
      });
    });

  common(inc.command('exposure').description('what of one account a saved run found exposed, and the request rows behind it'))
    .argument('<run>', 'scope run id')
    .argument('<account>', 'account id')
    .action(async (run: string, account: string, f: CommonFlags) => {
      await withContext(f, async (ctx) => { json(await accountExposure(ctx, run, account)); });
    });

  common(inc.command('close').description('close an incident (its runs, reports, holds and evidence stay)'))
    .argument('<id>', 'incident id')
    .action(async (id: string, f: CommonFlags) => {
      await withContext(f, async (ctx) => {
        await closeIncident(ctx, id);
        printIncidentStatus(await incidentView(ctx, id));
      });
    });

  common(inc.command('hold').description('place a legal hold: nothing that deletes or replaces stored data runs while it stands'))
    .argument('<id>', 'incident id')
    .requiredOption('--reason <text>', 'why (e.g. the preservation order it follows)')
    .action(async (id: string, f: CommonFlags & { reason: string }) => {
      await withContext(f, async (ctx) => { json(await placeHold(ctx, id, f.reason)); });
    });

  common(inc.command('release').description('lift a legal hold'))
    .argument('<id>', 'incident id')
    .argument('<hold>', 'hold id')
    .requiredOption('--reason <text>', 'why it may be lifted')
    .action(async (id: string, hold: string, f: CommonFlags & { reason: string }) => {
      await withContext(f, async (ctx) => { json(await liftHold(ctx, id, hold, f.reason)); });
    });
}
