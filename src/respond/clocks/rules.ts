/**
 * The legal clocks of a jurisdiction, as dated data (`data/clocks/<id>.yaml`): which deadline
 * runs from awareness, how many hours it gives, when it applies (affected count, unlawful
 * access, sensitive data, high risk), which milestone meets it, and the law it comes from.
 * Laws change; the file says when its content was checked and from when it applies.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { BreachwatchError } from '../../model/index.js';
import { parseYamlDoc, readText, validate } from '../../ingest/index.js';
import { TextSchema } from '../incident/details.js';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

/** One condition of a clock; a clock applies when any of its conditions holds. */
export const ConditionSchema = z.union([
  z.strictObject({ affected_at_least: z.number().int().min(0) }),
  z.strictObject({ unlawful_access: z.literal(true) }),
  z.strictObject({ sensitive_data: z.literal(true) }),
  z.strictObject({ high_risk: z.literal(true) }),
]);

/** A clock condition. */
export type Condition = z.output<typeof ConditionSchema>;

const ClockRuleSchema = z.strictObject({
  id: z.string().min(1),
  label: TextSchema,
  basis: TextSchema,
  /** Hours from awareness; null when the law sets no fixed number ("without undue delay"). */
  within_hours: z.number().positive().nullable(),
  from: z.literal('awareness'),
  milestone: z.enum(['notified_at', 'reported_at', 'contained_at']),
  when: z.strictObject({ any: z.array(ConditionSchema).min(1) }),
  note: TextSchema.optional(),
});

/** A clock rule. */
export type ClockRule = z.output<typeof ClockRuleSchema>;

/** A jurisdiction's clock rules. */
export const ClockRulesSchema = z.strictObject({
  v: z.literal(1),
  id: z.string().min(1),
  name: TextSchema,
  jurisdiction: z.string().min(1),
  /** The day the content was last checked against the sources. */
  as_of: Day,
  /** The day from which these rules apply. */
  effective: Day,
  sources: z.array(z.strictObject({ title: z.string(), url: z.string().optional() })).min(1),
  clocks: z.array(ClockRuleSchema).min(1),
});

/** A jurisdiction's clock rules. */
export type ClockRules = z.output<typeof ClockRulesSchema>;

/** The folder of the bundled rule files. */
export const CLOCK_RULES_DIR = fileURLToPath(new URL('../../../data/clocks/', import.meta.url));

/** Loads `data/clocks/<id>.yaml` (or a path ending in .yaml/.yml); located errors. */
export async function loadClockRules(idOrPath: string): Promise<ClockRules> {
  const path = /\.ya?ml$/.test(idOrPath) ? idOrPath : `${CLOCK_RULES_DIR}${idOrPath}.yaml`;
  if (!/^[\w./-]+$/.test(idOrPath)) throw new BreachwatchError('ERR_INPUT_INVALID', `not a jurisdiction id: ${idOrPath}`);
  const text = await readText(path);
  return validate(path, parseYamlDoc(path, text), ClockRulesSchema);
}
