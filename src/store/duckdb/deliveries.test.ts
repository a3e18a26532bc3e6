/**
 * The DuckDB delivery ledger against the shared contract, in memory and on a file that is
 * reopened.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runDeliveryContract } from '../delivery.contract.js';
import type { DeliveryStore } from '../delivery.js';
import type { Store } from '../store.js';
import { openDuckDbStore } from './open.js';

const dir = mkdtempSync(join(tmpdir(), 'bw-deliveries-test-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const open = async (path: string): Promise<Store & DeliveryStore> => openDuckDbStore(path);

runDeliveryContract('duckdb', {
  open: () => open(':memory:'),
  reopenable: async () => {
    const path = join(dir, `ledger-${n++}.duckdb`);
    return { store: await open(path), reopen: () => open(path) };
  },
});
