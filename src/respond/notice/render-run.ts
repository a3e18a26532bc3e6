/**
 * `notice render` as a function: plans every person's notice in one sorted pass on the main
 * thread and hands them in batches to render threads (render-pool.ts), which word each in the
 * person's locale, compose the email message, store it (a block of mbox text per batch, or a
 * file each) and format its mail-merge row; the main thread takes the batches back in order,
 * appends each batch's block to `notices.mbox`, records each notice in the evidence log,
 * writes the mail-merge files in account order, and ends with the posting pages and the
 * manifest. Progress goes to a callback as counts only.
 */
import { createHash } from 'node:crypto';
import { BreachwatchError, DEFAULTS } from '../../model/index.js';
import type { QuarantineWriter } from '../../ingest/index.js';
import type { EvidenceLog } from '../../evidence/index.js';
import { ContentBuilder } from './content.js';
import { EvidenceBatch } from './evidence-batch.js';
import type { IncidentInfo } from './incident-info.js';
import type { NoticeKit } from './kit.js';
import { emptyCounts, planNotices } from './plan.js';
import type { Population } from './population.js';
import { PostingScope, renderPostings } from './posting.js';
import { RenderFolder, RENDER_FILES } from './render-folder.js';
import type { RenderedBatch, RenderedRow } from './render-one.js';
import { startRenderer } from './render-pool.js';
import type { AffectedSource, ContactDirectory, MessageFormat, NoticeChannel, PlanCounts, PlannedNotice } from './types.js';

/** Notices a render thread gets at once (a message costs tens of µs; a batch, one round trip). */
const BATCH = 128;

/** Batches in flight per thread: each has the next one queued while the main thread writes rows. */
const IN_FLIGHT_PER_THREAD = 3;

/** Progress of a render. */
export interface RenderProgress {
  readonly rendered: number;
  /** Persons the scope run names, when its source knows. */
  readonly expected: number | undefined;
  readonly elapsedMs: number;
}

/** What {@link renderNotices} reads and writes. */
export interface RenderOptions {
  readonly incident: IncidentInfo;
  readonly kit: NoticeKit;
  readonly current: AffectedSource;
  readonly previous?: AffectedSource;
  readonly directory: ContactDirectory;
  readonly population?: Population;
  /** The render folder to create (new or empty). */
  readonly out: string;
  /** How the messages are stored (default `DEFAULTS.notice.format`): one `notices.mbox`, or an `.eml` each. */
  readonly format?: MessageFormat;
  /** Where bad input rows go (the caller opens it, usually inside `out`). */
  readonly quarantine: QuarantineWriter;
  /** Record each notice as a `notice_rendered` entry. */
  readonly evidence?: EvidenceLog;
  /** Persons expected (for progress), e.g. summary.json's accounts_affected. */
  readonly expected?: number;
  readonly now?: () => Date;
  /** Render threads (default `DEFAULTS.notice.renderWorkers`; 0: this thread). */
  readonly threads?: number;
  readonly onProgress?: (p: RenderProgress) => void;
}

