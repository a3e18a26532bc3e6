/**
 * Entries from NDJSON: one payload object per line, of one kind. Bad lines are data, as
 * everywhere in breachwatch: a line that is not a JSON object, or has no canonical form, goes
 * to the quarantine with file, line and reason, and the rest are appended; the counts add up
 * (lines = appended + quarantined + blank).
 */
import { readLines, type QuarantineWriter } from '../ingest/index.js';
import { encodeEntry, type NewEntry } from './entry.js';
import type { EvidenceKind, JsonObject } from './kinds.js';

/** Line counts of one input. */
export interface PayloadLineCounts {
  lines: number;
  entries: number;
  quarantined: number;
  blank: number;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The entries of `kind` whose payloads are the lines of `file` (`-` for stdin, `.gz` read
 * gunzipped); `counts` is filled in as the lines are read.
 * @example
 * const counts = { lines: 0, entries: 0, quarantined: 0, blank: 0 };
 * await log.appendMany(payloadLines('alerts.ndjson', 'alert', quarantine, counts));
 */
export async function* payloadLines(file: string, kind: EvidenceKind, quarantine: QuarantineWriter, counts: PayloadLineCounts): AsyncGenerator<NewEntry> {
  const now = new Date(0).toISOString(); // only to check the canonical form; the log stamps the real time
  for await (const batch of readLines(file)) {
    const bad = new Map(batch.bad.map((b) => [b.line, b]));
    for (const [i, text] of batch.texts.entries()) {
      const line = batch.firstLine + i;
      counts.lines++;
      const b = bad.get(line);
      if (b !== undefined) {
        quarantine.write({ file, line, reason: b.reason, message: b.message, excerpt: b.excerpt });
        counts.quarantined++;
        continue;
      }
      if (text.trim() === '') { counts.blank++; continue; }
      let payload: unknown;
      try {
        payload = JSON.parse(text);
      } catch (e) {
        quarantine.write({ file, line, reason: 'bad_json', message: (e as Error).message, excerpt: text.slice(0, 200) });
        counts.quarantined++;
        continue;
      }
      const entry = { kind, payload: isObject(payload) ? payload : {} } as NewEntry;
      const check = isObject(payload) ? encodeEntry(entry, now) : { ok: false as const, issues: [{ code: 'not_object', message: 'a payload is a JSON object' }] };
      if (!check.ok) {
        const issue = check.issues[0];
        quarantine.write({ file, line, reason: issue?.code ?? 'invalid', message: `${issue?.message ?? 'invalid'}${issue?.path !== undefined ? ` at ${issue.path}` : ''}`, excerpt: text.slice(0, 200) });
        counts.quarantined++;
        continue;
      }
      counts.entries++;
      yield entry;
    }
    await quarantine.drain();
  }
}
