/**
 * The victim portal end to end, in real Chromium against the portal as its own process: a
 * person enters their email, reads the code from a real SMTP server, sees their own exposed
 * fields (and markup in every shown text stays text), downloads a certificate that
 * `certificate verify` accepts and rejects after one byte changes, downloads the PDF, joins the
 * claim, `claim export` lists them; withdraws, and the next export does not. Screenshots go
 * to test/portal/__screenshots__/. Nothing personal reaches the portal's logs or audit.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../e2e/run-cli.js';
import { buildFixture, startPortalProcess, until, VICTIM, XSS, PUBLIC_URL, type Fixture, type PortalProcess } from './fixture.js';
import { CHROMIUM } from '../../src/respond/index.js';

const SHOTS = join(ROOT, 'test/portal/__screenshots__');
let fx: Fixture;
let portal: PortalProcess;
let browser: Browser;

beforeAll(async () => {
  fx = await buildFixture();
  portal = await startPortalProcess(fx.config);
  browser = await chromium.launch({ executablePath: CHROMIUM.executablePath, args: [...CHROMIUM.args] });
  await mkdir(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await fx?.sink.close();
  if (fx !== undefined) await rm(fx.dir, { recursive: true, force: true });
});

/** Fails the test on any dialog (an alert() would mean markup ran) and on any script element. */
async function inert(page: Page): Promise<void> {
  expect(await page.evaluate<number>("document.querySelectorAll('script, img, svg, iframe, object, embed').length")).toBe(0);
}

