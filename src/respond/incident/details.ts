/**
 * The user-facing description of an incident (`incident open --details FILE`, YAML or JSON):
 * who the controller is, whom persons contact, what the company does about it, what persons
 * can do, and the milestones the legal clocks check. Texts a person reads are given in Korean,
 * English or both (`{ko, en}`); a plain string is used for both. Unknown fields are kept.
 * Notices (part 2), reports and the victim portal read this same object from `incident.json`.
 */
import { z } from 'zod';

/** A text in one or both languages. */
export const TextSchema = z.union([
  z.string().min(1),
  z.object({ ko: z.string().min(1).optional(), en: z.string().min(1).optional() })
    .refine((t) => t.ko !== undefined || t.en !== undefined, 'give ko, en or both'),
]);

/** A text in one or both languages (a plain string is both). */
export type Text = z.output<typeof TextSchema>;

const Time = z.iso.datetime({ offset: true });

/** The milestones of the response, wall-clock RFC 3339 times (the clocks compare them with their deadlines). */
export const MilestonesSchema = z.looseObject({
  /** First malicious event, if known better than the scope window's start. */
  first_malicious_at: Time.optional(),
  /** Attack stopped (key rotated, sources blocked). */
  contained_at: Time.optional(),
  /** Every affected person notified (part 2's `notice send` sets it when the last notice is accepted). */
  notified_at: Time.optional(),
  /** Report filed with the regulator (PIPC or KISA). */
  reported_at: Time.optional(),
});

/** The incident's details, as stored and as `incident.json` shows them. */
export const IncidentDetailsSchema = z.looseObject({
  description: TextSchema.optional(),
  /** The personal information controller (the company). */
  controller: z.looseObject({ name: TextSchema, registration: z.string().optional() }).optional(),
  /** The department persons contact (Art. 34 item 5). */
  contact: z.looseObject({
    department: TextSchema, phone: z.string().optional(), email: z.string().optional(),
    hours: TextSchema.optional(), url: z.string().optional(),
  }).optional(),
  /** What the company does about it (Art. 34 item 4). */
  measures: z.array(TextSchema).default([]),
  /** The remedy procedure persons can use (Art. 34 item 4). */
  remedy: TextSchema.optional(),
  /** What persons can do to reduce harm (Art. 34 item 3). */
  person_actions: z.array(TextSchema).default([]),
  /** Official address of the victim portal. */
  portal_url: z.string().optional(),
  /** Which clock rules apply: a file in `data/clocks/` by id (default `kr-pipa`). */
  jurisdiction: z.string().default('kr-pipa'),
  /** Whether the leak came from unlawful access; derived from the covered alerts when absent. */
  unlawful_access: z.boolean().optional(),
  /** Whether sensitive data or unique identifiers were involved (a report is then due whatever the count). */
  sensitive_data: z.boolean().optional(),
  /** Whether the leak is likely to put persons at high risk (GDPR Art. 34); taken as true on unlawful access or sensitive data. */
  high_risk: z.boolean().optional(),
  /** A population named for a "possible leak" notice when exact victims cannot be determined. */
  possible_leak: z.looseObject({ population: TextSchema, reason: TextSchema.optional() }).optional(),
  milestones: MilestonesSchema.default({}),
});

/** The incident's details. */
export type IncidentDetails = z.output<typeof IncidentDetailsSchema>;

/** Milestone names. */
export type Milestone = 'first_malicious_at' | 'contained_at' | 'notified_at' | 'reported_at';

/** The text in `lang`, falling back to the other language. */
export function textIn(t: Text | undefined, lang: 'ko' | 'en'): string | undefined {
  if (t === undefined) return undefined;
  if (typeof t === 'string') return t;
  return t[lang] ?? t[lang === 'ko' ? 'en' : 'ko'];
}
