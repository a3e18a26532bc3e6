/**
 * Builds a MIME message (multipart/alternative: text and HTML) with nodemailer's composer —
 * never by hand — for breach notices and for the portal's one-time codes alike. The caller
 * fixes the Message-ID (the idempotency key of a delivery) and the Date, so a message can be
 * rebuilt, hashed and recorded before anything is sent.
 */
import MailComposer from 'nodemailer/lib/mail-composer';

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
  readonly text: string;
  readonly html?: string;
  /** `<id@domain>`: stable, so that a resend is the same message. */
  readonly messageId: string;
  readonly date: Date;
  /** Extra headers (e.g. `X-Breachwatch-Notice`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Composes `m` into the bytes of an RFC 5322 message. */
export async function composeMessage(m: MessageParts): Promise<Buffer> {
  const composer = new MailComposer({
    from: m.from, to: m.to, subject: m.subject, text: m.text, ...(m.html !== undefined && { html: m.html }),
    messageId: m.messageId, date: m.date,
    // An automatic message (RFC 3834): mail systems do not answer it with auto-replies.
    headers: { 'Auto-Submitted': 'auto-generated', ...m.headers },
    // Content is ours: never let a value pull in a file or a URL.
    disableFileAccess: true, disableUrlAccess: true,
  });
  return composer.compile().build();
}

/** The domain part of an address (for Message-IDs). */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? 'localhost' : address.slice(at + 1).toLowerCase();
}
