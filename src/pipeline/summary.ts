/**
 * The run summary of `hunt`: what was read, what was quarantined and why, what fired.
 * Rendered as text for people and written as JSON for scripts.
 */
import type { Alert, Severity } from '../model/index.js';
import type { CoverageReport } from '../detect/index.js';
import { SEVERITIES, toRfc3339 } from '../model/index.js';
import { fmtCount, fmtDuration } from './progress.js';

/** Per-file ingest counts (lines = blank + accepted + quarantined). */
export interface FileCounts {
  readonly file: string;
  readonly lines: number;
  readonly blank: number;
  readonly accepted: number;
  readonly quarantined: number;
  readonly byReason: Readonly<Record<string, number>>;
}

/** What ingest reports at the end of a stream. */
export interface IngestStatsLike {
  readonly files: readonly FileCounts[];
  readonly late: number;
}

export interface HuntSummary {
  readonly files: readonly FileCounts[];
  readonly totals: { lines: number; blank: number; accepted: number; quarantined: number; late: number };
  readonly quarantinedByReason: Record<string, number>;
  readonly quarantine: string;
  /** The store written, as a URL without secrets. */
  readonly store: string;
  readonly alertsFile?: string;
  readonly window: { from: string; to: string } | null;
  /** Open alerts by severity and detector; retracted ones counted apart; unverifiable token alerts counted apart too. */
  readonly alerts: {
    total: number; bySeverity: Record<Severity, number>; byDetector: Record<string, number>; retracted: number; unverifiable: number;
  };
  /** What the ledger covered (edges, gaps), each source's clock correction, tokens left unverifiable. */
  readonly coverage?: CoverageReport;
  /** Earliest alert of the most severe level: when it fired and how long after its first event. */
  readonly firstCritical?: { alert_id: string; detector: string; first_seen: string; detected_at: string; time_to_detect_ms: number };
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly stateBytes: number;
}

/**
 * Builds the summary from the parts of a finished run. `refused` are the lines the parser
 * accepted and the store refused (quarantined as `store_refused`): each moves from its file's
 * accepted count to its quarantined count, so that lines = blank + accepted + quarantined still
 * holds and `accepted` is what was stored (detection saw the refused ones too).
 */
export function summarizeRun(x: {
  stats: IngestStatsLike; alerts: readonly Alert[]; quarantinePath: string; store: string; alertsPath?: string;
  window: { from: number; to: number } | null; seconds: number; stateBytes: number; coverage?: CoverageReport;
  refused?: readonly { readonly file: string }[];
}): HuntSummary {
  const totals = { lines: 0, blank: 0, accepted: 0, quarantined: 0, late: x.stats.late };
  const byReason: Record<string, number> = {};
  const files = withRefused(x.stats.files, x.refused ?? []);
  for (const f of files) {
    totals.lines += f.lines; totals.blank += f.blank; totals.accepted += f.accepted; totals.quarantined += f.quarantined;
    for (const [k, v] of Object.entries(f.byReason)) byReason[k] = (byReason[k] ?? 0) + v;
  }
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byDetector: Record<string, number> = {};
  let retracted = 0;
  let unverifiable = 0;
  for (const a of x.alerts) {
    if (a.status === 'retracted') {
      retracted++;
      continue;
    }
    if (a.verdict === 'unverifiable') unverifiable++;
    bySeverity[a.severity]++;
    byDetector[a.detector] = (byDetector[a.detector] ?? 0) + 1;
  }
  const critical = x.alerts
    .filter((a) => a.severity === 'critical' && a.events > 0 && a.status !== 'retracted')
    .sort((a, b) => a.detected_at.localeCompare(b.detected_at))[0];
  return {
    files, totals, quarantinedByReason: byReason, quarantine: x.quarantinePath, store: x.store,
    ...(x.alertsPath !== undefined && { alertsFile: x.alertsPath }),
    window: x.window && { from: toRfc3339(x.window.from), to: toRfc3339(x.window.to) },
    alerts: { total: x.alerts.length - retracted, bySeverity, byDetector, retracted, unverifiable },
    ...(x.coverage !== undefined && { coverage: x.coverage }),
    ...(critical !== undefined && {
      firstCritical: {
        alert_id: critical.alert_id, detector: critical.detector, first_seen: critical.first_seen,
        detected_at: critical.detected_at,
        time_to_detect_ms: Date.parse(critical.detected_at) - Date.parse(critical.first_seen),
      },
    }),
    seconds: x.seconds,
    eventsPerSecond: x.seconds > 0 ? totals.accepted / x.seconds : 0,
    stateBytes: x.stateBytes,
  };
}

