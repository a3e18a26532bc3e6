/**
 * Starts a real `serve` in-process for tests: a temporary folder with a YAML config (loaded
 * through the real loader), fresh API keys for each role, logs captured in memory, bound to
 * 127.0.0.1 on an ephemeral port.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { hashKey, loadConfig, startService, type Service, type ServiceOptions } from '../../src/server/index.js';

/** Fixture folder of the serve tests. */
export const FIXTURES = resolve(import.meta.dirname, '../fixtures/server');

/** One API key per role. */
export interface TestKeys { ingest: string; analyst: string; admin: string }

/** A running test service. */
export interface TestService {
  readonly svc: Service;
  readonly url: string;
  readonly dir: string;
  readonly keys: TestKeys;
  /** Everything logged so far. */
  logs(): string;
  /** Stops the service (keeps the folder when `keep`). */
  close(keep?: boolean): Promise<void>;
}

/** Fresh keys and their config entries. */
export function makeKeys(): { keys: TestKeys; config: { name: string; role: string; sha256: string }[] } {
  const keys: TestKeys = {
    ingest: `bwk_${randomBytes(16).toString('hex')}`,
    analyst: `bwk_${randomBytes(16).toString('hex')}`,
    admin: `bwk_${randomBytes(16).toString('hex')}`,
  };
  return { keys, config: (Object.entries(keys) as [string, string][]).map(([role, k]) => ({ name: `${role}-bot`, role, sha256: hashKey(k) })) };
}

/** The config a test service runs with, merged with `extra` (top-level sections replaced). */
export function testConfig(dir: string, keyConfig: object[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    http: { host: '127.0.0.1', port: 0, body_limit_bytes: 4 * 1024 * 1024 },
    store: { url: `duckdb:${join(dir, 'bw.duckdb')}` },
    state_dir: join(dir, 'state'),
    reference: { keys: join(FIXTURES, 'keys.json'), staff: join(FIXTURES, 'staff.csv'), catalog: join(FIXTURES, 'catalog.yaml') },
    detect: { allowed_lateness_ms: 1000, source_idle_ms: 10_000 },
    checkpoint: { interval_s: 3600 },
    api_keys: keyConfig,
    log: { level: 'debug' },
    dashboard: { dir: join(dir, 'no-dashboard') },
    ...extra,
  };
}

/** Writes the config to `dir/config.yaml`. */
export async function writeConfig(dir: string, config: Record<string, unknown>): Promise<string> {
  const path = join(dir, 'config.yaml');
  await writeFile(path, stringify(config));
  return path;
}

/** Starts a service in a fresh (or the given) folder. */
export async function startTestService(extra: Record<string, unknown> = {}, opts: ServiceOptions & { dir?: string; keys?: ReturnType<typeof makeKeys> } = {}): Promise<TestService> {
  const dir = opts.dir ?? await mkdtemp(join(tmpdir(), 'bw-serve-'));
  const k = opts.keys ?? makeKeys();
  const config = await loadConfig(await writeConfig(dir, testConfig(dir, k.config, extra)), {});
  const chunks: string[] = [];
  const svc = await startService(config, { ...opts, logDestination: { write: (s: string) => { chunks.push(s); } } });
  return {
    svc, url: svc.url, dir, keys: k.keys,
    logs: () => chunks.join(''),
    close: async (keep = false) => {
      await svc.close();
      if (!keep) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** POSTs NDJSON lines; returns status and parsed JSON body. */
export async function postLines(url: string, path: string, key: string, lines: readonly string[], headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST', body: lines.join('\n') + '\n',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson', ...headers },
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : JSON.parse(text) as Record<string, unknown>, headers: res.headers };
}

/** GETs JSON with a key. */
export async function getJson<T = Record<string, unknown>>(url: string, key: string | undefined): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { headers: key === undefined ? {} : { authorization: `Bearer ${key}` } });
  const text = await res.text();
  return { status: res.status, body: (text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text) as T };
}
