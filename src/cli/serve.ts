/**
 * `breachwatch serve --config FILE`: the live service (HTTP, OTLP and JetStream ingest, the
 * detection engine, the analyst API and dashboard). SIGTERM or SIGINT stops it gracefully:
 * no new input, in-flight commits finish, a final checkpoint is written, the store closes.
 */
import type { Command } from 'commander';
import { loadConfig, startService } from '../server/index.js';

/** Adds `serve` to the program. */
export function registerServe(program: Command): void {
  program.command('serve')
    .description('run the live service: ingest over HTTP/OTLP/JetStream, detect in event time, serve the API')
    .requiredOption('--config <file>', 'YAML config (see docs/serve.example.yaml); BREACHWATCH_<PATH> variables override it')
    .action(async (f: { config: string }) => {
      // Everything the service creates (store, journal, quarantine, audit, scope results)
      // holds personal data: readable by its owner only, whatever the shell's umask.
      process.umask(0o077);
      const config = await loadConfig(f.config);
      const service = await startService(config);
      await new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          service.logger.info({ signal }, 'stopping');
          service.close().then(resolve, (e: unknown) => {
            service.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'unclean stop');
            process.exitCode = 1;
            resolve();
          });
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });
}
