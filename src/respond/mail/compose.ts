/**
 * Builds a MIME message — multipart/alternative (text and HTML), or text alone — for breach
 * notices and for the portal's one-time codes alike, synchronously and in one pass: into a
 * buffer of its own ({@link composeMessage}) or appended to a {@link ByteBlock} that a bulk
 * render fills with a whole batch of messages ({@link composeInto}). Header
 * values are encoded by nodemailer's own encoder (`MimeNode.encodeHeaderValue`: addresses
 * punycoded and quoted, RFC 2047 words for non-ASCII, line breaks stripped) — a single named
 * mailbox the same way without its address parser (mailbox-value.ts) — and folded by its
 * `foldLines`; values that repeat from message to message are encoded once; bodies are UTF-8 in base64 (RFC 2045), 76 characters a line. nodemailer's
 * stream-based composer took milliseconds per message; this takes microseconds (see
 * bench/notices.ts). The caller fixes the Message-ID (the idempotency key of a delivery) and
 * the Date, and the boundary is derived from the Message-ID, so the same parts always give the
 * same bytes: a message can be rebuilt, hashed and recorded before anything is sent.
 */
import MimeNode from 'nodemailer/lib/mime-node';
import { foldLines } from 'nodemailer/lib/mime-funcs';
import { BreachwatchError } from '../../model/index.js';
import { ByteBlock } from './byte-block.js';
import { mailboxValue } from './mailbox-value.js';

/** A mailbox: an address and an optional display name. */
export interface Mailbox {
  readonly address: string;
  readonly name?: string;
}

/** What a message says and to whom. */
export interface MessageParts {
  readonly from: Mailbox;
  readonly to: Mailbox;
  readonly subject: string;
  /** The plain-text body, as text or already in UTF-8. */
  readonly text: string | Uint8Array;
  readonly html?: string | Uint8Array;
  /** `<id@domain>`: stable, so that a resend is the same message. */
  readonly messageId: string;
  readonly date: Date;
  /** Extra headers (e.g. `X-Breachwatch-Notice`). */
  readonly headers?: Readonly<Record<string, string>>;
}

const CRLF = '\r\n';
/** Base64 characters a body line holds (RFC 2045 allows at most 76). */
const B64_LINE = 76;
/** Header values seen again and again in a render (From, Subject, Date) keep their encoding. */
const MEMO_LIMIT = 4096;

// One node is the header encoder for every message; it keeps no state between calls.
const encoder = new MimeNode('text/plain');
/** Encoded lines by header name, then value (a mailbox as name and address). */
const memo = new Map<string, Map<string, string>>();

// A value nodemailer's encoder leaves as it is: printable ASCII words, single spaces between.
const PLAIN_VALUE = /^[!-~]+(?: [!-~]+)*$/;
// …and the headers where it does so (not addresses, not message ids, which it brackets).
const PLAIN_KEY = /^X-[A-Za-z0-9-]+$/;
// A message id it leaves as it is: already bracketed, printable ASCII, no space.
const PLAIN_MESSAGE_ID = /^<[!-~]+>$/;

/** `Key: value`, encoded and folded at 76 columns the way nodemailer writes it. */
function headerLine(key: string, value: string | Mailbox): string {
  if (typeof value === 'string') {
    const line = `${key}: ${value}`;
    // A short plain value of an extension header, or a plain message id, is its own encoding and needs no folding.
    if (line.length <= 76) {
      if (PLAIN_KEY.test(key) && PLAIN_VALUE.test(value)) return line;
      if (key === 'Message-ID' && PLAIN_MESSAGE_ID.test(value)) return line;
    }
    return foldLines(`${key}: ${encoder.encodeHeaderValue(key, value)}`, 76);
  }
  // A named mailbox, as nodemailer encodes it, without its address parser (see mailbox-value.ts).
  const v = mailboxValue(value) ?? encoder.encodeHeaderValue(key, { ...value });
  const line = `${key}: ${v}`;
  // foldLines leaves a line shorter than its width as it is.
  return line.length < 76 ? line : foldLines(line, 76);
}

/** {@link headerLine} for values that repeat across messages. */
function memoLine(key: string, value: string | Mailbox): string {
  let lines = memo.get(key);
  if (lines === undefined) memo.set(key, (lines = new Map<string, string>()));
  const k = typeof value === 'string' ? value : `${value.name ?? ''}\u0000${value.address}`;
  let line = lines.get(k);
  if (line === undefined) {
    line = headerLine(key, value);
    if (lines.size >= MEMO_LIMIT) lines.clear();
    lines.set(k, line);
  }
  return line;
}

/** The Date header's value (one kept: a render dates every message alike). */
let lastDate: { readonly ms: number; readonly line: string } | undefined;
function dateLine(d: Date): string {
  const ms = d.getTime();
  if (lastDate?.ms !== ms) lastDate = { ms, line: memoLine('Date', d.toUTCString().replace(/GMT$/, '+0000')) };
  return lastDate.line;
}

/** Bytes `utf8` takes in base64 at 76 characters a line, each ending in CRLF. */
function base64Size(bytes: number): number {
  const chars = Math.ceil(bytes / 3) * 4;
  return chars + 2 * Math.ceil(chars / B64_LINE);
}

