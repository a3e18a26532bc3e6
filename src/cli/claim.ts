/**
 * `breachwatch claim export --config FILE --out DIR`: the persons enrolled in the collective
 * dispute-mediation application through the portal (consent given, not withdrawn), as
 * `claimants.csv` and `claimants.json` (0600) for the claimants' representative, with the
 * count against the legal minimum of the consent text. Reads the portal's state folder; the
 * portal may keep running. Prints counts only.
 */
import type { Command } from 'commander';
import { exportClaims, loadConsent, loadPortalConfig, portalStateDir } from '../portal/index.js';

/** Adds `claim` to the program. */
export function registerClaim(program: Command): void {
  const claim = program.command('claim').description('the collective claim the victim portal enrols persons in');
  claim.command('export')
    .description('write the enrolled claimants (CSV and JSON) with their certificate ids, and the count against the legal minimum')
    .requiredOption('--config <file>', 'the portal\'s config (names its incident and state folder)')
    .requiredOption('--out <dir>', 'folder for claimants.csv and claimants.json (created 0700)')
    .action(async (f: { config: string; out: string }) => {
      process.umask(0o077);
      const config = await loadPortalConfig(f.config);
      const consent = await loadConsent(config.consent);
      const r = exportClaims(portalStateDir(config), f.out, consent, config.incident, new Date());
      console.log(JSON.stringify(r, null, 2));
      if (!r.meets_minimum) console.error(`claim export: ${r.claimants} claimant(s), ${r.short_by} short of the legal minimum of ${r.legal_minimum}`);
    });
}
