/**
 * The evidence behind each affected account of a saved run: every personal-data request line
 * read back from the archive and hashed (one pass per file, in (file, line) order, hashes
 * stored in batches), then one `account_evidence` entry per account listing its lines
 * `[{file, line, sha256}]` (chunked past {@link LINES_PER_ENTRY}), appended with the log's
 * batch append. One entry per account, not per line: each entry costs a leaf and tree work.
 */
import type { EvidenceLog, LineRef, NewEntry } from '../../evidence/index.js';
import { toRfc3339 } from '../../model/index.js';
import type { AccountEvidenceRef, AccountLines, AffectedAccount, LineHash } from '../../store/index.js';
import { archivePath, type RespondContext } from '../context.js';
import { hashLines } from './read-lines.js';

/** Lines listed in one `account_evidence` entry; an account with more gets several entries. */
export const LINES_PER_ENTRY = 2000;
const HASH_BATCH = 50_000;

/** What reading the archive back found. */
export interface LinesHashed {
  readonly lines: number;
  readonly hashed: number;
  /** Lines that could not be read back, by problem (`file_missing`, `line_missing`, `not_a_file`). */
  readonly problems: Readonly<Record<string, number>>;
}

/** Reads back and hashes every personal-data request line of run `runId`, storing the hashes. */
export async function hashRunLines(ctx: RespondContext, runId: string): Promise<LinesHashed> {
  let lines = 0;
  let hashed = 0;
  const problems: Record<string, number> = {};
  let batch: LineHash[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length > 0) await ctx.store.putLineHashes(runId, batch);
    batch = [];
  };
  const doFile = async (file: string, wanted: number[]): Promise<void> => {
    const uniq = [...new Set(wanted)];
    for (const h of await hashLines(archivePath(ctx, file), file, uniq)) {
      lines++;
      if (h.sha256 !== null) hashed++;
      else problems[h.problem ?? 'unknown'] = (problems[h.problem ?? 'unknown'] ?? 0) + 1;
      batch.push(h);
    }
    if (batch.length >= HASH_BATCH) await flush();
  };
  let file: string | undefined;
  let wanted: number[] = [];
  for await (const r of ctx.store.runRequestsByFile(runId)) {
    if (r.file !== file) {
      if (file !== undefined) await doFile(file, wanted);
      file = r.file;
      wanted = [];
    }
    wanted.push(r.line);
    // Bound memory for one huge file: hash what is gathered so far, then carry on (reads the file again from the top).
    if (wanted.length >= HASH_BATCH * 4) {
      await doFile(file, wanted);
      wanted = [];
    }
  }
  if (file !== undefined && wanted.length > 0) await doFile(file, wanted);
  await flush();
  return { lines, hashed, problems };
}

/** Zips two streams sorted by account_id that hold the same accounts. */
async function* zipAccounts(a: AsyncIterable<AffectedAccount>, l: AsyncIterable<AccountLines>): AsyncGenerator<[AffectedAccount, AccountLines]> {
  const li = l[Symbol.asyncIterator]();
  for await (const acc of a) {
    let next = await li.next();
    while (!next.done && next.value.account_id < acc.account_id) next = await li.next();
    yield [acc, !next.done && next.value.account_id === acc.account_id ? next.value : { account_id: acc.account_id, lines: [] }];
  }
}

/**
 * The `account_evidence` entries of one affected account: its exposure and its lines, in parts
 * of at most {@link LINES_PER_ENTRY} (one entry, with no lines, when it has none).
 */
export function* accountEvidenceEntries(incidentId: string, runId: string, acc: AffectedAccount, lines: readonly LineHash[]): Generator<NewEntry<'account_evidence'>> {
  const parts = Math.max(1, Math.ceil(lines.length / LINES_PER_ENTRY));
  const fields = [...acc.fields];
  const firstAccess = toRfc3339(acc.first_access);
  const lastAccess = toRfc3339(acc.last_access);
  for (let p = 0; p < parts; p++) {
    const refs: LineRef[] = [];
    // Only file, line and hash are evidence (a read-back problem is the store's, not the log's).
    for (let i = p * LINES_PER_ENTRY, end = Math.min(lines.length, i + LINES_PER_ENTRY); i < end; i++) {
      const x = lines[i]!;
      refs.push({ file: x.file, line: x.line, sha256: x.sha256 });
    }
    yield {
      kind: 'account_evidence', payload: {
        incident_id: incidentId, run_id: runId, account_id: acc.account_id, fields, first_access: firstAccess, last_access: lastAccess,
        accesses: acc.accesses, part: p + 1, parts, lines: refs,
      },
    };
  }
}

/** Appends each affected account's `account_evidence` entries and stores where they are. */
export async function recordAccountEvidence(ctx: RespondContext, log: EvidenceLog, incidentId: string, runId: string): Promise<{ accounts: number; entries: number }> {
  const refs: { account_id: string; offset: number; entries: number }[] = [];
  let offset = 0;
  const store = ctx.store;
  async function* entries(): AsyncGenerator<NewEntry> {
    for await (const [acc, lines] of zipAccounts(store.runAccounts(runId), store.runAccountLines(runId))) {
      const first = offset;
      for (const e of accountEvidenceEntries(incidentId, runId, acc, lines.lines)) {
        offset++;
        yield e;
      }
      refs.push({ account_id: acc.account_id, offset: first, entries: offset - first });
    }
  }
  const r = await log.appendMany(entries());
  if (r.rejected > 0) throw new Error(`evidence log rejected ${String(r.rejected)} account entries`);
  const rows: AccountEvidenceRef[] = refs.map((x) => ({ account_id: x.account_id, first_entry: r.first + x.offset, entries: x.entries }));
  for (let i = 0; i < rows.length; i += HASH_BATCH) await store.putAccountEvidence(runId, rows.slice(i, i + HASH_BATCH));
  return { accounts: rows.length, entries: r.appended };
}
