/**
 * A real SMTP server for tests (`smtp-server`, STARTTLS with a certificate made for the run,
 * AUTH PLAIN/LOGIN), on 127.0.0.1 and a free port. Every message that arrives is parsed with
 * `mailparser` and kept with the hash of its bytes; a test can make it refuse a recipient for now (451) a number of times.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message as it arrived. */
export interface Arrived {
  readonly messageId: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly headers: ReadonlyMap<string, unknown>;
  /** SHA-256 (hex) of the message's bytes as they arrived. */
  readonly sha256: string;
}

/** A running sink. */
export interface SmtpSink {
  readonly port: number;
  /** PEM of the server's self-signed certificate (pass as `--smtp-ca`). */
  readonly caFile: string;
  readonly arrived: Arrived[];
  /** Refuse `address` with 451 the next `times` times. */
  refuse(address: string, times: number): void;
  close(): Promise<void>;
}

/** Starts a sink that accepts `user`/`pass`; its certificate files go to `dir`. */
export async function startSmtpSink(dir: string, user: string, pass: string): Promise<SmtpSink> {
  const key = join(dir, 'smtp-key.pem');
  const cert = join(dir, 'smtp-cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const arrived: Arrived[] = [];
  const refusals = new Map<string, number>();
  const server = new SMTPServer({
    key: readFileSync(key), cert: readFileSync(cert), logger: false, disabledCommands: [], authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      if (auth.username === user && auth.password === pass) cb(null, { user });
      else cb(Object.assign(new Error('authentication failed'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, cb) {
      const left = refusals.get(address.address) ?? 0;
      if (left > 0) {
        refusals.set(address.address, left - 1);
        cb(Object.assign(new Error('mailbox busy, try later'), { responseCode: 451 }));
      } else cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      once(stream, 'end').then(() => simpleParser(Buffer.concat(chunks))).then((m) => {
        arrived.push({
          messageId: m.messageId ?? '', to: session.envelope.rcptTo.map((r) => r.address).join(','), subject: m.subject ?? '',
          text: m.text ?? '', html: typeof m.html === 'string' ? m.html : '', headers: m.headers,
          sha256: createHash('sha256').update(Buffer.concat(chunks)).digest('hex'),
        });
        cb();
      }, (e: Error) => cb(e));
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port, caFile: cert, arrived,
    refuse: (address, times) => { refusals.set(address, times); },
    close: () => new Promise<void>((res) => server.close(() => res())),
  };
}
