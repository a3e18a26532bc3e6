/**
 * Breach notices to each affected person (issue 11, part 2): the inputs behind small
 * interfaces (a scope run's affected persons, the customer directory, the incident), the
 * wording as data (rules and templates per jurisdiction, field labels per locale), the bulk
 * renderer (the messages in one mbox or an `.eml` per person, mail-merge CSV/NDJSON, website
 * posting pages) and the sender with its durable delivery ledger.
 */
export type {
  AffectedPerson, AffectedSource, Contact, ContactDirectory, MessageFormat, NoticeChannel, NoticeKind, NoticeReason, PlanCounts, PlannedNotice,
} from './types.js';
export { MESSAGE_FORMATS, NOTICE_KINDS } from './types.js';
export { loadIncidentFile, incidentInfoOf, textFor, listFor, type IncidentInfo, type Localized, type PossibleLeak } from './incident-info.js';
export { loadLabels, type FieldLabels } from './labels.js';
export { loadRules, type NoticeRules, type RequiredItem } from './rules.js';
export { loadTemplate, NOTICE_VALUES, NOTICE_LISTS, type NoticeTemplate } from './template-file.js';
export { loadNoticeKit, NOTICE_DATA_DIR, DEFAULT_RULES, type NoticeKit, type KitOptions } from './kit.js';
export { renderNotice, escapeHtml, type NoticeContent, type RenderedNotice } from './render-notice.js';
export { ContentBuilder } from './content.js';
export { scopeFolderSource, AFFECTED_HEADER } from './scope-folder.js';
export { csvDirectory, DIRECTORY_HEADER } from './directory.js';
export { populationFile, type Population } from './population.js';
export { planNotices, emptyCounts, type PlanInputs } from './plan.js';
export { noticeId, messageIdOf, emlPath } from './notice-id.js';
export { RENDER_FILES, RENDER_FORMAT_VERSION, MERGE_COLUMNS, type MergeRow } from './render-folder.js';
export { renderNotices, type RenderOptions, type RenderProgress, type RenderSummary } from './render-run.js';
export { sendNotices, type SendOptions, type SendProgress, type SendSummary } from './send-run.js';
export { incidentNoticeInfo, renderRunNotices, runSource, type RunNoticeOptions } from './incident-run.js';
