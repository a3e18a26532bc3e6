/**
 * The mail component: SMTP URLs parsed as data (password never shown), the token bucket on an
 * injected clock, the SMS webhook against a real HTTP server (signature, idempotency key,
 * status classes), and `Mailer.deliver` retrying a temporary refusal against a real SMTP server
 * — what the victim portal's one-time codes will use.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { startSmtpSink } from '../../../test/e2e/smtp-sink.js';
import { base64Lines, composeMessage } from './compose.js';
import { Mailer } from './mailer.js';
import { RateLimiter } from './rate-limiter.js';
import { SmsWebhookTransport } from './sms-webhook.js';
import { SmtpTransport } from './smtp-transport.js';
import { describeSmtp, parseSmtpUrl, smtpLocation } from './smtp-url.js';

describe('SMTP URLs', () => {
  it('parses schemes, ports, TLS policy and credentials; hides the password', () => {
    const a = smtpLocation('smtp://relay.example.com', {});
    expect(a).toMatchObject({ host: 'relay.example.com', port: 587, secure: false, tls: 'required' });
    expect(smtpLocation('smtps://u@mx.example.com', { BREACHWATCH_SMTP_PASSWORD: 's3cret' })).toMatchObject({ port: 465, secure: true, user: 'u', password: 's3cret' });
    const b = smtpLocation('smtp://u:p%40ss@127.0.0.1:2525?tls=none', {});
    expect(b).toMatchObject({ port: 2525, tls: 'none', password: 'p@ss' });
    expect(describeSmtp(b)).toBe('smtp://u:***@127.0.0.1:2525?tls=none');
    for (const bad of ['http://x', 'smtp://', 'smtp://h?tls=maybe', 'nope']) expect(parseSmtpUrl(bad, {}).ok, bad).toBe(false);
    expect(() => smtpLocation('smtp://u:hunter2@h?tls=maybe', {})).toThrow(/tls=maybe/);
    try { smtpLocation('smtp://u:hunter2@h?tls=maybe', {}); } catch (e) { expect(String(e)).not.toContain('hunter2'); }
  });
});

describe('RateLimiter', () => {
  it('lets a burst through, then one per 1/rate', async () => {
    let t = 0;
    const r = new RateLimiter(1000, 2, () => t);
    expect(r.tryTake()).toBe(true);
    expect(r.tryTake()).toBe(true);
    expect(r.tryTake()).toBe(false);
    t += 1;
    expect(r.tryTake()).toBe(true);
    expect(r.tryTake()).toBe(false);
    t += 5;
    await r.take(); // refilled: no wait
    expect(() => new RateLimiter(0)).toThrow(/rate/);
  });
});

describe('SmsWebhookTransport', () => {
  it('signs the body, sends the idempotency key, and classifies answers', async () => {
    const got: { body: string; sig: string | undefined; key: string | undefined }[] = [];
    const answers = [200, 503, 400];
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (d: Buffer) => { body += d.toString(); });
      req.on('end', () => {
        got.push({ body, sig: req.headers['x-breachwatch-signature'] as string | undefined, key: req.headers['idempotency-key'] as string | undefined });
        res.statusCode = answers.shift() ?? 500;
        res.end();
      });
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    const port = (server.address() as AddressInfo).port;
    const secret = 'a-webhook-secret-of-some-length';
    try {
      const t = new SmsWebhookTransport({ url: `http://127.0.0.1:${port}/sms`, secret });
      const m = { channel: 'sms' as const, id: 'n-1', to: '010-0000-0000', text: '[Example] notice' };
      expect(await t.send(m)).toMatchObject({ status: 'accepted' });
      expect(await t.send(m)).toMatchObject({ status: 'temporary' });
      expect(await t.send(m)).toMatchObject({ status: 'permanent' });
      expect(got[0]!.key).toBe('n-1');
      expect(got[0]!.sig).toBe(`sha256=${createHmac('sha256', secret).update(got[0]!.body).digest('hex')}`);
      expect(JSON.parse(got[0]!.body)).toEqual({ id: 'n-1', to: '010-0000-0000', text: '[Example] notice' });
    } finally {
      await new Promise<void>((res) => server.close(() => res()));
    }
    // A port nothing listens on (a fresh server, closed before any connection): nothing was sent.
    const spare = createServer();
    await new Promise<void>((res) => spare.listen(0, '127.0.0.1', () => res()));
    const deadPort = (spare.address() as AddressInfo).port;
    await new Promise<void>((res) => spare.close(() => res()));
    const closed = new SmsWebhookTransport({ url: `http://127.0.0.1:${deadPort}/sms`, secret });
    const r = await closed.send({ channel: 'sms', id: 'n-2', to: '1', text: 'x' });
    expect(r, r.response).toMatchObject({ status: 'temporary' });
    expect(() => new SmsWebhookTransport({ url: 'http://sms.example.com/', secret })).toThrow(/https only/);
    expect(() => new SmsWebhookTransport({ url: 'https://sms.example.com/', secret: 'short' })).toThrow(/16/);
  });
});

describe('composeMessage', () => {
  const text = '안녕하세요, 테스트 고객님.\n유출된 항목: 이름, 전화번호 (예시)\n\n'.repeat(30) + 'Line with = and -- and =_bw_ inside\n😀 end';
  const html = `<!doctype html><p>${'유출 안내 &amp; <b>조치</b> '.repeat(80)}</p>`;
  const parts = {
    from: { name: '예시마켓 "개인정보", 보호팀', address: 'privacy@notice.example.com' },
    to: { name: 'Kim, "Test" \\ Person\r\nBcc: someone@evil.example', address: 'person@bench.example.org' },
    subject: `[예시마켓] 개인정보 유출 안내 ${'긴 제목 '.repeat(12)}`.trim(), text, html,
    messageId: '<n-0123456789abcdef01234567.inc-1@notice.example.com>', date: new Date('2025-11-20T01:02:03Z'),
    headers: { 'X-Breachwatch-Notice': 'n-0123456789abcdef01234567', 'X-Note': 'two\r\nInjected: yes' },
  };

  it('writes 7-bit multipart/alternative that a MIME parser reads back exactly', async () => {
    const raw = composeMessage(parts);
    const s = raw.toString('latin1');
    // Every line is ASCII, CRLF-terminated and within RFC 5322's 78 columns.
    expect(/^[\x20-\x7e\r\n\t]*$/.test(s)).toBe(true);
    expect(s.replace(/\r\n/g, '').includes('\n')).toBe(false);
    for (const line of s.split('\r\n')) expect(line.length, line).toBeLessThanOrEqual(78);
    const m = await simpleParser(raw);
    expect(m.text).toBe(text);
    expect(m.html).toBe(html);
    expect(m.subject).toBe(parts.subject);
    expect(m.messageId).toBe(parts.messageId);
    expect(m.date?.toISOString()).toBe('2025-11-20T01:02:03.000Z');
    expect(m.from?.value).toEqual([{ name: parts.from.name, address: parts.from.address }]);
    const to = Array.isArray(m.to) ? m.to[0] : m.to;
    expect(to?.value[0]?.address).toBe('person@bench.example.org');
    // A line break in a value never starts a header of its own.
    expect(m.headers.has('bcc')).toBe(false);
    expect(m.headers.has('injected')).toBe(false);
    expect(m.headers.get('x-breachwatch-notice')).toBe('n-0123456789abcdef01234567');
    expect(m.headers.get('auto-submitted')).toBe('auto-generated');
    // The same parts give the same bytes (the boundary comes from the Message-ID).
    expect(composeMessage(parts).equals(raw)).toBe(true);
    expect(composeMessage({ ...parts, messageId: '<other@notice.example.com>' }).equals(raw)).toBe(false);
  });

  it('writes a text-only message, empty bodies included, and refuses a bad header name', async () => {
    for (const body of ['Your code is 123456', '', 'ab', 'abc']) {
      const m = await simpleParser(composeMessage({ from: parts.from, to: parts.to, subject: parts.subject, messageId: parts.messageId, date: parts.date, text: body }));
      expect(m.text ?? '').toBe(body);
      expect(m.html).toBe(false);
    }
    expect(() => composeMessage({ ...parts, headers: { 'Bad Name': 'x' } })).toThrow(/header field name/);
  });

  it('wraps base64 at 76 characters for every length', () => {
    for (let n = 0; n < 200; n++) {
      const s = 'ㄱa'.repeat(n).slice(0, n);
      const b = base64Lines(s);
      const lines = b.split('\r\n');
      expect(lines.pop()).toBe('');
      for (const l of lines.slice(0, -1)) expect(l.length).toBe(76);
      expect(Buffer.from(lines.join(''), 'base64').toString('utf8')).toBe(s);
    }
  });
});

describe('Mailer over SMTP', () => {
  it('delivers a one-time code after a temporary refusal, under STARTTLS and AUTH', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bw-mail-test-'));
    const sink = await startSmtpSink(dir, 'portal', 'pw-for-tests');
    try {
      sink.refuse('otp@example.org', 1);
      const email = new SmtpTransport(smtpLocation(`smtp://portal:pw-for-tests@127.0.0.1:${sink.port}`, {}), { ca: await readFile(sink.caFile, 'utf8') });
      const mailer = new Mailer({ email, limiter: new RateLimiter(100), retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 20 } });
      const raw = composeMessage({
        from: { name: 'Example', address: 'no-reply@example.com' }, to: { name: 'P', address: 'otp@example.org' },
        subject: 'Your code', text: 'Your code is 123456', messageId: '<otp-1@example.com>', date: new Date(0),
      });
      const r = await mailer.deliver({ channel: 'email', id: '<otp-1@example.com>', from: 'no-reply@example.com', to: 'otp@example.org', raw });
      expect(r).toMatchObject({ status: 'accepted', attempts: 2 });
      expect(sink.arrived.map((a) => a.messageId)).toEqual(['<otp-1@example.com>']);
      expect(sink.arrived[0]!.text).toContain('123456');
      expect([...mailer.channels]).toEqual(['email']);
      await expect(mailer.attempt({ channel: 'sms', id: 'x', to: '1', text: 'x' })).rejects.toMatchObject({ code: 'ERR_CONFIG' });
      await mailer.close();
    } finally {
      await sink.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
