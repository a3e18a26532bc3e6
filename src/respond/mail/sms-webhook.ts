/**
 * SMS through a configurable webhook (the company's SMS gateway or a provider's HTTP API): a
 * POST of `{id, to, text}` as JSON, signed with HMAC-SHA256 over the body
 * (`X-Breachwatch-Signature: sha256=<hex>`) and carrying `Idempotency-Key: <id>` so that a
 * gateway which honours it drops a repeat. 2xx is accepted, 429 and 5xx temporary, other 4xx
 * permanent; a request that failed to connect is temporary, one lost after it was sent unknown.
 */
import { createHmac } from 'node:crypto';
import { BreachwatchError } from '../../model/index.js';
import type { MessageTransport, SendOutcome, SmsMessage } from './transport.js';

/** Where and how to call the webhook. */
export interface SmsWebhookOptions {
  readonly url: string;
  /** HMAC key; the gateway checks the signature with it. */
  readonly secret: string;
  readonly timeoutMs?: number;
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** The SMS webhook transport (same interface as SMTP). */
export class SmsWebhookTransport implements MessageTransport<SmsMessage> {
  readonly channel = 'sms';
  readonly describe: string;

  constructor(private readonly opts: SmsWebhookOptions) {
    let u: URL;
    try {
      u = new URL(opts.url);
    } catch {
      throw new BreachwatchError('ERR_USAGE', 'SMS webhook: not a URL');
    }
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost'))) {
      throw new BreachwatchError('ERR_USAGE', 'SMS webhook: https only (http only to localhost)');
    }
    if (opts.secret.length < 16) throw new BreachwatchError('ERR_USAGE', 'SMS webhook: the signing secret must have at least 16 characters');
    this.describe = `${u.origin}${u.pathname}`;
  }

  async send(m: SmsMessage): Promise<SendOutcome> {
    const body = JSON.stringify({ id: m.id, to: m.to, text: m.text });
    const signature = createHmac('sha256', this.opts.secret).update(body).digest('hex');
    let res: Response;
    try {
      res = await fetch(this.opts.url, {
        method: 'POST', body, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
        headers: { 'content-type': 'application/json', 'idempotency-key': m.id, 'x-breachwatch-signature': `sha256=${signature}` },
      });
    } catch (e) {
      const code = ((e as { cause?: { code?: string } }).cause?.code) ?? '';
      return NOT_SENT.has(code) ? { status: 'temporary', response: `not connected: ${code}` } : { status: 'unknown', response: `no answer: ${code || (e as Error).name}` };
    }
    await res.body?.cancel().catch(() => undefined);
    const response = `${res.status} ${res.statusText}`.trim();
    if (res.ok) return { status: 'accepted', response };
    if (res.status === 429 || res.status >= 500) return { status: 'temporary', response };
    return { status: 'permanent', response };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
