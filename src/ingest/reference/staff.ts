/**
 * Loads the staff roster (contract input 4): a JSON array, or CSV with a header
 * (`staff_id,team,role,joined,left`). An empty `left` means still employed.
 */
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { BreachwatchError } from '../../model/index.js';
import type { StaffMember } from '../../model/index.js';
import { jsonPath, parseJsonDoc, readText, validate } from './source-text.js';
import { zOptTime } from './times.js';

const zStr = z.union([z.string(), z.number().transform(String)]);
const zOptStr = z.union([z.null(), zStr]).optional().transform((v) => (v === null || v === undefined || v === '' ? undefined : v));

const zMember = z.object({
  staff_id: zStr.pipe(z.string().min(1)),
  team: zStr,
  role: zOptStr,
  joined: zOptTime,
  left: zOptTime,
});

/** Drops absent optional fields (exactOptionalPropertyTypes). */
function toMember(m: z.output<typeof zMember>): StaffMember {
  return {
    staff_id: m.staff_id,
    team: m.team,
    ...(m.role === undefined ? {} : { role: m.role }),
    ...(m.joined === null ? {} : { joined: m.joined }),
    ...(m.left === null ? {} : { left: m.left }),
  };
}

/** Parses the CSV form; each row is validated and reported at its own line. */
function fromCsv(path: string, text: string): StaffMember[] {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(text, { columns: true, info: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (e) {
    const line = (e as { lines?: unknown }).lines;
    const where = typeof line === 'number' ? `${path}:${line}` : path;
    throw new BreachwatchError('ERR_INPUT_INVALID', `${where}: invalid CSV: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return rows.map(({ record, info }) => {
    const r = zMember.safeParse(record);
    if (r.success) return toMember(r.data);
    const issue = r.error.issues[0];
    const col = jsonPath(issue?.path ?? []).slice(2);
    throw new BreachwatchError('ERR_INPUT_INVALID', `${path}:${info.lines}: ${col}: ${issue?.message ?? 'invalid'}`);
  });
}

/** True when the text looks like a JSON array rather than CSV. */
function looksJson(path: string, text: string): boolean {
  if (/\.json$/i.test(path)) return true;
  if (/\.csv$/i.test(path)) return false;
  return text.trimStart().startsWith('[');
}

/**
 * Reads a staff roster, JSON array or CSV (chosen by extension, else by content).
 * @throws BreachwatchError `ERR_INPUT_UNREADABLE` or `ERR_INPUT_INVALID` (with `file:line`).
 */
export async function loadStaff(path: string): Promise<StaffMember[]> {
  const text = await readText(path);
  if (!looksJson(path, text)) return fromCsv(path, text);
  return validate(path, parseJsonDoc(path, text), z.array(zMember)).map(toMember);
}
