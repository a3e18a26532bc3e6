/**
 * Loads the honey-account list (contract input 8): one account id per line, or a first line
 * `salt:<text>` followed by one `sha256:<hex>` per line, the hex being SHA-256(salt + account
 * id). Blank lines and `#` comments are skipped. Error messages name the file and line but
 * never quote an entry or the salt: the list is a secret.
 */
import { BreachwatchError } from '../../model/index.js';
import type { HoneyList } from '../../model/index.js';
import { readText } from './source-text.js';

const DIGEST = /^sha256:([0-9a-fA-F]{64})$/;

/**
 * Reads a honey list. Plain and hashed entries cannot be mixed; a hashed list needs its salt
 * line first.
 * @throws BreachwatchError `ERR_INPUT_UNREADABLE` or `ERR_INPUT_INVALID` (`file:line: reason`).
 */
export async function loadHoney(path: string): Promise<HoneyList> {
  const text = await readText(path);
  let salt: string | null = null;
  let mode: 'plain' | 'hashed' | undefined;
  const entries = new Set<string>();
  const bad = (line: number, why: string): BreachwatchError => new BreachwatchError('ERR_INPUT_INVALID', `${path}:${line}: ${why}`);
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('salt:')) {
      if (mode !== undefined || salt !== null) throw bad(i + 1, 'the salt line must come first, once');
      salt = line.slice(5);
      if (salt === '') throw bad(i + 1, 'empty salt');
      continue;
    }
    const m = DIGEST.exec(line);
    const kind = m !== null ? 'hashed' : line.startsWith('sha256:') ? 'malformed' : 'plain';
    if (kind === 'malformed') throw bad(i + 1, 'a sha256: entry needs exactly 64 hex digits');
    if (mode !== undefined && mode !== kind) throw bad(i + 1, 'plain account ids and sha256: entries cannot be mixed');
    if (kind === 'hashed' && salt === null) throw bad(i + 1, 'sha256: entries need a salt:<text> line first');
    mode = kind;
    entries.add(m !== null ? (m[1] as string).toLowerCase() : line);
  }
  if (salt !== null && mode === 'plain') throw bad(1, 'a salt line is only for sha256: entries');
  return { salt: mode === 'hashed' ? salt : null, entries };
}
