/**
 * Starts a real breachwatch service for the dashboard test, in this process, exactly as
 * `breachwatch serve --config FILE` does (load the YAML config, then start the service): two
 * API keys stored as sha256, the reference fixtures, a throwaway store, port 0, and the log
 * captured so the test can check that no key reaches it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS } from '../../src/model/index.js';
import { loadConfig, startService } from '../../src/server/index.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

/** A running server and what the test needs to talk to it. */
export interface TestServer {
  readonly url: string;
  readonly analystKey: string;
  readonly ingestKey: string;
  /** Everything the server has logged so far. */
  log(): string;
  stop(): Promise<void>;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Starts the service with the dashboard from `webDist`. */
export async function startServer(webDist: string): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'bw-ui-'));
  const analystKey = `bw-analyst-${randomBytes(16).toString('hex')}`;
  const ingestKey = `bw-ingest-${randomBytes(16).toString('hex')}`;
  const config = {
    http: { host: '127.0.0.1', port: 0 },
    store: { url: `duckdb:${join(dir, 'store.duckdb')}` },
    state_dir: join(dir, 'state'),
    reference: { keys: join(FIXTURES, 'keys.json'), staff: join(FIXTURES, 'staff.csv'), catalog: join(FIXTURES, 'catalog.yaml') },
    detect: { allowed_lateness_ms: DEFAULTS.detect.allowedLatenessMs },
    api_keys: [
      { name: 'ui-test-analyst', role: 'analyst', sha256: sha256(analystKey) },
      { name: 'ui-test-ingest', role: 'ingest', sha256: sha256(ingestKey) },
    ],
    log: { level: 'info' },
    dashboard: { dir: webDist },
  };
  // JSON is YAML, so the config loader reads it as it is.
  const file = join(dir, 'serve.yaml');
  await writeFile(file, JSON.stringify(config, null, 2));
  const lines: string[] = [];
  try {
    const service = await startService(await loadConfig(file, {}), { logDestination: { write: (s: string) => { lines.push(s); } } });
    return {
      url: service.url, analystKey, ingestKey,
      log: () => lines.join(''),
      stop: async () => {
        await service.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
