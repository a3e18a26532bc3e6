/**
 * `breachwatch portal --config FILE`: the victim portal, its own process and port (see
 * docs/PORTAL.md). Prints one JSON line when it listens (`{url, port, state_dir, counts}`:
 * counts only), then one line per request on stderr (method, route, status, ms — nothing
 * personal) unless `--quiet`. SIGTERM or SIGINT stops it: no new requests, queued codes
 * sent, the evidence log closed (its lock released).
 */
import type { Command } from 'commander';
import { loadPortalConfig, startPortal } from '../portal/index.js';

/** Adds `portal` to the program. */
export function registerPortal(program: Command): void {
  program.command('portal')
    .description('run the victim portal for one incident: lookup by email/phone, one-time code, own exposure, certificate, collective claim')
    .requiredOption('--config <file>', 'YAML config (see docs/PORTAL.md); SMTP password from BREACHWATCH_SMTP_PASSWORD, SMS webhook secret from BREACHWATCH_SMS_SECRET')
    .option('--quiet', 'no request log lines')
    .action(async (f: { config: string; quiet?: boolean }) => {
      process.umask(0o077);
      const config = await loadPortalConfig(f.config);
      const portal = await startPortal(config, {
        ...(f.quiet !== true && { log: (line: Record<string, unknown>) => { console.error(JSON.stringify(line)); } }),
      });
      console.log(JSON.stringify({ url: portal.url, port: portal.port, state_dir: portal.stateDir, counts: portal.counts }));
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          portal.close().then(resolve, (e: unknown) => {
            console.error(`breachwatch portal: unclean stop: ${e instanceof Error ? e.name : 'error'}`);
            process.exitCode = 1;
            resolve();
          });
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}
