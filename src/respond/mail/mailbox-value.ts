/**
 * The encoded value of an address header with one named mailbox (`To: Name <local@domain>`)
 * for the common case, without nodemailer's general address parser: a bulk render has a new
 * recipient per message, and the parser (with the domain's IDNA mapping every time) cost more
 * than the rest of the header. It gives exactly what nodemailer's `encodeHeaderValue` gives —
 * the name as it is, as a quoted string or as RFC 2047 words chosen by nodemailer's own rule,
 * and the domain as nodemailer normalizes it (asked once per domain) — and declines
 * (undefined) whatever it does not cover: the caller then asks nodemailer. mail.test.ts
 * compares the two over many names and addresses.
 */
import MimeNode from 'nodemailer/lib/mime-node';
import { encodeWord } from 'nodemailer/lib/mime-funcs';
import type { Mailbox } from './compose.js';

const encoder = new MimeNode('text/plain');

/** A dot-atom local part of RFC 5322's atext, which nodemailer keeps as it is. */
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
/** A domain of letters, digits, hyphens and dots (nodemailer maps it through IDNA: asked once). */
const DOMAIN = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/;
/** Names nodemailer leaves as they are, and those it quotes. */
const WORD_NAME = /^[\w ]*$/;
const PRINTABLE_NAME = /^[\x20-\x7e]*$/;

/** Domains as nodemailer writes them in an address (e.g. lower case); a render sees few. */
const domains = new Map<string, string | null>();
const DOMAINS_KEPT = 4096;

function domainOf(domain: string): string | null {
  let d = domains.get(domain);
  if (d === undefined) {
    // nodemailer's own answer for a mailbox of this domain with a plain local part and no name.
    const v = encoder.encodeHeaderValue('To', { name: '', address: `x@${domain}` });
    const m = /^<?x@([A-Za-z0-9.-]+)>?$/.exec(v);
    d = m === null ? null : m[1]!;
    if (domains.size >= DOMAINS_KEPT) domains.clear();
    domains.set(domain, d);
  }
  return d;
}

/** nodemailer's choice between Q and B words: Q when Latin letters outnumber the rest. */
function wordEncoding(name: string): 'Q' | 'B' {
  let other = 0;
  let latin = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c <= 0x08 || c === 0x0b || c === 0x0c || (c >= 0x0e && c <= 0x1f) || c >= 0x80) other++;
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) latin++;
  }
  return other < latin ? 'Q' : 'B';
}

/** `name` as nodemailer writes a display name. */
function encodeName(name: string): string {
  if (WORD_NAME.test(name)) return name;
  if (PRINTABLE_NAME.test(name)) return `"${name.replace(/["\\]/g, '\\$&')}"`;
  return encodeWord(name, wordEncoding(name), 52);
}

/**
 * The value nodemailer's `encodeHeaderValue` gives an address header holding `m` alone (not
 * folded), or undefined when `m` is outside what this covers (no name, a name with a line
 * break or a control character, an address that is not a plain `local@domain`).
 */
export function mailboxValue(m: Mailbox): string | undefined {
  const name = m.name ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are what the fast path must not see
  if (name === '' || /[\x00-\x1f\x7f]/.test(name) || name.trim() !== name) return undefined;
  const at = m.address.lastIndexOf('@');
  if (at <= 0) return undefined;
  const local = m.address.slice(0, at);
  const host = m.address.slice(at + 1);
  if (!LOCAL.test(local) || !DOMAIN.test(host)) return undefined;
  const domain = domainOf(host);
  return domain === null ? undefined : `${encodeName(name)} <${local}@${domain}>`;
}
