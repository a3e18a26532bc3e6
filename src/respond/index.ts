/**
 * The respond stage: what happens after scoping. Incidents with their legal clocks, saved
 * scope runs and what changed between them, legal holds, regulator reports and the police
 * export, each recorded in the incident's evidence log (`src/respond/incident/README.md`
 * describes the files); breach notices to each affected person (`notice/`) and the mail
 * component they and the victim portal send through (`mail/`).
 */
export * from './notice/index.js';
export * from './mail/index.js';
export type { RespondContext, RespondStore } from './context.js';
export { archivePath, openIncidentLog } from './context.js';
export { IncidentDetailsSchema, MilestonesSchema, TextSchema, textIn } from './incident/details.js';
export type { IncidentDetails, Milestone, Text } from './incident/details.js';
export { closeIncident, newIncidentId, openIncident, updateIncident } from './incident/incident.js';
export type { IncidentChanges, OpenIncidentOptions } from './incident/incident.js';
export { parseDetails, requireIncident } from './incident/lookup.js';
export { incidentPaths } from './incident/paths.js';
export type { IncidentPaths } from './incident/paths.js';
export { incidentView, unlawfulAccess, UNLAWFUL_ACCESS_DETECTORS } from './incident/view.js';
export type { ClockView, IncidentView, UnlawfulAccess } from './incident/view.js';
export { writeIncidentSnapshot } from './incident/snapshot.js';
export { liftHold, placeHold } from './incident/hold.js';
export { clocks, fmtSpan } from './clocks/clocks.js';
export type { ClockFacts, ClockStatus } from './clocks/clocks.js';
export { CLOCK_RULES_DIR, loadClockRules } from './clocks/rules.js';
export type { ClockRule, ClockRules } from './clocks/rules.js';
export { saveScopeRun } from './run/save-run.js';
export type { SavedScopeRun, ScopeRunOptions } from './run/save-run.js';
export { accountExposure, requireRun } from './run/exposure.js';
export type { AccountExposure } from './run/exposure.js';
export { CHANGES_HEADER } from './run/changes-csv.js';
export { accountEvidenceEntries, LINES_PER_ENTRY } from './run/line-evidence.js';
export { buildRegulatorReport } from './report/regulator.js';
export type { RegulatorReport } from './report/regulator.js';
export { renderReportHtml } from './report/html.js';
export { CHROMIUM, printPdf } from './report/pdf.js';
export { writeRegulatorReport } from './report/write-report.js';
export type { ReportOptions, WrittenReport } from './report/write-report.js';
export { writePoliceExport } from './police/export.js';
export type { PoliceRow } from './police/export.js';
export { openGeoLookup } from './police/geo.js';
export type { GeoAnswer, GeoLookup } from './police/geo.js';
