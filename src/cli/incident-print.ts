/**
 * How `incident status` shows an incident to a person: the clocks first (time left or
 * overdue), then runs, holds, reports and where the files are.
 */
import { fmtSpan, textIn, type IncidentView } from '../respond/index.js';

/** Prints `v` as a short human-readable block. */
export function printIncidentStatus(v: IncidentView): void {
  const out: string[] = [];
  out.push(`${v.incident_id}  ${v.name}  [${v.status}]`);
  out.push(`  aware at ${v.aware_at}; ${v.alert_ids.length} alert(s); unlawful access: ${v.unlawful_access.value ? 'yes' : 'no'} (${v.unlawful_access.basis})`);
  for (const c of v.clocks) {
    const label = textIn(c.label, 'en') ?? c.id;
    let state: string = c.state;
    if (c.state === 'running' && c.remaining_ms !== undefined) state = `running, ${fmtSpan(c.remaining_ms)} left`;
    if (c.state === 'overdue' && c.remaining_ms !== undefined) state = `OVERDUE by ${fmtSpan(-c.remaining_ms)}`;
    if ((c.state === 'met' || c.state === 'late') && c.done_at !== undefined) state = `${c.state} (done ${c.done_at})`;
    out.push(`  clock ${label}: due ${c.due_at ?? 'without undue delay'}: ${state}${c.because.length > 0 ? ` — because ${c.because.join(', ')}` : ''}`);
  }
  for (const r of v.runs) out.push(`  run ${r.n} ${r.run_id}: ${r.accounts} accounts, ${r.requests} requests (${r.created_at}) → ${r.folder}`);
  for (const h of v.holds) out.push(`  hold ${h.hold_id}: ${h.lifted_at === undefined ? 'STANDING' : `lifted ${h.lifted_at}`} — ${h.reason}`);
  for (const r of v.reports) out.push(`  report ${r.audience} #${r.n} ${r.report_id} (${r.created_at})`);
  out.push(`  files: ${v.paths.dir}${v.evidence === null ? '' : `; evidence log size ${v.evidence.size}`}`);
  console.log(out.join('\n'));
}