describe('victim portal in Chromium', () => {
  it('email → code from SMTP → own fields → certificate verified → claim joined, exported, withdrawn', async () => {
    const ctx = await browser.newContext({ acceptDownloads: true, locale: 'en-GB' });
    const page = await ctx.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    const res = await page.goto(`${portal.url}/?lang=en`);
    expect(res?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(await page.textContent('header')).toContain(PUBLIC_URL);
    // Every visible field has a label; the form is used by keyboard alone.
    expect(await page.evaluate<boolean>("[...document.querySelectorAll('input:not([type=hidden])')].every((i) => i.labels && i.labels.length === 1)")).toBe(true);
    await page.screenshot({ path: join(SHOTS, '1-lookup.png'), fullPage: true });
    await page.focus('#identifier');
    await page.keyboard.type(VICTIM);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/code/);
    await page.screenshot({ path: join(SHOTS, '2-code.png'), fullPage: true });
    expect(page.url()).not.toContain('victim');
    const mail = await until('the code to arrive', 30_000, () => fx.sink.arrived.find((a) => a.to === VICTIM));
    const code = /\b(\d{6})\b/.exec(mail.text)?.[1] ?? '';
    expect(code).toMatch(/^\d{6}$/);
    expect(mail.text).toContain(PUBLIC_URL);
    await page.fill('#code', code);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/me/);
    const cookies = await ctx.cookies();
    const sid = cookies.find((c) => c.name === '__Host-bw_sid');
    expect(sid).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });

    // Own fields by label, first/last access and count; the markup in the name, the incident and its contacts is text.
    const status = JSON.parse((await runCli(['incident', 'status', fx.incidentId, '--db', fx.db, '--json'])).stdout) as { latest_run: string };
    const exposure = JSON.parse((await runCli(['incident', 'exposure', status.latest_run, fx.affected[0]!, '--db', fx.db])).stdout) as { exposure: { fields: string[]; accesses: number } };
    const labels = (await import('yaml')).parse(await readFile(join(ROOT, 'data/notice/labels/en.yaml'), 'utf8')) as { labels: Record<string, string> };
    const main = (await page.textContent('main')) ?? '';
    for (const f of exposure.exposure.fields) expect(main).toContain(labels.labels[f] ?? f);
    expect(main).toContain(fx.affected[0]!);
    expect(main).toContain(`Number of accesses${exposure.exposure.accesses}`);
    expect(main).toContain(`Privacy desk ${XSS}`);
    expect(main).toContain(`Change your password ${XSS}`);
    expect(main).toContain(`June tokens ${XSS}`);
    expect(await page.inputValue('#claim-name')).toBe(`${XSS}김`);
    expect(main).toMatch(/voice phishing/i);
    await inert(page);
    await page.screenshot({ path: join(SHOTS, '3-me.png'), fullPage: true });

    // The certificate: verify accepts it (JWKS by URL and by file), one changed byte is refused.
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('a[href="/certificate.jws"]')]);
    const certFile = join(fx.dir, 'cert.jws');
    await dl.saveAs(certFile);
    const ok = await runCli(['certificate', 'verify', certFile, '--jwks', `${portal.url}/.well-known/jwks.json`, '--json']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const verified = JSON.parse(ok.stdout) as { valid: boolean; certificate: { account_id: string; fields: string[]; certificate_id: string; verified_contact: { value: string } } };
    expect(verified.certificate).toMatchObject({ account_id: fx.affected[0], fields: exposure.exposure.fields, verified_contact: { value: VICTIM } });
    const jwksFile = join(fx.dir, 'jwks.json');
    await writeFile(jwksFile, await (await fetch(`${portal.url}/.well-known/jwks.json`)).text());
    expect((await runCli(['certificate', 'verify', certFile, '--jwks', jwksFile])).code).toBe(0);
    const jws = await readFile(certFile, 'utf8');
    for (const at of [10, Math.floor(jws.length / 2), jws.trim().length - 5]) {
      const bad = Buffer.from(jws);
      bad[at] = bad[at] === 0x41 ? 0x42 : 0x41;
      const badFile = join(fx.dir, `bad-${at}.jws`);
      await writeFile(badFile, bad);
      const r = await runCli(['certificate', 'verify', badFile, '--jwks', jwksFile]);
      expect(r.code, `byte ${at}: ${r.stdout}`).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/NOT valid|not|invalid/i);
    }
    const [pdfDl] = await Promise.all([page.waitForEvent('download'), page.click('a[href="/certificate.pdf"]')]);
    const pdfFile = join(fx.dir, 'cert.pdf');
    await pdfDl.saveAs(pdfFile);
    expect((await readFile(pdfFile)).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // Join the claim with explicit consent.
    await page.check('#claim-contact');
    await page.check('#claim-consent');
    await page.click('form[action="/claim"] button');
    await page.waitForURL(/done=joined/);
    expect(await page.textContent('[role=status]')).toContain('joined');
    await page.screenshot({ path: join(SHOTS, '4-claimed.png'), fullPage: true });
    const out = join(fx.dir, 'claim-out');
    const x = await runCli(['claim', 'export', '--config', fx.config, '--out', out]);
    expect(x.code, x.stderr).toBe(0);
    expect(JSON.parse(x.stdout)).toMatchObject({ claimants: 1, legal_minimum: 50, meets_minimum: false, short_by: 49 });
    expect(x.stderr).toContain('49 short of the legal minimum of 50');
    const csv = (await readFile(join(out, 'claimants.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('claim_id,account_id,name,contact_channel,contact,certificate_id,consent_version,joined_at');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain(fx.affected[0]!);
    expect(csv[1]).toContain(verified.certificate.certificate_id);
    expect(csv[1]).toContain('kr-pipa-2026-12-01');
    const json = JSON.parse(await readFile(join(out, 'claimants.json'), 'utf8')) as { claimants: { account_id: string; name: string }[] };
    expect(json.claimants[0]).toMatchObject({ account_id: fx.affected[0], name: `${XSS}김` });

    // Withdraw; the next export leaves them out.
    await page.click('form[action="/claim/withdraw"] button');
    await page.waitForURL(/done=withdrawn/);
    const y = await runCli(['claim', 'export', '--config', fx.config, '--out', join(fx.dir, 'claim-out-2')]);
    expect(JSON.parse(y.stdout)).toMatchObject({ claimants: 0, withdrawn: 1 });
    expect(dialogs).toEqual([]);
    await ctx.close();

    // The evidence log holds the certificate and the claim steps, by id; nothing personal in logs or audit.
    await portal.stop();
    const entries = (await readFile(join(`${fx.db}.incidents`, fx.incidentId, 'evidence', 'entries.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { kind: string; payload: Record<string, unknown> });
    expect(entries.find((e) => e.kind === 'certificate')?.payload).toMatchObject({ certificate_id: verified.certificate.certificate_id, account_id: fx.affected[0] });
    expect(entries.filter((e) => e.kind === 'claim').map((e) => e.payload.action)).toEqual(['joined', 'withdrawn']);
    const audit = await readFile(join(portal.stateDir, 'audit.ndjson'), 'utf8');
    const steps = audit.trim().split('\n').map((l) => (JSON.parse(l) as { step: string }).step);
    for (const s of ['lookup', 'verified', 'page', 'certificate', 'claim_joined', 'claim_withdrawn']) expect(steps).toContain(s);
    for (const secret of [VICTIM, code, 'alert(', '127.0.0.1']) {
      expect(audit, secret).not.toContain(secret);
      expect(portal.stderr(), secret).not.toContain(secret);
      expect(JSON.stringify(entries.filter((e) => e.kind === 'certificate' || e.kind === 'claim')), secret).not.toContain(secret);
    }
    portal = await startPortalProcess(fx.config);
  });
});
