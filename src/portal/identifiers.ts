/**
 * What a person types (an email address or a phone number), normalized and keyed. The key is
 * an HMAC under the portal's secret, so the state file, the limiter maps and the audit log hold
 * no identifier a reader could reverse or test guesses against without the secret.
 */
import { createHmac, type KeyObject } from 'node:crypto';

/** Which kind of identifier a person typed. */
export type IdentifierKind = 'email' | 'phone';

/** A typed identifier, normalized. */
export interface Identifier {
  readonly kind: IdentifierKind;
  readonly value: string;
}

const EMAIL = /^[^\s@<>()[\],;:"\\]{1,64}@[^\s@<>()[\],;:"\\]{1,190}\.[^\s@<>()[\],;:"\\]{1,63}$/;

/** The identifier `text` names, or undefined when it is neither an email address nor a phone number. */
export function parseIdentifier(text: string): Identifier | undefined {
  const t = text.trim();
  if (t.length === 0 || t.length > 254) return undefined;
  if (t.includes('@')) return EMAIL.test(t) ? { kind: 'email', value: t.toLowerCase() } : undefined;
  if (!/^\+?[0-9][0-9 ().-]{5,24}$/.test(t)) return undefined;
  let digits = t.replace(/[^0-9]/g, '');
  // Korean numbers in international form (+82 10…) and national form (010…) are the same number.
  if (t.startsWith('+82')) digits = `0${digits.slice(2)}`;
  return digits.length >= 7 && digits.length <= 15 ? { kind: 'phone', value: digits } : undefined;
}

/** The keyed hash of an identifier (hex), what everything but the directory index is keyed by. */
export function identifierKey(secret: KeyObject, id: Identifier): string {
  return createHmac('sha256', secret).update(`${id.kind}:${id.value}`).digest('hex');
}

/** An identifier shown back to its owner with most of it hidden (`m•••@example.org`, `•••-••••-1234`). */
export function maskIdentifier(id: Identifier): string {
  if (id.kind === 'phone') return `•••${id.value.slice(-4)}`;
  const [local = '', domain = ''] = id.value.split('@');
  return `${local.slice(0, 1)}•••@${domain}`;
}
