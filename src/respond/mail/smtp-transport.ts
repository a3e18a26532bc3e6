/**
 * SMTP delivery through nodemailer's SMTP connection (TLS, STARTTLS, AUTH), kept open and
 * reused between messages. Each reply is classified honestly: 250 is accepted; a 4xx reply, or
 * a connection that failed before a byte of the message went out, is temporary (safe to try
 * again); 5xx is permanent; a connection lost while the message was going out, or before the
 * server's final reply, is unknown — the server may have taken it.
 */
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { BreachwatchError } from '../../model/index.js';
import { describeSmtp, type SmtpLocation } from './smtp-url.js';
import type { EmailMessage, MessageTransport, SendOutcome } from './transport.js';

/** What {@link SmtpTransport} takes besides the location. */
export interface SmtpOptions {
  /** Extra trusted CA certificates (PEM), e.g. a company relay's own CA. */
  readonly ca?: string;
  /** The name we greet with (EHLO). */
  readonly clientName?: string;
  /** Connection, greeting and socket timeouts (ms). */
  readonly timeoutMs?: number;
}

type SmtpError = Error & { code?: string; responseCode?: number; response?: string };

/** Codes that mean the transport's own set-up is wrong, not the message. */
const CONFIG_CODES = new Set(['EAUTH', 'ETLS', 'ENOTFOUND', 'EREQUIRETLS']);
const CERT = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|HOSTNAME|ALTNAME/i;

function reply(e: SmtpError): string {
  return (e.response ?? e.code ?? 'error').split('\n')[0]!.slice(0, 200);
}

/** An SMTP transport; {@link close} ends its connections. */
export class SmtpTransport implements MessageTransport<EmailMessage> {
  readonly channel = 'email';
  readonly describe: string;
  private readonly idle: SMTPConnection[] = [];
  private readonly all = new Set<SMTPConnection>();
  private closed = false;

  constructor(private readonly where: SmtpLocation, private readonly opts: SmtpOptions = {}) {
    this.describe = describeSmtp(where);
  }

  private config(e: SmtpError, what: string): BreachwatchError {
    return new BreachwatchError('ERR_CONFIG', `SMTP ${this.describe}: ${what}: ${reply(e)}`, { cause: e });
  }

  private open(): Promise<SMTPConnection> {
    const w = this.where;
    const t = this.opts.timeoutMs ?? 30_000;
    const conn = new SMTPConnection({
      host: w.host, port: w.port, secure: w.secure, requireTLS: w.tls === 'required', ignoreTLS: w.tls === 'none',
      connectionTimeout: t, greetingTimeout: t, socketTimeout: t, logger: false, debug: false,
      ...(this.opts.clientName !== undefined && { name: this.opts.clientName }),
      // SNI takes host names only (RFC 6066); an address is checked against the certificate's IP SANs.
      tls: { ...(this.opts.ca !== undefined && { ca: this.opts.ca }), ...(isIP(w.host) === 0 && { servername: w.host }) },
    });
    // Errors also reach the callbacks; an unheard 'error' event would end the process.
    conn.on('error', () => undefined);
    conn.on('end', () => this.drop(conn));
    this.all.add(conn);
    return new Promise((resolve, reject) => {
      conn.connect((err) => {
        if (err) {
          this.drop(conn);
          const e = err as SmtpError;
          return reject(CONFIG_CODES.has(e.code ?? '') || CERT.test(`${e.code ?? ''} ${e.message}`) ? this.config(e, 'cannot connect') : e);
        }
        if (w.user === undefined) return resolve(conn);
        conn.login({ user: w.user, pass: w.password ?? '' }, (lerr) => {
          if (!lerr) return resolve(conn);
          this.drop(conn);
          const e = lerr as SmtpError;
          reject(e.code === 'EAUTH' ? this.config(e, 'authentication refused') : e);
        });
      });
    });
  }

  private drop(conn: SMTPConnection): void {
    if (!this.all.delete(conn)) return;
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    conn.close();
  }

  async send(m: EmailMessage): Promise<SendOutcome> {
    if (this.closed) throw new BreachwatchError('ERR_STATE', 'SMTP transport is closed');
    let conn: SMTPConnection;
    try {
      conn = this.idle.pop() ?? await this.open();
    } catch (e) {
      if (e instanceof BreachwatchError) throw e;
      return { status: 'temporary', response: `not connected: ${reply(e as SmtpError)}` };
    }
    const body = Readable.from([m.raw]);
    return new Promise((resolve) => {
      conn.send({ from: m.from, to: [m.to] }, body, (err, info) => {
        if (!err) {
          if (this.closed) this.drop(conn);
          else this.idle.push(conn);
          return resolve({ status: 'accepted', response: String(info.response ?? '250').slice(0, 200) });
        }
        const e = err as SmtpError;
        this.drop(conn);
        const code = e.responseCode ?? 0;
        if (code >= 500) resolve({ status: 'permanent', response: reply(e) });
        else if (code >= 400) resolve({ status: 'temporary', response: reply(e) });
        // No reply to go by: only a message of which nothing was read is surely not delivered.
        else if (!body.readableDidRead) resolve({ status: 'temporary', response: `before sending: ${reply(e)}` });
        else resolve({ status: 'unknown', response: `connection lost while sending: ${reply(e)}` });
      });
    });
  }

  close(): Promise<void> {
    this.closed = true;
    for (const c of this.idle.splice(0)) {
      this.all.delete(c);
      c.quit();
    }
    for (const c of [...this.all]) this.drop(c);
    return Promise.resolve();
  }
}
