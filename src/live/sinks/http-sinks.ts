/**
 * HTTP alert sinks: a generic webhook (the alert as JSON, signed with HMAC-SHA256 in
 * `X-Breachwatch-Signature: sha256=<hex>` over the exact body bytes) and a Slack-compatible
 * incoming webhook (`{text}`). Any non-2xx answer counts as a failure and is retried.
 */
import { createHmac } from 'node:crypto';
import type { Alert } from '../../model/index.js';
import type { Deliver } from './sink-queue.js';

/** The signature header value for `body` under `secret`. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  const res = await fetch(url, {
    method: 'POST', body, headers: { 'content-type': 'application/json', ...headers },
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.arrayBuffer().catch(() => undefined);
  if (res.status < 200 || res.status >= 300) throw new Error(`sink answered ${res.status}`);
}

/** A webhook delivering `{alert}`-shaped JSON (the alert itself) with an optional signature. */
export function webhookDeliver(url: string, secret: string | undefined, timeoutMs: number): Deliver {
  return (a: Alert) => {
    const body = JSON.stringify(a);
    const headers: Record<string, string> = { 'x-breachwatch-alert-id': a.alert_id };
    if (secret !== undefined) headers['x-breachwatch-signature'] = signBody(secret, body);
    return post(url, body, headers, timeoutMs);
  };
}

/** One line a person reads in a chat channel (no personal data beyond the alert's entity). */
export function slackText(a: Alert): string {
  return `[${a.severity.toUpperCase()}] ${a.title} (${a.detector}, ${a.entity.type} ${a.entity.id}; ` +
    `${a.events} requests, ${a.accounts} accounts; detected ${a.detected_at}; alert ${a.alert_id})`;
}

/** A Slack-compatible incoming webhook. */
export function slackDeliver(url: string, timeoutMs: number): Deliver {
  return (a: Alert) => post(url, JSON.stringify({ text: slackText(a) }), {}, timeoutMs);
}
