/**
 * The mail component of the respond stage: MIME composition (nodemailer's composer), the
 * mboxrd container of many messages, SMTP and SMS-webhook transports behind one interface, a
 * shared rate limiter and a retry policy.
 * Breach notices send through it, and so will the victim portal's one-time codes.
 */
export { composeInto, composeMessage, domainOf, type Mailbox, type MessageParts } from './compose.js';
export { ByteBlock } from './byte-block.js';
export { mboxFromLine, mboxrdQuote, mboxrdUnquote, MBOX_TRAILER } from './mbox.js';
export type { EmailMessage, MessageTransport, OutgoingMessage, SendOutcome, SmsMessage } from './transport.js';
export { parseSmtpUrl, smtpLocation, describeSmtp, type SmtpLocation, type SmtpTls } from './smtp-url.js';
export { SmtpTransport, type SmtpOptions } from './smtp-transport.js';
export { SmsWebhookTransport, type SmsWebhookOptions } from './sms-webhook.js';
export { RateLimiter } from './rate-limiter.js';
export { Mailer, DEFAULT_RETRY, retryDelayMs, type DeliverResult, type MailerOptions, type RetryPolicy } from './mailer.js';
