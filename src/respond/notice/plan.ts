/**
 * Decides who gets which notice, in one pass over sorted streams: the current scope run, the
 * previous one (follow-ups only to persons it did not have, or whose exposed fields grew), a
 * possible-leak population (persons the exact run does not name), and the customer directory
 * (each person's contact). Memory stays flat however many persons there are: every input is
 * sorted by account id and read once.
 */
import { BreachwatchError } from '../../model/index.js';
import type { PossibleLeak } from './incident-info.js';
import { compareIds } from './csv-rows.js';
import type { AffectedPerson, Contact, PlanCounts, PlannedNotice } from './types.js';

/** A sorted stream with its current head. */
class Cursor<T> {
  head: T | undefined;
  private last: string | undefined;

  private constructor(private readonly it: AsyncIterator<T>, private readonly key: (x: T) => string, private readonly what: string) {}

  static async open<T>(src: AsyncIterable<T>, key: (x: T) => string, what: string): Promise<Cursor<T>> {
    const c = new Cursor(src[Symbol.asyncIterator](), key, what);
    await c.next();
    return c;
  }

  async next(): Promise<void> {
    const r = await this.it.next();
    this.head = r.done === true ? undefined : r.value;
    if (this.head === undefined) return;
    const k = this.key(this.head);
    if (this.last !== undefined && compareIds(this.last, k) >= 0) {
      throw new BreachwatchError('ERR_INPUT_INVALID', `${this.what} is not sorted by account id`);
    }
    this.last = k;
  }

  /** Ends the stream early (its generator's finally blocks run). */
  async close(): Promise<void> {
    await this.it.return?.();
  }

  /** Moves past every key below `id`; returns how many it skipped. */
  async skipBelow(id: string): Promise<number> {
    let n = 0;
    while (this.head !== undefined && compareIds(this.key(this.head), id) < 0) { n++; await this.next(); }
    return n;
  }

  /** The head if its key is `id` (then advances past it). */
  async take(id: string): Promise<T | undefined> {
    if (this.head === undefined || this.key(this.head) !== id) return undefined;
    const h = this.head;
    await this.next();
    return h;
  }
}

/** What {@link planNotices} reads. */
export interface PlanInputs {
  readonly current: AsyncIterable<AffectedPerson>;
  /** The scope run the last notices came from (follow-up mode). */
  readonly previous?: AsyncIterable<AffectedPerson>;
  /** Sorted distinct account ids of the possible-leak population, with the incident's terms. */
  readonly population?: { readonly ids: AsyncIterable<string>; readonly leak: PossibleLeak };
  readonly directory: AsyncIterable<Contact>;
}

/** A fresh set of counters. */
export function emptyCounts(): PlanCounts {
  return { affected: 0, initial: 0, update: 0, possible_leak: 0, unchanged: 0, removed: 0, no_contact: 0 };
}

/** Yields every notice to render, in account-id order, counting into `counts`. */
export async function* planNotices(inp: PlanInputs, counts: PlanCounts = emptyCounts()): AsyncGenerator<PlannedNotice> {
  const byId = (p: AffectedPerson): string => p.account_id;
  const cur = await Cursor.open(inp.current, byId, 'the scope run');
  const prev = inp.previous === undefined ? undefined : await Cursor.open(inp.previous, byId, 'the previous scope run');
  const pop = inp.population === undefined ? undefined : await Cursor.open(inp.population.ids, (s: string) => s, 'the population');
  const dir = await Cursor.open(inp.directory, (c: Contact) => c.account_id, 'the directory');
  try {
    yield* merge(inp, counts, { cur, prev, pop, dir });
  } finally {
    for (const c of [cur, prev, pop, dir]) await c?.close();
  }
}

interface Cursors {
  readonly cur: Cursor<AffectedPerson>;
  readonly prev: Cursor<AffectedPerson> | undefined;
  readonly pop: Cursor<string> | undefined;
  readonly dir: Cursor<Contact>;
}

async function* merge(inp: PlanInputs, counts: PlanCounts, { cur, prev, pop, dir }: Cursors): AsyncGenerator<PlannedNotice> {
  for (;;) {
    const a = cur.head?.account_id;
    const b = pop?.head;
    if (a === undefined && b === undefined) break;
    const id = a === undefined ? b! : b === undefined ? a : compareIds(a, b) <= 0 ? a : b;
    if (prev !== undefined) counts.removed += await prev.skipBelow(id);
    await dir.skipBelow(id);
    const contact = await dir.take(id);
    const person = await cur.take(id);
    await pop?.take(id);
    const before = await prev?.take(id);
    let notice: PlannedNotice;
    if (person !== undefined) {
      counts.affected++;
      const base = { account_id: id, fields: person.fields, first_access: person.first_access, last_access: person.last_access, contact };
      if (prev === undefined) notice = { ...base, kind: 'initial', reason: 'first', new_fields: [] };
      else if (before === undefined) notice = { ...base, kind: 'initial', reason: 'added', new_fields: [] };
      else {
        const had = new Set(before.fields);
        const grown = person.fields.filter((f) => !had.has(f));
        if (grown.length === 0) { counts.unchanged++; continue; }
        notice = { ...base, kind: 'update', reason: 'fields_grew', new_fields: grown };
      }
    } else {
      if (before !== undefined) counts.removed++;
      const leak = inp.population!.leak;
      notice = {
        kind: 'possible_leak', reason: 'possible', account_id: id, fields: [...leak.fields].sort(), new_fields: [],
        first_access: leak.period.from, last_access: leak.period.to, contact,
      };
    }
    counts[notice.kind]++;
    if (contact === undefined || (contact.email === '' && contact.phone === '')) counts.no_contact++;
    yield notice;
  }
  if (prev !== undefined) while (prev.head !== undefined) { counts.removed++; await prev.next(); }
}
