/**
 * `breachwatch notice render|send` as a user runs them (the built binary), delivering to a
 * real SMTP server (STARTTLS, AUTH) and reading what arrived: every required item of the
 * rules in every notice (ko and en), only the person's own fields, each message the bytes the
 * render hashed, a temporary refusal retried, a rerun that sends nothing, follow-ups only to
 * changed persons, and a `notice send` SIGKILLed mid-run that resumes with no person getting
 * the same notice twice — with the messages in one mbox and with an `.eml` each.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mboxrdUnquote } from '../../src/respond/index.js';
import { BIN, ROOT, runCli } from './run-cli.js';
import { startSmtpSink, type Arrived, type SmtpSink } from './smtp-sink.js';

const FIX = join(ROOT, 'test/fixtures/notice');
const PASS = 'relay-secret-for-tests';
let dir = '';
let sink: SmtpSink;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-notice-cli-'));
  sink = await startSmtpSink(dir, 'notices', PASS);
});
afterAll(async () => {
  await sink.close();
  await rm(dir, { recursive: true, force: true });
});

const smtpUrl = (): string => `smtp://notices@127.0.0.1:${sink.port}?tls=required`;
const sendArgs = (out: string, db: string, ...more: string[]): string[] =>
  ['notice', 'send', '--out', out, '--db', db, '--smtp', smtpUrl(), '--smtp-ca', sink.caFile, '--quiet', ...more];
const env = { BREACHWATCH_SMTP_PASSWORD: PASS };

async function until(what: string, ms: number, f: () => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (!f()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Row {
  notice_id: string; message_id: string; account_id: string; email: string; channel: string; locale: string; kind: string; field_names: string;
  sha256: string; message_file: string; message_offset: number; message_length: number;
}
async function mergeRows(out: string): Promise<Row[]> {
  return (await readFile(join(out, 'mail-merge.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Row);
}

/** A row's message as the render stored it (a range of the mbox, unquoted, or its .eml). */
async function messageOf(out: string, row: Row): Promise<Buffer> {
  const file = await readFile(join(out, row.message_file));
  return row.message_file.endsWith('.mbox') ? mboxrdUnquote(file.subarray(row.message_offset, row.message_offset + row.message_length)) : file;
}

interface Template { sections: { item: string; title: string }[] }
const template = async (locale: string): Promise<Template> =>
  parse(await readFile(join(ROOT, 'data/notice/templates/kr-pipa', `${locale}.yaml`), 'utf8')) as Template;
const labels = async (locale: string): Promise<Record<string, string>> =>
  (parse(await readFile(join(ROOT, 'data/notice/labels', `${locale}.yaml`), 'utf8')) as { labels: Record<string, string> }).labels;

/** The text between the items_leaked section's title and the next section's. */
function leakedSection(text: string, t: Template): string {
  const i = t.sections.findIndex((s) => s.item === 'items_leaked');
  const start = text.indexOf(t.sections[i]!.title);
  const end = text.indexOf(t.sections[i + 1]!.title);
  return text.slice(start, end);
}

