/**
 * `notice send` as a function: delivers a finished render folder (its messages in one mbox or
 * an `.eml` each, read by the offset and length each row names) through the mail component,
 * keeping the delivery ledger in the store so that a rerun (or a run after a crash) never
 * sends a person the same notice twice.
 *
 * The guarantee, honestly: for each notice the ledger records the intent (`queued`, with the
 * notice's stable Message-ID and the message's hash) before anything is sent, claims the
 * attempt (`sending`) before a byte leaves, and writes the server's answer as soon as it comes.
 * A sender killed between "the server accepted" and "the answer is written" leaves the row
 * `sending`; the next run turns it into `in_doubt` and does not send it again — at most once.
 * An operator who has checked the relay's log (the Message-ID is the key to look for) may
 * resend those with `resendInDoubt`; a resent message has the same Message-ID, so a duplicate
 * is detectable by the relay and the person's mail client. Only that explicit resend can give
 * a person a notice twice.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { BreachwatchError } from '../../model/index.js';
import type { EvidenceLog } from '../../evidence/index.js';
import type { DeliveryIntent, DeliveryRecord, DeliveryState, DeliveryStore } from '../../store/index.js';
import { retryDelayMs, type Mailer, type OutgoingMessage } from '../mail/index.js';
import { EvidenceBatch } from './evidence-batch.js';
import { MessageReader } from './message-reader.js';
import { RENDER_FILES, RENDER_FORMAT_VERSION, type MergeRow } from './render-folder.js';
import { MESSAGE_FORMATS, type MessageFormat } from './types.js';

/** Rows read, recorded and checked against the ledger at once. */
const PAGE = 1000;

/** Progress of a send (counts only: no addresses). */
export interface SendProgress {
  readonly read: number;
  readonly sent: number;
  readonly retry: number;
  readonly failed: number;
  readonly in_doubt: number;
  readonly elapsedMs: number;
}

/** What {@link sendNotices} reads and writes. */
export interface SendOptions {
  /** A finished render folder (`notice render --out`). */
  readonly folder: string;
  readonly ledger: DeliveryStore;
  readonly mailer: Mailer;
  /** Record each accepted notice as a `notice_sent` entry. */
  readonly evidence?: EvidenceLog;
  /** Queue `in_doubt` notices again (after checking the relay): may deliver a second copy. */
  readonly resendInDoubt?: boolean;
  /** Queue `failed` notices again (e.g. after fixing the relay's configuration). */
  readonly retryFailed?: boolean;
  /** How long to wait for due retries before returning (rows left `retry` are sent by a later run). */
  readonly maxWaitMs?: number;
  readonly now?: () => number;
  readonly onProgress?: (p: SendProgress) => void;
}

/** What a send did. */
export interface SendSummary {
  readonly folder: string;
  readonly incident_id: string;
  /** Notices in the folder, by channel. */
  readonly notices: Readonly<Record<MergeRow['channel'], number>>;
  /** Intents new to the ledger, and those it had already. */
  readonly recorded: number;
  readonly already_in_ledger: number;
  /** Rows an interrupted earlier run left `sending`, now `in_doubt`. */
  readonly interrupted_before: number;
  readonly requeued: number;
  /** Outcomes of this run's attempts. */
  readonly attempts: number;
  readonly sent: number;
  readonly failed: number;
  readonly in_doubt: number;
  /** Notices of a channel no transport was given for (not recorded; a later run can send them). */
  readonly no_transport: number;
  /** The ledger of this incident afterwards. */
  readonly ledger: Readonly<Record<DeliveryState, number>>;
  readonly evidence: { readonly log_id: string; readonly entries: number } | null;
  readonly elapsed_ms: number;
}

interface Manifest { readonly v: number; readonly kind: string; readonly format: MessageFormat; readonly incident_id: string; readonly sender: string }

