/**
 * Who the portal can answer for, read once at start-up: the customer directory (every email
 * and phone number → its account, keyed by {@link identifierKey}) and the saved scope run (each
 * directory account's exposure). An identifier listed for two accounts answers for neither —
 * a code sent to a shared address would show one person another's data. The portal closes the
 * store again after loading, so it never holds the store's lock while it runs.
 */
import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { QuarantineWriter } from '../ingest/index.js';
import { csvDirectory, incidentView, requireRun, type IncidentView, type RespondContext } from '../respond/index.js';
import type { AffectedAccount, ScopeRunRow } from '../store/index.js';
import { BreachwatchError } from '../model/index.js';
import { identifierKey, parseIdentifier, type IdentifierKind } from './identifiers.js';

/** One directory person, as the portal knows them. */
export interface Person {
  readonly accountId: string;
  readonly name: string;
  readonly locale: 'ko' | 'en';
  /** The contact the code went to, and so the contact verified by it. */
  readonly channel: IdentifierKind;
  readonly contact: string;
}

/** What the portal answers from. */
export interface People {
  readonly incident: IncidentView;
  readonly run: ScopeRunRow;
  /** identifier key → person. */
  readonly byKey: ReadonlyMap<string, Person>;
  /** account → exposure in the run (absent: not affected). */
  readonly exposure: ReadonlyMap<string, AffectedAccount>;
  readonly counts: { readonly contacts: number; readonly ambiguous: number; readonly affected: number };
}

/** Loads the incident, its run and the directory (the caller closes the store afterwards). */
export async function loadPeople(ctx: RespondContext, opts: {
  incidentId: string; runId?: string; directory: string; stateDir: string; secret: KeyObject;
}): Promise<People> {
  const store = ctx.store;
  {
    const incident = await incidentView(ctx, opts.incidentId);
    const runId = opts.runId ?? incident.latest_run;
    if (runId === null) throw new BreachwatchError('ERR_STATE', `incident ${opts.incidentId} has no saved scope run yet (run incident scope first)`);
    const run = await requireRun(ctx, runId);
    if (run.incident_id !== opts.incidentId) throw new BreachwatchError('ERR_USAGE', `run ${runId} belongs to another incident`);
    const quarantine = new QuarantineWriter(join(opts.stateDir, 'directory-quarantine.ndjson'));
    const dir = csvDirectory(opts.directory, quarantine);
    const byKey = new Map<string, Person>();
    const ambiguousKeys = new Set<string>();
    const accounts = new Set<string>();
    try {
      for await (const c of dir.contacts()) {
        const locale = c.locale === 'en' ? 'en' : 'ko';
        for (const [channel, text] of [['email', c.email], ['phone', c.phone]] as const) {
          const id = text === '' ? undefined : parseIdentifier(text);
          if (id === undefined || id.kind !== channel) continue;
          const key = identifierKey(opts.secret, id);
          if (byKey.has(key) && byKey.get(key)?.accountId !== c.account_id) ambiguousKeys.add(key);
          byKey.set(key, { accountId: c.account_id, name: c.name, locale, channel, contact: text.trim() });
          accounts.add(c.account_id);
        }
      }
    } finally {
      await dir.close();
      await quarantine.close();
    }
    for (const k of ambiguousKeys) byKey.delete(k);
    const exposure = new Map<string, AffectedAccount>();
    for await (const a of store.runAccounts(runId)) if (accounts.has(a.account_id)) exposure.set(a.account_id, a);
    return { incident, run, byKey, exposure, counts: { contacts: byKey.size, ambiguous: ambiguousKeys.size, affected: exposure.size } };
  }
}
