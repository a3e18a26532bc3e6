/**
 * Retention on ClickHouse: deleting events older than a time, never while a legal hold
 * stands. Without transactions the hold check and the deletes cannot be one step, so the
 * check runs before the deletes start and again once they are done: a hold placed in
 * between cannot stop deletes already under way, and the prune then fails with ERR_HOLD
 * saying so, rather than report success. Deletes are mutations (`ALTER TABLE … DELETE`),
 * which the server applies in the background; the prune waits until they are done.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BreachwatchError } from '../../model/index.js';
import { sqlIdent, sqlInt, sqlString } from './escape.js';
import type { LegalHold } from '../respond-store.js';
import type { ClickHouseSql } from './sql.js';

/** What {@link pruneBefore} works on. */
export interface PruneInput {
  readonly sql: ClickHouseSql;
  /** The database of the event tables `access` and `ledger` (one server: a Distributed table takes no deletes). */
  readonly database: string;
  /** Events of each table, each once, before `t` (what a delete will take). */
  readonly count: (table: 'access' | 'ledger', before: number) => Promise<number>;
  readonly holds: () => Promise<LegalHold[]>;
  /** Names the store in errors. */
  readonly where: string;
  /** How long to wait for the deletes (default 10 minutes). */
  readonly waitMs?: number;
}

const EVENT_TABLES = ['access', 'ledger'] as const;

const held = (hs: readonly LegalHold[]): string => hs.map((h) => `${h.hold_id} of incident ${h.incident_id}`).join(', ');

/** Waits until no mutation of `table` is left to do. */
async function mutationsDone(p: PruneInput, table: string, deadline: number): Promise<void> {
  for (;;) {
    const r = await p.sql.rows(`SELECT count() AS n FROM system.mutations
      WHERE database = ${sqlString(p.database)} AND table = ${sqlString(table)} AND is_done = 0`);
    if (Number(r[0]?.n ?? 0) === 0) return;
    if (Date.now() > deadline) throw new BreachwatchError('ERR_STORE', `${p.where}: deleting old rows of ${table} has not finished in time; the server goes on with it`);
    await sleep(50);
  }
}

/** Deletes access and ledger rows before `t` (see file header). */
export async function pruneBefore(p: PruneInput, t: number): Promise<{ access: number; ledger: number }> {
  const before = await p.holds();
  if (before.length > 0) throw new BreachwatchError('ERR_HOLD', `a legal hold stands (${held(before)}): nothing is deleted while it does`);
  const cut = sqlInt(Math.floor(t));
  const out = { access: await p.count('access', t), ledger: await p.count('ledger', t) };
  const deadline = Date.now() + (p.waitMs ?? 600_000);
  for (const table of EVENT_TABLES) await p.sql.command(`ALTER TABLE ${sqlIdent(p.database)}.${sqlIdent(table)} DELETE WHERE t < ${cut}`);
  for (const table of EVENT_TABLES) await mutationsDone(p, table, deadline);
  const after = await p.holds();
  if (after.length > 0) {
    throw new BreachwatchError('ERR_HOLD', `a legal hold was placed while old events were being deleted (${held(after)}): events before ${new Date(t).toISOString()} may be gone`);
  }
  return out;
}