async function readManifest(folder: string): Promise<Manifest> {
  const path = join(folder, RENDER_FILES.manifest);
  const text = await readFile(path, 'utf8').catch((e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BreachwatchError(code === 'ENOENT' ? 'ERR_INPUT_INVALID' : 'ERR_INPUT_UNREADABLE',
      code === 'ENOENT' ? `${folder} has no ${RENDER_FILES.manifest}: not a finished render (run notice render again)` : `${path}: ${code ?? 'unreadable'}`, { cause: e });
  });
  let m: Partial<Manifest>;
  try { m = JSON.parse(text) as Partial<Manifest>; } catch { throw new BreachwatchError('ERR_INPUT_INVALID', `${path}: not JSON`); }
  if (m.kind !== 'breachwatch-notices' || typeof m.incident_id !== 'string' || typeof m.sender !== 'string') {
    throw new BreachwatchError('ERR_INPUT_INVALID', `${path}: not a breachwatch notice render`);
  }
  if (m.v !== RENDER_FORMAT_VERSION) throw new BreachwatchError('ERR_INPUT_INVALID', `${path}: format v${String(m.v)}, this breachwatch reads v${RENDER_FORMAT_VERSION}`);
  if (!(MESSAGE_FORMATS as readonly unknown[]).includes(m.format)) throw new BreachwatchError('ERR_INPUT_INVALID', `${path}: message format ${String(m.format)} is not one of ${MESSAGE_FORMATS.join(', ')}`);
  return m as Manifest;
}

