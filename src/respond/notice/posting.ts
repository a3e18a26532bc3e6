/**
 * The website posting page: the notice for persons the company cannot reach (no usable
 * contact details) and for a possible-leak population, in every locale of the rules. It is
 * public, so it holds no personal data at all: the incident's whole list of fields and its
 * whole period, never a name, an account or a count of anyone's own.
 */
import type { ContentBuilder } from './content.js';
import type { NoticeKit } from './kit.js';
import { renderNotice } from './render-notice.js';
import type { NoticeKind, PlannedNotice } from './types.js';

/** What the posting page covers, gathered while rendering. */
export class PostingScope {
  private readonly fields = new Set<string>();
  private first = Infinity;
  private last = -Infinity;
  private exact = 0;
  private possible = 0;

  /** Adds a person the page must cover (their fields and times join the incident-wide ones). */
  add(n: PlannedNotice): void {
    for (const f of n.fields) this.fields.add(f);
    if (n.first_access < this.first) this.first = n.first_access;
    if (n.last_access > this.last) this.last = n.last_access;
    if (n.kind === 'possible_leak') this.possible++;
    else this.exact++;
  }

  /** Persons the page covers. */
  get persons(): number {
    return this.exact + this.possible;
  }

  /** The page's notice: the exact kind's wording when any exact victim is covered, else the possible-leak one. */
  asNotice(): PlannedNotice | undefined {
    if (this.persons === 0) return undefined;
    const kind: NoticeKind = this.exact > 0 ? 'initial' : 'possible_leak';
    return {
      kind, reason: 'first', account_id: '', fields: [...this.fields].sort(), new_fields: [],
      first_access: this.first, last_access: this.last, contact: undefined,
    };
  }
}

/** One posting page. */
export interface PostingPage {
  readonly locale: string;
  readonly file: string;
  readonly html: string;
  readonly text: string;
}

/** Renders the posting page of `scope` in every locale of the kit (none when it covers nobody). */
export function renderPostings(kit: NoticeKit, content: ContentBuilder, scope: PostingScope): PostingPage[] {
  const n = scope.asNotice();
  if (n === undefined) return [];
  return [...kit.templates.values()].map((t) => {
    const c = content.build(n, t.locale);
    const r = renderNotice(t, c, { greeting: t.posting.title, intro: t.posting.intro });
    return { locale: t.locale, file: `posting.${t.locale}.html`, html: r.html, text: r.text };
  });
}