/**
 * Writes `src` in base64 into `out` at `pos`, 76 characters a line, each ending in CRLF; returns
 * the end. The base64 text is written once, shifted right by the room the line breaks take,
 * then each line moves left into place (a line never overwrites one it has not moved yet).
 */
function writeBase64Lines(src: Buffer, out: Buffer, pos: number): number {
  const b64 = src.toString('base64');
  const lines = Math.ceil(b64.length / B64_LINE);
  const shifted = pos + 2 * lines;
  out.write(b64, shifted, 'latin1');
  let at = pos;
  for (let k = 0; k < lines; k++) {
    const from = shifted + k * B64_LINE;
    const len = Math.min(B64_LINE, b64.length - k * B64_LINE);
    out.copyWithin(at, from, from + len);
    at += len;
    out[at++] = 0x0d;
    out[at++] = 0x0a;
  }
  return at;
}

/** `s` as UTF-8 in base64, in lines of 76 characters, each ending in CRLF. */
export function base64Lines(s: string): string {
  const src = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(base64Size(src.length));
  return out.toString('latin1', 0, writeBase64Lines(src, out, 0));
}

const partHead = (type: string): string => `Content-Type: ${type}; charset=utf-8${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}`;
const TEXT_HEAD = partHead('text/plain');
const HTML_HEAD = partHead('text/html');

/**
 * The boundary of a message: `=_` cannot occur in base64 (nor in quoted-printable), so no body
 * line can be mistaken for it, whatever follows; a hash of the Message-ID (FNV-1a, 64 bits
 * from two 32-bit passes: it needs to be stable, not secret) keeps it stable per message.
 */
function boundaryOf(messageId: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < messageId.length; i++) {
    const c = messageId.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193) >>> 0;
  }
  return `=_bw_${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0')}`;
}

/** A body in UTF-8 (a Uint8Array is taken as UTF-8 already, without a copy). */
function utf8(body: string | Uint8Array): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** A header field name (RFC 5322: printable ASCII but the colon). */
const FIELD_NAME = /^[!-9;-~]+$/;

/**
 * Composes `m` into the bytes of an RFC 5322 message.
 * @throws BreachwatchError `ERR_INPUT_INVALID` for an extra header whose name is not a field name.
 */
export function composeMessage(m: MessageParts): Buffer {
  const block = new ByteBlock(0);
  composeInto(m, block);
  return block.view();
}

/**
 * Appends the bytes of `m` (as {@link composeMessage} gives them) to `block`; returns where
 * they start (they end at `block.length`).
 * @throws BreachwatchError `ERR_INPUT_INVALID` for an extra header whose name is not a field name.
 */
export function composeInto(m: MessageParts, block: ByteBlock): number {
  // An automatic message (RFC 3834): mail systems do not answer it with auto-replies.
  const head: string[] = [memoLine('Auto-Submitted', 'auto-generated')];
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    if (!FIELD_NAME.test(k)) throw new BreachwatchError('ERR_INPUT_INVALID', `not a header field name: ${JSON.stringify(k)}`);
    head.push(headerLine(k, v));
  }
  head.push(memoLine('From', m.from), headerLine('To', m.to), memoLine('Subject', m.subject), headerLine('Message-ID', m.messageId),
    dateLine(m.date), 'MIME-Version: 1.0');
  const text = utf8(m.text);
  if (m.html === undefined) {
    // A single part: its Content-* headers are the message's own.
    return assemble(block, `${head.join(CRLF)}${CRLF}${TEXT_HEAD}`, [text], '', '');
  }
  const b = boundaryOf(m.messageId);
  head.push(`Content-Type: multipart/alternative;${CRLF} boundary="${b}"`);
  return assemble(block, `${head.join(CRLF)}${CRLF}${CRLF}--${b}${CRLF}${TEXT_HEAD}`, [text, utf8(m.html)], `--${b}${CRLF}${HTML_HEAD}`, `--${b}--${CRLF}`);
}

/**
 * Appends `head`, then each body in base64 (`between` after the first when there are two),
 * then `tail`, to `block`; returns where they start. The head is ASCII but for an address
 * whose local part is UTF-8 (SMTPUTF8), which nodemailer keeps as it is.
 */
function assemble(block: ByteBlock, head: string, bodies: readonly Buffer[], between: string, tail: string): number {
  const headBytes = Buffer.byteLength(head, 'utf8');
  let size = headBytes + between.length + tail.length;
  for (const body of bodies) size += base64Size(body.length);
  const out = block.reserve(size);
  const start = block.length;
  let at = start + out.write(head, start, 'utf8');
  at = writeBase64Lines(bodies[0]!, out, at);
  if (bodies.length > 1) {
    at += out.write(between, at, 'latin1');
    at = writeBase64Lines(bodies[1]!, out, at);
  }
  at += out.write(tail, at, 'latin1');
  block.length = at;
  return start;
}

/** The domain part of an address (for Message-IDs). */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? 'localhost' : address.slice(at + 1).toLowerCase();
}
