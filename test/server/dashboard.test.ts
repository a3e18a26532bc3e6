/** The dashboard's built files are served at / without a key when web/dist (here: a stand-in) exists. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestService } from './harness.js';

describe('dashboard', () => {
  it('serves index.html and assets from the dashboard folder', async () => {
    const dist = await mkdtemp(join(tmpdir(), 'bw-dist-'));
    await mkdir(join(dist, 'assets'));
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>breachwatch</title>');
    await writeFile(join(dist, 'assets', 'app.js'), 'console.log(1)');
    const t = await startTestService({ dashboard: { dir: dist } });
    try {
      const index = await fetch(`${t.url}/`);
      expect(index.status).toBe(200);
      expect(await index.text()).toContain('<title>breachwatch</title>');
      const js = await fetch(`${t.url}/assets/app.js`);
      expect(js.headers.get('content-type')).toMatch(/javascript/);
      expect((await fetch(`${t.url}/api/v1/alerts`)).status).toBe(401);
    } finally {
      await t.close();
      await rm(dist, { recursive: true, force: true });
    }
  });
});
