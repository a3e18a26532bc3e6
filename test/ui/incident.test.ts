/**
 * The incident page in real Chromium against a real `serve` whose store holds a real incident
 * (hunted simulation, saved run, notices delivered to a real SMTP server, a regulator report
 * written through the API): the list shows the incident, the page shows the overdue 72-hour
 * report clock, the persons and fields of the saved run, the notices delivered, and downloads
 * the report's PDF and an evidence bundle (extracted with `tar`, verified offline). A
 * screenshot of the page is saved.
 *
 * Needs /usr/bin/chromium; skipped with a reason only when it is missing outside CI.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../../src/respond/index.js';
import { verifyBundle } from '../../src/evidence/index.js';
import { startSmtpSink, type SmtpSink } from '../e2e/smtp-sink.js';
import { startTestService, type TestService } from '../server/harness.js';
import { SIM_REFERENCE, buildIncidentStore, type IncidentFixture } from '../server/incident-fixture.js';

const ROOT = resolve(import.meta.dirname, '../..');
const WEB_DIST = join(ROOT, 'web', 'dist');
const SHOTS = join(import.meta.dirname, '__screenshots__');
const RUN = existsSync(CHROMIUM.executablePath) || process.env.CI !== undefined;

describe.runIf(RUN)('incident page in Chromium against breachwatch serve', () => {
  let dir = '';
  let sink: SmtpSink;
  let fx: IncidentFixture;
  let t: TestService;
  let browser: Browser;
  let page: Page;
  let reportId = '';

  beforeAll(async () => {
    await build({ configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' });
    dir = await mkdtemp(join(tmpdir(), 'bw-ui-incident-'));
    sink = await startSmtpSink(dir, 'notices', 'relay-secret-for-tests');
    fx = await buildIncidentStore(dir, { awareHoursAgo: 80, smtp: { port: sink.port, caFile: sink.caFile, user: 'notices', pass: 'relay-secret-for-tests' } });
    await mkdir(join(dir, 'svc'));
    t = await startTestService({ store: { url: fx.url }, reference: SIM_REFERENCE, dashboard: { dir: WEB_DIST } }, { dir: join(dir, 'svc') });
    const w = await fetch(`${t.url}/api/v1/incidents/${fx.incidentId}/reports`, { method: 'POST', headers: { authorization: `Bearer ${t.keys.admin}` } });
    expect(w.status).toBe(201);
    reportId = ((await w.json()) as { report_id: string }).report_id;
    browser = await chromium.launch({ executablePath: CHROMIUM.executablePath, args: [...CHROMIUM.args], headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sink?.close();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('lists the incident and opens its page: overdue report clock, persons, fields, notices delivered', async () => {
    await page.goto(`${t.url}/#/incidents`);
    await page.getByLabel('API key', { exact: true }).fill(t.keys.admin);
    await page.getByRole('button', { name: 'Continue' }).click();
    const row = page.locator(`tr[data-incident="${fx.incidentId}"]`);
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('OVERDUE by');
    await row.getByRole('link').click();
    await page.locator('#clocks').waitFor();
    const report = page.locator('tr[data-clock="regulator_report"] [data-clock-state]');
    expect(await report.getAttribute('data-clock-state')).toBe('overdue');
    expect(await report.textContent()).toMatch(/^OVERDUE by 8 h/);
    expect(await page.locator('#persons').textContent()).toBe(String(fx.accounts));
    expect(await page.locator('#counts tr[data-field]').count()).toBeGreaterThan(0);
    expect(await page.locator('#notices-sent').textContent()).toBe(String(sink.arrived.length));
    expect(await page.locator('#notices progress').getAttribute('value')).toBe(String(fx.sent));
    await mkdir(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'incident.png'), fullPage: true });
  }, 60_000);

  it('downloads the report PDF and an evidence bundle that verifies offline', async () => {
    const li = page.locator(`li[data-report="${reportId}"]`);
    const [pdf] = await Promise.all([page.waitForEvent('download'), li.getByRole('button', { name: 'Download PDF' }).click()]);
    const pdfPath = join(dir, 'report.pdf');
    await pdf.saveAs(pdfPath);
    expect((await readFile(pdfPath)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const [tar] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export evidence bundle' }).click()]);
    const name = tar.suggestedFilename();
    expect(name).toMatch(/^bundle-.*\.tar$/);
    const x = join(dir, 'x');
    await mkdir(x);
    await tar.saveAs(join(x, name));
    execFileSync('tar', ['-xf', join(x, name), '-C', x]);
    const v = await verifyBundle(join(x, name.slice(0, -4)));
    expect(v.failure).toBeUndefined();
    expect(v.ok).toBe(true);
  }, 60_000);
});
