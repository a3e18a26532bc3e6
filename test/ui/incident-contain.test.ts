/**
 * The incident page's containment section in real Chromium against a real `serve` with a
 * `contain` section (a hunted incident, a copy of the key registry): admin A dry-runs a
 * rotate-key (the effect shows, nothing is proposed), proposes it, and A's own approval is
 * refused with the server's 409 message shown; admin B (another browser context, another
 * key) approves the proposal shown — the server records the hash the page showed — and
 * executes it; the registry on disk has the old key revoked. An analyst key sees the actions
 * with no enabled button. Markup in a custodian (echoed in a refusal) and in a stored new kid
 * (shown in the effect) stays text. A screenshot is saved.
 *
 * Needs /usr/bin/chromium; skipped with a reason only when it is missing outside CI.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../../src/respond/index.js';
import { hashKey } from '../../src/server/index.js';
import { makeKeys, startTestService, type TestService } from '../server/harness.js';
import { SIM, SIM_REFERENCE, buildIncidentStore, type IncidentFixture } from '../server/incident-fixture.js';

const ROOT = resolve(import.meta.dirname, '../..');
const WEB_DIST = join(ROOT, 'web', 'dist');
const SHOTS = join(import.meta.dirname, '__screenshots__');
const RUN = existsSync(CHROMIUM.executablePath) || process.env.CI !== undefined;
const XSS_CUSTODIAN = '<img src=x onerror="window.__xss=1">';
const XSS_KID = '<img src=x onerror=window.__xss=2>';
const ADMIN_B = 'bwk_second_admin_for_the_contain_ui_test_0001';

interface Action { proposal: { action_id: string; params: Record<string, unknown> }; proposal_sha256: string; state: string; approval?: { approved_by: string; proposal_sha256: string } }

describe.runIf(RUN)('containment on the incident page in Chromium against breachwatch serve', () => {
  let dir = '';
  let fx: IncidentFixture;
  let t: TestService;
  let browser: Browser;
  let a: Page;
  let b: Page;
  const registry = (): string => join(dir, 'keys.json');

  const api = async (path: string): Promise<unknown> => {
    const r = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${t.keys.admin}` } });
    expect(r.status).toBe(200);
    return r.json();
  };
  const actions = async (): Promise<Action[]> => ((await api(`/api/v1/incidents/${fx.incidentId}/containment`)) as { actions: Action[] }).actions;

  async function signIn(key: string): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
    await page.goto(`${t.url}/#/incidents/${fx.incidentId}`);
    await page.getByLabel('API key', { exact: true }).fill(key);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.goto(`${t.url}/#/incidents/${fx.incidentId}`);
    await page.locator('#containment-who').filter({ hasText: 'Signed in as' }).waitFor();
    return page;
  }

  beforeAll(async () => {
    await build({ configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' });
    dir = await mkdtemp(join(tmpdir(), 'bw-ui-contain-'));
    fx = await buildIncidentStore(dir, { awareHoursAgo: 10 });
    await copyFile(join(SIM, 'keys.json'), registry());
    await copyFile(join(SIM, 'staff.csv'), join(dir, 'staff.csv'));
    await mkdir(join(dir, 'svc'));
    const k = makeKeys();
    const keys = { keys: k.keys, config: [...k.config, { name: 'admin-b', role: 'admin', sha256: hashKey(ADMIN_B) }] };
    t = await startTestService({
      store: { url: fx.url }, reference: SIM_REFERENCE, dashboard: { dir: WEB_DIST },
      contain: { home: fx.home, registry: registry(), jwks_out: join(dir, 'published', 'jwks.json'), staff: join(dir, 'staff.csv') },
    }, { dir: join(dir, 'svc'), keys });
    browser = await chromium.launch({ executablePath: CHROMIUM.executablePath, args: [...CHROMIUM.args], headless: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('admin A dry-runs a rotate-key (effect shown, nothing proposed), proposes it, and cannot approve it', async () => {
    a = await signIn(t.keys.admin);
    const c = a.locator('#containment');
    expect(await c.locator('#containment-who').textContent()).toContain('(admin)');
    await c.getByText('No containment action proposed yet.').waitFor();
    await c.getByLabel('Key id (kid)').fill('sig-2019-01');
    await c.getByLabel('Custodians (staff ids, comma separated)').fill('s-0107, s-0150');
    await c.getByRole('button', { name: 'Dry run' }).click();
    const preview = c.locator('#containment-preview');
    await preview.getByText('Dry run: nothing was proposed.').waitFor();
    const effect = JSON.parse(await preview.locator('[data-effect]').innerText()) as { registry: { revoke: { kid: string }; add: { custodians: string[] } } };
    expect(effect.registry.revoke.kid).toBe('sig-2019-01');
    expect(effect.registry.add.custodians).toEqual(['s-0107', 's-0150']);
    expect(await actions()).toEqual([]);

    await c.getByRole('button', { name: 'Propose', exact: true }).click();
    const li = c.locator('li[data-action][data-state="proposed"]');
    await li.waitFor();
    const [stored] = await actions();
    expect(stored?.state).toBe('proposed');
    expect(await li.getAttribute('data-action')).toBe(stored?.proposal.action_id);
    expect(await li.locator('[data-sha]').textContent()).toBe(stored?.proposal_sha256);
    expect(await li.textContent()).toContain('proposed by admin-bot');

    await li.getByRole('button', { name: 'Approve' }).click();
    const err = c.locator('#containment-errors [role="alert"]');
    await err.waitFor();
    expect(await err.textContent()).toMatch(/409 ERR_REFUSED.*two-person/);
    expect((await actions())[0]?.state).toBe('proposed');
  }, 90_000);

  it('markup in a custodian stays text, and a new kid with markup is refused', async () => {
    const c = a.locator('#containment');
    await c.getByLabel('Key id (kid)').fill('sig-2024-07');
    await c.getByLabel('Custodians (staff ids, comma separated)').fill(XSS_CUSTODIAN);
    await c.getByRole('button', { name: 'Dry run' }).click();
    const err = c.locator('#containment-errors [role="alert"]');
    await err.filter({ hasText: 'custodians not current staff' }).waitFor();
    expect(await err.textContent()).toContain('<img src=x onerror="window.__xss=1">');
    await c.getByLabel('Custodians (staff ids, comma separated)').fill('s-0107');
    await c.getByLabel('New kid (optional)').fill(XSS_KID);
    await c.getByRole('button', { name: 'Propose', exact: true }).click();
    // a key id names a file and goes into the JWKS: markup is refused, and the refusal stays text
    await err.filter({ hasText: 'a new key id is' }).waitFor();
    expect((await actions()).map((x) => x.proposal.params['new_kid'])).not.toContain(XSS_KID);
    expect(await a.locator('#containment img').count()).toBe(0);
    expect(await a.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
  }, 60_000);

  it('admin B approves what the page shows and executes it; the registry has the old key revoked', async () => {
    b = await signIn(ADMIN_B);
    const id = (await actions())[0]?.proposal.action_id ?? '';
    const li = b.locator(`#containment li[data-action="${id}"]`);
    await li.waitFor();
    const shownSha = await li.locator('[data-sha]').textContent();
    await li.getByRole('button', { name: 'Approve' }).click();
    await b.locator(`#containment li[data-action="${id}"][data-state="approved"]`).waitFor();
    const approved = (await api(`/api/v1/incidents/${fx.incidentId}/containment/${id}`)) as Action;
    expect(approved.approval?.approved_by).toBe('admin-b');
    expect(approved.approval?.proposal_sha256).toBe(shownSha);
    const li2 = b.locator(`#containment li[data-action="${id}"]`);
    expect(await li2.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);
    await li2.getByRole('button', { name: 'Execute' }).click();
    const done = b.locator(`#containment li[data-action="${id}"][data-state="executed"]`);
    await done.waitFor();
    expect(await done.locator('[data-action-state]').textContent()).toBe('executed');
    expect(await done.textContent()).toMatch(/approved by admin-b.*executed by admin-b/);
    expect(await done.getByRole('button', { name: 'Execute' }).isDisabled()).toBe(true);
    const reg = JSON.parse(await readFile(registry(), 'utf8')) as { keys: { kid: string; revoked: unknown }[] };
    expect(reg.keys.find((k) => k.kid === 'sig-2019-01')?.revoked).not.toBeNull();
    expect(await b.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
  }, 60_000);

  it('an analyst key sees the actions and their state but no enabled button', async () => {
    const p = await signIn(t.keys.analyst);
    const c = p.locator('#containment');
    await c.locator('li[data-state="executed"]').waitFor();
    expect(await c.locator('li[data-action]').count()).toBe(1);
    expect(await c.locator('#containment-who').textContent()).toContain('need an admin key');
    expect(await c.locator('button').count()).toBeGreaterThan(0);
    expect(await c.locator('button:enabled').count()).toBe(0);
    expect(await c.locator('fieldset').getAttribute('disabled')).not.toBeNull();
    await mkdir(SHOTS, { recursive: true });
    await b.reload();
    await b.locator('#containment li[data-state="executed"]').waitFor();
    await b.screenshot({ path: join(SHOTS, 'incident-contain.png'), fullPage: true });
  }, 60_000);
});
