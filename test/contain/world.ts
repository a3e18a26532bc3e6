/**
 * Test world for the contain tests: the forged-token fixture (or a fresh simulation) hunted
 * into a DuckDB store in a temporary folder, an incident over its high alerts, and a copy of
 * the key registry whose customer key has a public JWK (its private half kept for the test
 * to sign "old-key" tokens with).
 */
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { openStore } from '../../src/compose/index.js';
import { hunt } from '../../src/pipeline/index.js';
import { openIncident, type RespondContext } from '../../src/respond/index.js';
import type { Store } from '../../src/store/index.js';

export const FIXTURE = resolve('test/fixtures/sim/forged-token-small');

/** A hunted store with an incident. */
export interface World {
  readonly dir: string;
  readonly ctx: RespondContext;
  readonly store: Store;
  readonly incidentId: string;
  /** The registry copy (customer key `sig-2019-01` with a public JWK). */
  readonly registry: string;
  readonly staff: string;
  readonly oldPrivate: CryptoKey;
  /** Closes the store (for a CLI run in this process, which opens it itself). */
  release(): Promise<void>;
  close(): Promise<void>;
}

async function ndjson(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith('.ndjson') || n.endsWith('.ndjson.gz')).sort().map((n) => join(dir, n));
}

/** Hunts `simDir` (a simulator output folder) and opens an incident. */
export async function makeWorld(simDir = FIXTURE): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'bw-contain-'));
  const db = join(dir, 'bw.duckdb');
  await hunt({
    access: await ndjson(join(simDir, 'access')), ledger: await ndjson(join(simDir, 'ledger')),
    keys: join(simDir, 'keys.json'), staff: join(simDir, 'staff.csv'), catalog: join(simDir, 'catalog.yaml'), store: `duckdb:${db}`,
  });
  const store = await openStore(`duckdb:${db}`, 'read', { mustExist: true });
  const ctx: RespondContext = { store, home: join(dir, 'incidents') };
  const inc = await openIncident(ctx, { name: 'forged tokens', minSeverity: 'high' });
  const pair = await generateKeyPair('ES256', { extractable: true });
  const reg = JSON.parse(await readFile(join(simDir, 'keys.json'), 'utf8')) as { keys: Record<string, unknown>[] };
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'sig-2019-01', alg: 'ES256', use: 'sig' };
  const registry = join(dir, 'keys.json');
  await writeFile(registry, JSON.stringify({ keys: reg.keys.map((k) => (k['kid'] === 'sig-2019-01' ? { ...k, jwk } : k)) }, null, 2));
  const staff = join(dir, 'staff.csv');
  await copyFile(join(simDir, 'staff.csv'), staff);
  let open = true;
  const release = async (): Promise<void> => { if (open) { open = false; await store.close(); } };
  return {
    dir, ctx, store, incidentId: inc.incident_id, registry, staff, oldPrivate: pair.privateKey, release,
    close: async () => { await release(); await rm(dir, { recursive: true, force: true }); },
  };
}