/** What a render did (also the manifest's body). */
export interface RenderSummary {
  readonly out: string;
  readonly format: MessageFormat;
  readonly incident_id: string;
  /** The envelope sender `notice send` uses. */
  readonly sender: string;
  readonly rules: { readonly id: string; readonly as_of: string; readonly reviewed_by: string | null };
  readonly templates: readonly { readonly locale: string; readonly template: string; readonly version: string }[];
  readonly rendered_at: string;
  readonly scope: string;
  readonly previous_scope: string | null;
  readonly counts: PlanCounts;
  readonly by_channel: Record<NoticeChannel, number>;
  readonly by_locale: Record<string, number>;
  readonly messages: number;
  readonly message_bytes: number;
  readonly posting_pages: readonly { readonly locale: string; readonly file: string; readonly sha256: string; readonly evidence_index: number }[];
  readonly unlabelled_fields: readonly string[];
  readonly quarantined: number;
  readonly evidence: { readonly log_id: string; readonly first: number; readonly entries: number } | null;
  readonly elapsed_ms: number;
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** Renders every notice of the inputs into `opts.out`. */
export async function renderNotices(opts: RenderOptions): Promise<RenderSummary> {
  const { incident, kit } = opts;
  const started = performance.now();
  const now = (opts.now ?? (() => new Date()))();
  const format = opts.format ?? DEFAULTS.notice.format;
  const folder = await RenderFolder.create(opts.out, format);
  const content = new ContentBuilder(kit, incident, now.getTime());
  const evidence = opts.evidence === undefined ? undefined : new EvidenceBatch(opts.evidence, 'notice_rendered');
  const firstEntry = opts.evidence?.size ?? 0;
  const counts = emptyCounts();
  const byChannel: Record<NoticeChannel, number> = { email: 0, sms: 0, posting: 0 };
  const byLocale: Record<string, number> = {};
  const posting = new PostingScope();
  let messages = 0;
  let messageBytes = 0;
  let rendered = 0;

  const emit = async (r: RenderedRow, base: number): Promise<void> => {
    let evidenceIndex = -1;
    const f = r.facts;
    if (evidence !== undefined && f !== undefined && r.channel !== 'posting') {
      evidenceIndex = await evidence.add({
        incident_id: incident.id, notice_id: f.notice_id, message_id: f.message_id, account_id: f.account_id,
        kind: f.kind, reason: f.reason, channel: r.channel, locale: r.locale, template: f.template,
        rules: kit.rules.id, rules_as_of: kit.rules.as_of, sha256: f.sha256, bytes: r.bytes,
      });
    }
    await folder.addRow(r.csv, r.json, { offset: r.length === 0 ? 0 : base + r.offset, length: r.length, evidenceIndex });
    byChannel[r.channel]++;
    byLocale[r.locale] = (byLocale[r.locale] ?? 0) + 1;
    if (r.channel === 'email') { messages++; messageBytes += r.bytes; }
    if (++rendered % 1000 === 0) opts.onProgress?.({ rendered, expected: opts.expected, elapsedMs: performance.now() - started });
  };

  const pool = startRenderer(kit, incident, {
    now, dir: opts.out, format, facts: evidence !== undefined, threads: opts.threads ?? DEFAULTS.notice.renderWorkers,
  });
  const inFlight: Promise<RenderedBatch>[] = [];
  let batch: PlannedNotice[] = [];
  const send = (): void => {
    const job = pool.render(batch);
    job.catch(() => undefined); // awaited in order below; a failure surfaces there
    inFlight.push(job);
    batch = [];
  };
  const drain = async (): Promise<void> => {
    const b = await inFlight.shift()!;
    // One large append per batch; the rows' offsets are relative to its start.
    const { mbox } = b;
    const base = mbox === undefined ? 0 : await folder.appendMessages(mbox, () => { pool.recycle(mbox); });
    for (const r of b.rows) await emit(r, base);
  };
  try {
    const plan = planNotices({
      current: opts.current.persons(),
      ...(opts.previous !== undefined && { previous: opts.previous.persons() }),
      ...(opts.population !== undefined && incident.possible_leak !== undefined && { population: { ids: opts.population.ids(), leak: incident.possible_leak } }),
      directory: opts.directory.contacts(),
    }, counts);
    for await (const n of plan) {
      if (n.contact === undefined || (n.contact.email === '' && n.contact.phone === '')) posting.add(n);
      batch.push(n);
      if (batch.length < BATCH) continue;
      send();
      if (inFlight.length >= IN_FLIGHT_PER_THREAD * Math.max(1, pool.threads)) await drain();
    }
    if (batch.length > 0) send();
    while (inFlight.length > 0) await drain();
    await pool.close();
    await evidence?.flush();
    const pages = [];
    for (const p of renderPostings(kit, content, posting)) {
      await folder.writeText(p.file, p.html);
      const hash = sha256(p.html);
      const index = evidence === undefined ? -1 : await evidence.add({
        incident_id: incident.id, posting: true, locale: p.locale, file: p.file, sha256: hash, persons: posting.persons,
        rules: kit.rules.id, rules_as_of: kit.rules.as_of,
      });
      pages.push({ locale: p.locale, file: p.file, sha256: hash, evidence_index: index });
    }
    await evidence?.flush();
    await opts.quarantine.drain();
    const summary: RenderSummary = {
      out: opts.out, format, incident_id: incident.id, sender: incident.sender.email,
      rules: { id: kit.rules.id, as_of: kit.rules.as_of, reviewed_by: kit.rules.reviewed_by },
      templates: [...kit.templates.values()].map((t) => ({ locale: t.locale, template: t.template, version: t.version })),
      rendered_at: now.toISOString(), scope: opts.current.describe, previous_scope: opts.previous?.describe ?? null,
      counts, by_channel: byChannel, by_locale: byLocale, messages, message_bytes: messageBytes, posting_pages: pages,
      unlabelled_fields: [...new Set([...kit.labels.values()].flatMap((l) => [...l.unlabelled]))].sort(),
      quarantined: opts.quarantine.count,
      evidence: opts.evidence === undefined ? null : { log_id: opts.evidence.logId, first: firstEntry, entries: opts.evidence.size - firstEntry },
      elapsed_ms: Math.round(performance.now() - started),
    };
    await folder.finish({ kind: 'breachwatch-notices', files: RENDER_FILES, ...summary });
    return summary;
  } catch (e) {
    await Promise.allSettled(inFlight);
    await pool.close();
    await folder.abandon();
    if (e instanceof BreachwatchError) throw e;
    throw new BreachwatchError('ERR_INTERNAL', `notice render failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