describe('breachwatch notice', () => {
  it('renders, delivers over STARTTLS+AUTH, retries a 451, and a rerun sends nothing', async () => {
    const out = join(dir, 'render');
    const r = await runCli(['notice', 'render', '--scope', join(FIX, 'scope'), '--directory', join(FIX, 'customers.csv'),
      '--incident', join(FIX, 'incident.yaml'), '--out', out, '--evidence', join(dir, 'evidence')]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { counts: { initial: number }; by_channel: Record<string, number> };
    expect(summary.counts.initial).toBe(5);
    const rows = await mergeRows(out);
    const email = rows.filter((x) => x.channel === 'email');
    expect(email.length).toBe(summary.by_channel.email);
    // The default: every message in notices.mbox, each at its own range.
    expect(new Set(email.map((x) => x.message_file))).toEqual(new Set(['notices.mbox']));
    expect(new Set(email.map((x) => x.message_offset)).size).toBe(email.length);
    expect(r.stdout + r.stderr).not.toContain('minseo@example.org'); // personal data stays out of the output

    const db = join(dir, 'ledger.duckdb');
    sink.refuse('seojun@example.org', 1);
    const s = await runCli(sendArgs(out, db, '--retry-delay-ms', '200', '--max-wait', '30', '--evidence', join(dir, 'evidence')), { env });
    expect(s.code, s.stderr).toBe(0);
    const sent = JSON.parse(s.stdout) as { sent: number; attempts: number; ledger: Record<string, number>; evidence: { entries: number } };
    expect(sent).toMatchObject({ sent: email.length, attempts: email.length + 1, evidence: { entries: email.length } });
    expect(sent.ledger).toMatchObject({ sent: email.length, queued: 0, retry: 0, in_doubt: 0 });
    expect(s.stdout + s.stderr).not.toContain(PASS);

    const got = new Map<string, Arrived>(sink.arrived.map((a) => [a.messageId, a]));
    expect(sink.arrived.length).toBe(email.length);
    for (const row of email) {
      const a = got.get(row.message_id);
      expect(a, row.notice_id).toBeDefined();
      expect(a!.to).toBe(row.email);
      // What arrived is byte for byte what the render stored and hashed.
      expect(a!.sha256).toBe(row.sha256);
      expect(createHash('sha256').update(await messageOf(out, row)).digest('hex')).toBe(row.sha256);
      expect(a!.html).not.toBe('');
      const t = await template(row.locale);
      for (const sec of t.sections) expect(a!.text, `${row.locale} ${sec.item}`).toContain(sec.title);
      for (const sec of t.sections) expect(a!.html, `${row.locale} ${sec.item} (html)`).toContain(sec.title.replace(/&/g, '&amp;'));
      expect(a!.text).toContain('118');
      expect(a!.text).toContain('https://check.example.com/');
      expect(a!.text).toContain('1588-0000');
      // Only the person's own fields, by label, in the items-leaked section.
      const own = new Set(row.field_names.split(';'));
      const l = await labels(row.locale);
      const section = leakedSection(a!.text, t);
      for (const [field, label] of Object.entries(l)) {
        if (own.has(field)) expect(section, `${row.account_id} ${field}`).toContain(label);
        else if (![...own].some((o) => (l[o] ?? o).includes(label))) expect(section, `${row.account_id} not ${field}`).not.toContain(label);
      }
    }

    const again = await runCli(sendArgs(out, db), { env });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 0, attempts: 0, recorded: 0, already_in_ledger: email.length });
    expect(sink.arrived.length).toBe(email.length);
    const st = await runCli(['notice', 'status', '--db', db, '--incident', 'INC-2025-0001']);
    expect(JSON.parse(st.stdout)).toMatchObject({ ledger: { sent: email.length } });
  });

  it('refuses an unfinished render and a wrong password, sending nothing', async () => {
    const half = join(dir, 'half');
    await mkdir(half);
    const u = await runCli(sendArgs(half, join(dir, 'x.duckdb')), { env });
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('not a finished render');
    const out = join(dir, 'render-pw');
    expect((await runCli(['notice', 'render', '--scope', join(FIX, 'scope'), '--directory', join(FIX, 'customers.csv'),
      '--incident', join(FIX, 'incident.yaml'), '--out', out, '--quiet'])).code).toBe(0);
    const before = sink.arrived.length;
    const w = await runCli(sendArgs(out, join(dir, 'pw.duckdb')), { env: { BREACHWATCH_SMTP_PASSWORD: 'wrong' } });
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('authentication refused');
    expect(w.stderr).not.toContain('wrong');
    expect(sink.arrived.length).toBe(before);
  });

  it('does not send a message changed in the mbox after the render; the others go', async () => {
    const out = join(dir, 'tampered');
    expect((await runCli(['notice', 'render', '--scope', join(FIX, 'scope'), '--directory', join(FIX, 'customers.csv'),
      '--incident', join(FIX, 'incident.yaml'), '--out', out, '--quiet'])).code).toBe(0);
    const email = (await mergeRows(out)).filter((x) => x.channel === 'email');
    const victim = email[1]!;
    const mbox = join(out, 'notices.mbox');
    const bytes = await readFile(mbox);
    const at = victim.message_offset + victim.message_length - 10;
    bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
    await writeFile(mbox, bytes);
    const before = sink.arrived.length;
    const s = await runCli(sendArgs(out, join(dir, 'tampered.duckdb')), { env });
    expect(s.code).toBe(1);
    expect(JSON.parse(s.stdout)).toMatchObject({ sent: email.length - 1, failed: 1 });
    const got = new Set(sink.arrived.slice(before).map((a) => a.messageId));
    expect(got.has(victim.message_id)).toBe(false);
    expect(got.size).toBe(email.length - 1);
  });

  it('sends follow-ups only to persons added or whose fields grew', async () => {
    const prev = join(dir, 'prev-scope');
    await mkdir(prev);
    const cur = await readFile(join(FIX, 'scope/affected_accounts.csv'), 'utf8');
    // The earlier run: m-0000001 had fewer fields, m-0000002 the same, m-0000003 was not found yet.
    const lines = cur.trim().split('\n');
    const earlier = [lines[0], lines[1]!.replace('address;entrance_code;name;phone', 'name;phone'), lines[2]];
    await writeFile(join(prev, 'affected_accounts.csv'), `${earlier.join('\n')}\n`);
    await writeFile(join(prev, 'summary.json'), '{}');
    const out = join(dir, 'followup');
    const r = await runCli(['notice', 'render', '--scope', join(FIX, 'scope'), '--previous-scope', prev, '--directory', join(FIX, 'customers.csv'),
      '--incident', join(FIX, 'incident.yaml'), '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const rows = await mergeRows(out);
    const by = new Map(rows.map((x) => [x.account_id, x]));
    expect(by.get('m-0000001')).toMatchObject({ kind: 'update' });
    expect(by.has('m-0000002')).toBe(false);
    expect(by.get('m-0000003')).toMatchObject({ kind: 'initial' });
    expect(JSON.parse(r.stdout)).toMatchObject({ counts: { unchanged: 1, update: 1 } });
  });

  it('renders possible-leak notices for a named population, posting pages for those without contact, and the GDPR variant', async () => {
    const pop = join(dir, 'population.txt');
    await writeFile(pop, '# accounts active in the lost-log period\nm-0000009\nm-0000004\nm-0000009\nm-0000077\n');
    const inc = join(dir, 'incident-possible.yaml');
    await writeFile(inc, `${await readFile(join(FIX, 'incident.yaml'), 'utf8')}possible_leak:
  accounts_file: ${pop}
  period: { from: 2025-06-01T00:00:00Z, to: 2025-06-20T00:00:00Z }
  fields: [name, phone]
  reason:
    ko: 이 기간의 웹 로그가 보존되지 않아 실제 조회 여부를 확인할 수 없습니다.
    en: The web logs of this period were not kept, so we cannot tell whose data was read.
`);
    const out = join(dir, 'possible');
    const r = await runCli(['notice', 'render', '--scope', join(FIX, 'scope'), '--directory', join(FIX, 'customers.csv'), '--incident', inc, '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const rows = await mergeRows(out);
    const possible = rows.filter((x) => x.kind === 'possible_leak').map((x) => x.account_id).sort();
    // m-0000004 is a confirmed victim (initial notice, not also a possible one); the repeat counts once.
    expect(possible).toEqual(['m-0000009', 'm-0000077']);
    expect(rows.find((x) => x.account_id === 'm-0000077')).toMatchObject({ channel: 'posting' });
    const posting = await readFile(join(out, 'posting.ko.html'), 'utf8');
    expect(posting).toContain('https://check.example.com/');
    expect(posting).not.toContain('m-0000077');

    const gdpr = join(dir, 'gdpr');
    const g = await runCli(['notice', 'render', '--scope', join(FIX, 'scope'), '--directory', join(FIX, 'customers.csv'), '--incident', join(FIX, 'incident.yaml'),
      '--rules', 'eu-gdpr', '--out', gdpr, '--quiet']);
    expect(g.code, g.stderr).toBe(0);
    const t = parse(await readFile(join(ROOT, 'data/notice/templates/eu-gdpr/en.yaml'), 'utf8')) as Template;
    const one = (await mergeRows(gdpr)).find((x) => x.channel === 'email')!;
    const eml = await messageOf(gdpr, one);
    expect(one.locale).toBe('en');
    const { simpleParser } = await import('mailparser');
    const text = (await simpleParser(eml)).text ?? '';
    for (const sec of t.sections) expect(text, sec.item).toContain(sec.title);
  });

  it.each(['mbox', 'eml'])('resumes a SIGKILLed send (--format %s): nobody gets the same notice twice, nothing is lost unaccounted', async (format) => {
    const n = 40;
    const domain = `kill-${format}.example.org`;
    const scope = join(dir, `big-scope-${format}`);
    await mkdir(scope);
    const ids = Array.from({ length: n }, (_, i) => `p-${String(i).padStart(5, '0')}`);
    await writeFile(join(scope, 'affected_accounts.csv'), `account_id,fields,first_access,last_access,accesses,src_ips\n${
      ids.map((id, i) => `${id},${i % 2 === 0 ? 'email;name' : 'address;phone'},2025-06-24T00:00:00Z,2025-06-25T00:00:00Z,2,203.0.113.9`).join('\n')}\n`);
    await writeFile(join(scope, 'summary.json'), JSON.stringify({ accounts_affected: n }));
    const directory = join(dir, `big-customers-${format}.csv`);
    await writeFile(directory, `account_id,name,email,phone,locale\n${
      ids.map((id, i) => `${id},Test Person ${i},${id}@${domain},,${i % 3 === 0 ? 'en' : 'ko'}`).join('\n')}\n`);
    const out = join(dir, `big-${format}`);
    const rendered = await runCli(['notice', 'render', '--scope', scope, '--directory', directory, '--incident', join(FIX, 'incident.yaml'), '--out', out, '--format', format, '--quiet']);
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(JSON.parse(rendered.stdout)).toMatchObject({ format });
    const rows = await mergeRows(out);
    expect(rows.every((r) => (format === 'mbox' ? r.message_file === 'notices.mbox' : r.message_file.endsWith('.eml')))).toBe(true);
    const mine = (a: Arrived): boolean => a.to.endsWith(`@${domain}`);
    const db = join(dir, `kill-${format}.duckdb`);

    const child = spawn(process.execPath, [BIN, ...sendArgs(out, db, '--rate', '8')], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'ignore' });
    const exited = new Promise<unknown>((res) => child.on('exit', (code, sig) => res(sig ?? code)));
    await until('a few notices to arrive', 60_000, () => sink.arrived.filter(mine).length >= 8);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const beforeResume = sink.arrived.filter(mine).length;
    expect(beforeResume).toBeLessThan(n);

    const r = await runCli(sendArgs(out, db, '--rate', '50'), { env });
    const summary = JSON.parse(r.stdout) as { sent: number; interrupted_before: number; ledger: Record<string, number> };
    const arrived = sink.arrived.filter(mine);
    const seen = new Set(arrived.map((a) => a.messageId));
    expect(seen.size, 'a notice arrived twice').toBe(arrived.length);
    expect(r.code, r.stderr).toBe(0);
    // Every notice is sent, or in doubt when the kill fell between "accepted" and "written"
    // (one sender, one message at a time: at most one); none is queued, retried or lost.
    const { sent, in_doubt: doubt } = summary.ledger as { sent: number; in_doubt: number };
    expect(sent + doubt).toBe(n);
    expect(doubt).toBeLessThanOrEqual(1);
    expect(summary.interrupted_before).toBe(doubt);
    expect(arrived.length).toBeGreaterThanOrEqual(sent);
    expect(arrived.length).toBeLessThanOrEqual(n);
    const missing = rows.filter((row) => !seen.has(row.message_id));
    expect(missing.length).toBeLessThanOrEqual(doubt);
    const hashOf = new Map(rows.map((row) => [row.message_id, row.sha256]));
    for (const a of arrived) expect(a.sha256, a.messageId).toBe(hashOf.get(a.messageId));

    // A third run sends nothing.
    const third = await runCli(sendArgs(out, db), { env });
    expect(JSON.parse(third.stdout)).toMatchObject({ sent: 0, attempts: 0 });
    expect(sink.arrived.filter(mine).length).toBe(arrived.length);
  });
});
