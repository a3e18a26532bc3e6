/**
 * `--smtp URL`: `smtp://[user[:password]@]host[:port][?tls=required|opportunistic|none]` or
 * `smtps://…` (TLS from the first byte, port 465). Plain `smtp://` requires STARTTLS by
 * default — notices carry personal data — unless the URL says otherwise. The password may
 * come from the environment instead (`BREACHWATCH_SMTP_PASSWORD`) so it stays out of `ps`;
 * {@link describeSmtp} shows it as `***`.
 */
import { BreachwatchError, type ParseResult } from '../../model/index.js';

/** TLS policy of a plain `smtp://` connection. */
export type SmtpTls = 'required' | 'opportunistic' | 'none';

/** A parsed SMTP URL. */
export interface SmtpLocation {
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (`smtps://`). */
  readonly secure: boolean;
  readonly tls: SmtpTls;
  readonly user?: string;
  readonly password?: string;
}

/** Parses an SMTP URL; `env` supplies the password when the URL has a user but none. */
export function parseSmtpUrl(text: string, env: NodeJS.ProcessEnv = process.env): ParseResult<SmtpLocation> {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return { ok: false, issues: [{ code: 'bad_url', message: 'not a URL (smtp://host:port or smtps://host:port)' }] };
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') return { ok: false, issues: [{ code: 'bad_scheme', message: `scheme ${u.protocol} (use smtp: or smtps:)` }] };
  if (u.hostname === '') return { ok: false, issues: [{ code: 'no_host', message: 'no host' }] };
  const secure = u.protocol === 'smtps:';
  const tls = u.searchParams.get('tls') ?? 'required';
  if (tls !== 'required' && tls !== 'opportunistic' && tls !== 'none') return { ok: false, issues: [{ code: 'bad_tls', message: `tls=${tls} (required, opportunistic or none)` }] };
  const port = u.port === '' ? (secure ? 465 : 587) : Number(u.port);
  const user = u.username === '' ? undefined : decodeURIComponent(u.username);
  const password = u.password !== '' ? decodeURIComponent(u.password) : user !== undefined ? env.BREACHWATCH_SMTP_PASSWORD : undefined;
  return {
    ok: true,
    value: {
      host: u.hostname.replace(/^\[|\]$/g, ''), port, secure, tls: secure ? 'required' : tls,
      ...(user !== undefined && { user }), ...(password !== undefined && { password }),
    },
  };
}

/** Parses or throws `ERR_USAGE` naming the problem (never echoing the password). */
export function smtpLocation(text: string, env: NodeJS.ProcessEnv = process.env): SmtpLocation {
  const r = parseSmtpUrl(text, env);
  if (!r.ok) throw new BreachwatchError('ERR_USAGE', `--smtp: ${r.issues.map((i) => i.message).join('; ')}`);
  return r.value;
}

/** The location as a URL with the password as `***`. */
export function describeSmtp(l: SmtpLocation): string {
  const auth = l.user === undefined ? '' : `${encodeURIComponent(l.user)}${l.password !== undefined ? ':***' : ''}@`;
  const host = l.host.includes(':') ? `[${l.host}]` : l.host;
  return `${l.secure ? 'smtps' : 'smtp'}://${auth}${host}:${l.port}${l.secure ? '' : `?tls=${l.tls}`}`;
}