/** Each file's counts with its store-refused lines moved from accepted to quarantined. */
function withRefused(files: readonly FileCounts[], refused: readonly { readonly file: string }[]): readonly FileCounts[] {
  if (refused.length === 0) return files;
  const n = new Map<string, number>();
  for (const r of refused) n.set(r.file, (n.get(r.file) ?? 0) + 1);
  return files.map((f) => {
    const k = Math.min(n.get(f.file) ?? 0, f.accepted);
    return k === 0 ? f : {
      ...f, accepted: f.accepted - k, quarantined: f.quarantined + k,
      byReason: { ...f.byReason, store_refused: (f.byReason.store_refused ?? 0) + k },
    };
  });
}

/** The coverage lines of the text summary: only what needs a reader's attention. */
function renderCoverage(c: CoverageReport): string[] {
  if (!c.tracked) return ['coverage: not tracked (every unrecorded token judged forged)'];
  const out = [`ledger coverage: ${c.ledger.first ?? 'no records'} → ${c.ledger.last ?? '-'}` +
    `${c.ledger.ended_early ? ' (ended before the access feed)' : ''}; access ${c.access.first ?? '-'} → ${c.access.last ?? '-'}`];
  for (const g of c.gaps) {
    out.push(`  ledger gap ${g.from} → ${g.to ?? 'still open'} (${fmtDuration(g.duration_ms ?? 0)}, ~${g.expected_records} records missing, ` +
      `${g.sign_ins} sign-ins meanwhile): ${g.unverifiable_tokens} tokens unverifiable`);
  }
  for (const [why, n] of Object.entries(c.unverifiable_tokens)) out.push(`  ${n} tokens unverifiable: ${why.replace(/_/g, ' ')}`);
  for (const k of c.clocks.filter((x) => x.beyond_tolerance)) {
    out.push(`  clock of ${k.name}: ${fmtDuration(Math.abs(k.estimate_ms ?? 0))} ${(k.estimate_ms ?? 0) < 0 ? 'behind' : 'ahead of'} the ledger, ` +
      `corrected by ${fmtDuration(Math.abs(k.corrected_ms))}${k.clamped ? ' (bound reached)' : ''} over ${fmtCount(k.samples)} samples`);
  }
  return out;
}

/** Renders a summary for a person. */
export function renderSummary(s: HuntSummary): string {
  const t = s.totals;
  const lines = [
    `read ${fmtCount(t.lines)} lines in ${s.files.length} files: ${fmtCount(t.accepted)} accepted, ` +
      `${fmtCount(t.quarantined)} quarantined, ${fmtCount(t.blank)} blank` + (t.late > 0 ? `, ${fmtCount(t.late)} late (processed)` : ''),
  ];
  if (t.quarantined > 0) {
    const reasons = Object.entries(s.quarantinedByReason).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${fmtCount(v)}`);
    lines.push(`quarantined lines (${reasons.join(', ')}) → ${s.quarantine}`);
  }
  if (s.window) lines.push(`event time ${s.window.from} → ${s.window.to}`);
  const sev = SEVERITIES.map((k) => `${s.alerts.bySeverity[k]} ${k}`).join(', ');
  const apart = [s.alerts.unverifiable > 0 ? `${s.alerts.unverifiable} unverifiable` : '', s.alerts.retracted > 0 ? `${s.alerts.retracted} retracted, not counted` : '']
    .filter(Boolean).join('; ');
  lines.push(`alerts: ${s.alerts.total} (${sev})` + (apart !== '' ? `; ${apart}` : ''));
  for (const [d, n] of Object.entries(s.alerts.byDetector).sort()) lines.push(`  ${d}: ${n}`);
  if (s.coverage !== undefined) lines.push(...renderCoverage(s.coverage));
  if (s.firstCritical) {
    lines.push(`first critical: ${s.firstCritical.detector} detected at ${s.firstCritical.detected_at}, ` +
      `${fmtDuration(s.firstCritical.time_to_detect_ms)} (event time) after its first event ${s.firstCritical.first_seen}`);
  }
  lines.push(`store: ${s.store}` + (s.alertsFile ? `; alerts: ${s.alertsFile}` : ''));
  lines.push(`${fmtCount(s.eventsPerSecond)} events/s over ${s.seconds.toFixed(1)} s; detector state ${fmtCount(s.stateBytes / 1024)} KiB`);
  return lines.join('\n');
}