async function* pages(folder: string): AsyncGenerator<MergeRow[]> {
  const file = join(folder, RENDER_FILES.ndjson);
  let page: MergeRow[] = [];
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    line++;
    if (text === '') continue;
    try {
      page.push(JSON.parse(text) as MergeRow);
    } catch {
      throw new BreachwatchError('ERR_INPUT_INVALID', `${file}:${line}: not JSON (the render folder was changed)`);
    }
    if (page.length >= PAGE) { yield page; page = []; }
  }
  if (page.length > 0) yield page;
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** Sends every notice of `opts.folder` not sent yet; see the file comment for the guarantee. */
export async function sendNotices(opts: SendOptions): Promise<SendSummary> {
  const started = performance.now();
  const now = opts.now ?? Date.now;
  const { ledger, mailer } = opts;
  const m = await readManifest(opts.folder);
  const incident = m.incident_id;
  const transports = mailer.channels;
  const canSend = (c: MergeRow['channel']): boolean => c !== 'posting' && transports.has(c);
  const evidence = opts.evidence === undefined ? undefined : new EvidenceBatch(opts.evidence, 'notice_sent');
  const firstEntry = opts.evidence?.size ?? 0;
  const notices: Record<MergeRow['channel'], number> = { email: 0, sms: 0, posting: 0 };
  const tally = { read: 0, recorded: 0, existing: 0, attempts: 0, sent: 0, retry: 0, failed: 0, in_doubt: 0, noTransport: 0 };
  const progress = (): void => opts.onProgress?.({
    read: tally.read, sent: tally.sent, retry: tally.retry, failed: tally.failed, in_doubt: tally.in_doubt, elapsedMs: performance.now() - started,
  });
  const noted: { notice_id: string; index: number }[] = [];

  const interrupted = await ledger.markInterrupted(incident);
  const from: DeliveryState[] = [...(opts.resendInDoubt === true ? ['in_doubt' as const] : []), ...(opts.retryFailed === true ? ['failed' as const] : [])];
  const requeued = from.length > 0 ? await ledger.requeueDeliveries({ incident_id: incident, from }) : 0;

  const messages = new MessageReader(opts.folder, m.format);
  const message = async (row: MergeRow): Promise<OutgoingMessage | string> => {
    if (row.channel === 'sms') return sha256(row.sms_text) === row.sha256 ? { channel: 'sms', id: row.message_id, to: row.phone, text: row.sms_text } : 'sms text changed since render';
    const raw = await messages.read(row);
    if (typeof raw === 'string') return raw;
    if (sha256(raw) !== row.sha256) return 'message changed since render';
    return { channel: 'email', id: row.message_id, from: m.sender, to: row.email, raw };
  };

  const attempt = async (row: MergeRow): Promise<void> => {
    const claimed = await ledger.claimDelivery(row.notice_id, now());
    if (claimed === undefined) return; // another state: sent, in doubt, failed, or not due
    tally.attempts++;
    const msg = await message(row);
    if (typeof msg === 'string') {
      await ledger.settleDelivery(row.notice_id, { state: 'failed', at: now(), response: msg });
      tally.failed++;
      return;
    }
    let r;
    try {
      r = await mailer.attempt(msg);
    } catch (e) {
      // The transport itself cannot work (auth, TLS): nothing left for this notice.
      await ledger.settleDelivery(row.notice_id, { state: 'retry', at: now(), response: 'transport not usable', next_attempt_at: now() });
      throw e;
    }
    const at = now();
    if (r.status === 'accepted') {
      await ledger.settleDelivery(row.notice_id, { state: 'sent', at, response: r.response });
      tally.sent++;
      if (evidence !== undefined) {
        const index = await evidence.add({
          incident_id: incident, notice_id: row.notice_id, message_id: row.message_id, account_id: row.account_id,
          channel: row.channel, kind: row.kind, sha256: row.sha256, attempts: claimed.attempts, response: r.response,
        });
        noted.push({ notice_id: row.notice_id, index });
      }
    } else if (r.status === 'temporary' && claimed.attempts < mailer.retry.attempts) {
      await ledger.settleDelivery(row.notice_id, { state: 'retry', at, response: r.response, next_attempt_at: at + retryDelayMs(mailer.retry, claimed.attempts) });
      tally.retry++;
    } else if (r.status === 'unknown') {
      await ledger.settleDelivery(row.notice_id, { state: 'in_doubt', at, response: r.response });
      tally.in_doubt++;
    } else {
      await ledger.settleDelivery(row.notice_id, { state: 'failed', at, response: r.response });
      tally.failed++;
    }
  };

  const flushEvidence = async (): Promise<void> => {
    if (evidence === undefined) return;
    await evidence.flush();
    await ledger.noteDeliveryEvidence(noted.splice(0));
  };

  /** One pass over the folder; `only` limits it to these notices (retries). */
  const pass = async (first: boolean, only?: ReadonlySet<string>): Promise<void> => {
    for await (const page of pages(opts.folder)) {
      const sendable = page.filter((r) => r.channel !== 'posting' && (only === undefined || only.has(r.notice_id)));
      if (first) {
        for (const r of page) notices[r.channel]++;
        tally.read += page.length;
        const usable = sendable.filter((r) => canSend(r.channel));
        tally.noTransport += sendable.length - usable.length;
        const intents: DeliveryIntent[] = usable.map((r) => ({
          notice_id: r.notice_id, message_id: r.message_id, incident_id: incident, account_id: r.account_id,
          channel: r.channel as DeliveryIntent['channel'], kind: r.kind, content_sha256: r.sha256,
        }));
        const rec = await ledger.recordIntents(intents);
        tally.recorded += rec.recorded;
        tally.existing += rec.existing;
      }
      // One read of the page's ledger rows skips what is settled without a claim per row.
      const states = new Map<string, DeliveryRecord>();
      const ids = sendable.filter((r) => canSend(r.channel)).map((r) => r.notice_id);
      for (const rec of await ledger.listDeliveries({ notice_ids: ids, states: ['queued', 'retry'], due_at: now() })) states.set(rec.notice_id, rec);
      for (const r of sendable) if (states.has(r.notice_id)) await attempt(r);
      await flushEvidence();
      progress();
    }
  };

  try {
    await pass(true);
    const deadline = performance.now() + (opts.maxWaitMs ?? 0);
    for (;;) {
      const waiting = await ledger.listDeliveries({ incident_id: incident, states: ['retry'] });
      if (waiting.length === 0) break;
      const due = Math.min(...waiting.map((w) => w.next_attempt_at ?? 0));
      const wait = Math.max(0, due - now());
      if (performance.now() + wait > deadline) break;
      await sleep(wait);
      tally.retry = 0;
      await pass(false, new Set(waiting.filter((w) => (w.next_attempt_at ?? 0) <= now()).map((w) => w.notice_id)));
    }
  } finally {
    await flushEvidence().catch(() => undefined);
    await messages.close().catch(() => undefined);
  }
  const counts = await ledger.deliveryCounts(incident);
  return {
    folder: opts.folder, incident_id: incident, notices, recorded: tally.recorded, already_in_ledger: tally.existing,
    interrupted_before: interrupted, requeued, attempts: tally.attempts, sent: tally.sent, failed: tally.failed,
    in_doubt: tally.in_doubt, no_transport: tally.noTransport, ledger: counts,
    evidence: opts.evidence === undefined ? null : { log_id: opts.evidence.logId, entries: opts.evidence.size - firstEntry },
    elapsed_ms: Math.round(performance.now() - started),
  };
}
