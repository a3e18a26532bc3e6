/**
 * The vocabulary of breach notices: who is affected (from a scope run), how to reach them
 * (from the customer directory), and which notice each person gets. The inputs sit behind
 * small interfaces ({@link AffectedSource}, {@link ContactDirectory}) so that a saved scope
 * run in the store can replace the scope folder without touching the renderer.
 */

/** Which notice a person gets. */
export type NoticeKind = 'initial' | 'update' | 'possible_leak';

/** Every notice kind (templates have a subject for each). */
export const NOTICE_KINDS = ['initial', 'update', 'possible_leak'] as const satisfies readonly NoticeKind[];

/** Why a person gets a notice in a follow-up run (`--previous-scope`). */
export type NoticeReason = 'first' | 'added' | 'fields_grew' | 'possible';

/** How a render stores its messages: one mbox file for all, or one `.eml` file each. */
export type MessageFormat = 'mbox' | 'eml';

/** Every message format (`notice render --format`). */
export const MESSAGE_FORMATS = ['mbox', 'eml'] as const satisfies readonly MessageFormat[];

/** How a notice reaches its person. */
export type NoticeChannel = 'email' | 'sms' | 'posting';

/** One affected person as a scope run found them (contract: one row of affected_accounts.csv). */
export interface AffectedPerson {
  readonly account_id: string;
  /** Catalog field names, sorted. */
  readonly fields: readonly string[];
  /** Epoch ms. */
  readonly first_access: number;
  readonly last_access: number;
  readonly accesses: number;
}

/**
 * Where affected persons come from, **sorted by account_id** (code-point order, as DuckDB
 * and the scope folder sort). Today a scope folder; later a saved scope run in the store.
 */
export interface AffectedSource {
  /** A name for messages (a path or a run id); never personal data. */
  readonly describe: string;
  persons(): AsyncIterable<AffectedPerson>;
}

/** A customer's contact details (contract input 6). Personal data: never logged. */
export interface Contact {
  readonly account_id: string;
  readonly name: string;
  /** Empty when the directory has none (or an unusable one). */
  readonly email: string;
  readonly phone: string;
  /** `ko`, `en`, or empty (the rules' default locale applies). */
  readonly locale: string;
}

/** Customers' contact details, streamed **sorted by account_id** (code-point order). */
export interface ContactDirectory {
  readonly describe: string;
  contacts(): AsyncIterable<Contact>;
  /** Releases what the directory holds (temporary files, a sort engine). */
  close(): Promise<void>;
}

/** One person's notice, decided but not rendered yet. */
export interface PlannedNotice {
  readonly kind: NoticeKind;
  readonly reason: NoticeReason;
  readonly account_id: string;
  /** Exposed (or, for `possible_leak`, possibly exposed) catalog field names, sorted. */
  readonly fields: readonly string[];
  /** Fields a follow-up adds to what the previous run found (empty otherwise). */
  readonly new_fields: readonly string[];
  /** Epoch ms; for `possible_leak` the incident's period. */
  readonly first_access: number;
  readonly last_access: number;
  /** Undefined when the directory has no usable entry for the account. */
  readonly contact: Contact | undefined;
}

/** What the planner counted on its way through the inputs. */
export interface PlanCounts {
  /** Rows of the current scope run. */
  affected: number;
  /** Persons that get a notice, by kind. */
  initial: number;
  update: number;
  possible_leak: number;
  /** With `--previous-scope`: persons whose notice is unchanged (no follow-up). */
  unchanged: number;
  /** With `--previous-scope`: persons the previous run had and this one does not (no notice; review). */
  removed: number;
  /** Persons to notify with no usable directory entry (covered by the posting page). */
  no_contact: number;
}
