/**
 * The customer directory (contract input 6, CSV `account_id,name,email,phone,locale`) as a
 * {@link ContactDirectory}: read and checked row by row, sorted by account id through a
 * {@link SortEngine}, streamed back. A notice to a wrong address leaks one person's data to
 * another, so an account listed twice with different details gets no contact at all (every
 * such line is quarantined; the person is reached by the posting page) — never a guess. An
 * unusable email or phone is dropped from its row (and quarantined); the rest of the row stays.
 */
import type { QuarantineWriter } from '../../ingest/index.js';
import { csvRows } from './csv-rows.js';
import { SortEngine } from './sort-engine.js';
import type { Contact, ContactDirectory } from './types.js';

/** The contract's header. */
export const DIRECTORY_HEADER = ['account_id', 'name', 'email', 'phone', 'locale'] as const;

// An address nodemailer and SMTP servers take without quoting: no spaces, brackets, commas.
const EMAIL = /^[^\s@<>()[\],;:"\\]+@[^\s@<>()[\],;:"\\]+\.[^\s@<>()[\],;:"\\]+$/;
const PHONE = /^\+?[0-9][0-9 ()-]{2,24}$/;
const LOCALE = /^[a-z]{2}$/;
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Reads `path` into a sorted directory; bad rows go to `quarantine`. */
export function csvDirectory(path: string, quarantine: QuarantineWriter): ContactDirectory {
  let engine: SortEngine | undefined;
  return {
    describe: path,
    async *contacts(): AsyncGenerator<Contact> {
      engine = await SortEngine.open();
      const rows = await engine.table('dir', 'account_id VARCHAR, line BIGINT, name VARCHAR, email VARCHAR, phone VARCHAR, locale VARCHAR');
      for await (const { line, cells } of csvRows(path, DIRECTORY_HEADER)) {
        const bad = (reason: string, message: string): void => {
          quarantine.write({ file: path, line, reason, message, excerpt: cells.join(',') });
        };
        if (cells.length !== DIRECTORY_HEADER.length) { bad('bad_columns', `expected ${DIRECTORY_HEADER.length} columns, got ${cells.length}`); continue; }
        const cell = (i: number): string => cells[i]?.trim() ?? '';
        const id = cell(0);
        let name = cell(1);
        let email = cell(2);
        let phone = cell(3);
        let locale = cell(4);
        if (id === '') { bad('missing_field', 'account_id is empty'); continue; }
        // A line break in a name would end a header line of the message.
        if (CONTROL.test(name)) { bad('bad_name', 'name holds control characters; the greeting uses the generic name'); name = ''; }
        if (email !== '' && !EMAIL.test(email)) { bad('bad_email', 'email is not a usable address; dropped'); email = ''; }
        if (phone !== '' && !PHONE.test(phone)) { bad('bad_phone', 'phone is not a usable number; dropped'); phone = ''; }
        locale = locale.toLowerCase();
        if (locale !== '' && !LOCALE.test(locale)) { bad('bad_locale', 'locale is not a two-letter code; the default applies'); locale = ''; }
        rows.add([id, line, name, email, phone, locale]);
      }
      rows.end();
      const sql = `SELECT account_id, any_value(name), any_value(email), any_value(phone), any_value(locale),
          count(DISTINCT (name, email, phone, locale))::INTEGER, list(line ORDER BY line)::VARCHAR
        FROM dir GROUP BY account_id ORDER BY account_id`;
      for await (const [id, name, email, phone, locale, variants, lines] of engine.rows(sql)) {
        if (Number(variants) > 1) {
          for (const l of String(lines).replace(/[[\]\s]/g, '').split(',')) {
            quarantine.write({ file: path, line: Number(l), reason: 'conflicting_duplicate', message: 'account listed more than once with different details; no notice is sent to either', excerpt: String(id) });
          }
          continue;
        }
        yield { account_id: String(id), name: String(name), email: String(email), phone: String(phone), locale: String(locale) };
      }
    },
    async close() {
      await engine?.close();
      engine = undefined;
    },
  };
}
