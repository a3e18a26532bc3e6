/**
 * The population of a "possible leak": the account ids an incident names when exact victims
 * cannot be determined (one per line, any order, `#` comments), streamed back sorted and
 * without repeats so that it merges with the other sorted inputs.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { BreachwatchError } from '../../model/index.js';
import { SortEngine } from './sort-engine.js';

/** Sorted, distinct account ids of a population file, and a way to release the sort. */
export interface Population {
  ids(): AsyncIterable<string>;
  close(): Promise<void>;
}

/** Reads the population file at `path`. */
export function populationFile(path: string): Population {
  let engine: SortEngine | undefined;
  return {
    async *ids() {
      engine = await SortEngine.open();
      const rows = await engine.table('pop', 'account_id VARCHAR');
      const input = createReadStream(path);
      const opened = new Promise<void>((res, rej) => {
        input.once('open', () => res());
        input.once('error', (e: NodeJS.ErrnoException) => rej(new BreachwatchError('ERR_INPUT_UNREADABLE', `${path}: cannot read: ${e.code ?? 'error'}`, { cause: e })));
      });
      await opened;
      for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
        const id = raw.trim();
        if (id !== '' && !id.startsWith('#')) rows.add([id]);
      }
      rows.end();
      for await (const [id] of engine.rows('SELECT DISTINCT account_id FROM pop ORDER BY account_id')) yield String(id);
    },
    async close() {
      await engine?.close();
      engine = undefined;
    },
  };
}
