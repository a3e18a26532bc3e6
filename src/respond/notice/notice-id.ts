/**
 * Stable identities of notices. A notice's id hashes what it tells the person — incident,
 * account, kind and the fields it lists — and nothing about wording or render time, so a
 * re-render of the same scope run gives the same ids and `notice send` never sends the same
 * notice twice, while a follow-up (more fields) is a new notice. The Message-ID is built from
 * it: the same notice is always the same message.
 */
import { createHash } from 'node:crypto';
import type { NoticeKind } from './types.js';

/** `n-` and 24 hex digits (96 bits) of SHA-256 over the notice's identity. */
export function noticeId(incidentId: string, accountId: string, kind: NoticeKind, fields: readonly string[]): string {
  const h = createHash('sha256').update(`breachwatch-notice\u001f${incidentId}\u001f${accountId}\u001f${kind}\u001f${fields.join(';')}`);
  return `n-${h.digest('hex').slice(0, 24)}`;
}

/** `<notice-id.incident@domain>`. */
export function messageIdOf(noticeIdValue: string, incidentId: string, domain: string): string {
  return `<${noticeIdValue}.${incidentId.toLowerCase()}@${domain}>`;
}

/** Where a notice's message lives inside a render folder (256 sub-folders keep each one small). */
export function emlPath(noticeIdValue: string): string {
  return `eml/${noticeIdValue.slice(2, 4)}/${noticeIdValue}.eml`;
}
