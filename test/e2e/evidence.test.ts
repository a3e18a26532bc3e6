/**
 * `breachwatch evidence` as a user runs it (the built binary in child processes): append from
 * NDJSON, stdin and file hashes; checkpoint; export; verify (exit 0), then a flipped byte in
 * each part of the bundle (exit 1, the part named); bad usage and unreadable input (exit 2);
 * a second writer refused while the first holds the lock; and a writer SIGKILLed in the middle
 * of a large append: the next append takes over its stale lock, keeps the whole entries past
 * the last commit, drops the torn tail, says so, and the exported bundle verifies; and a log
 * left open does not keep its process alive.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './run-cli.js';

let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'bw-ev-cli-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

async function until(what: string, ms: number, f: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('breachwatch evidence', () => {
  it('append, checkpoint, export, verify; every tampered part exits 1 naming it', async () => {
    const log = join(dir, 'log');
    const payloads = join(dir, 'alerts.ndjson');
    await writeFile(payloads, '{"id":"a-1","detector":"unissued-token"}\n{"id":"a-2","detector":"many-accounts-per-source"}\nnot json\n');
    const a = await runCli(['evidence', 'append', '--log', log, '--kind', 'alert', '--file', payloads]);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout)).toMatchObject({ appended: 2, size: 2, lines: 3, quarantined: 1 });
    expect(a.stderr).toContain('alerts.ndjson:3: bad_json');
    const h = await runCli(['evidence', 'append', '--log', log, '--hash-file', payloads]);
    expect(JSON.parse(h.stdout)).toMatchObject({ appended: 1, size: 3 });
    expect((await runCli(['evidence', 'checkpoint', '--log', log])).code).toBe(0);
    const s = await runCli(['evidence', 'append', '--log', log, '--kind', 'note', '-'], { stdin: '{"by":"analyst","text":"preservation order received"}\n' });
    expect(JSON.parse(s.stdout)).toMatchObject({ appended: 1, size: 4 });

    const bundle = join(dir, 'bundle');
    const e = await runCli(['evidence', 'export', '--log', log, '--out', bundle]);
    expect(e.code).toBe(0);
    expect(JSON.parse(e.stdout)).toMatchObject({ entries: 4, treeSize: 4, earlierCheckpoints: 1 });
    const v = await runCli(['evidence', 'verify', bundle]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('VERIFIED');
    expect(v.stdout).toMatch(/earlier checkpoint of size 3 .*consistency proof verified/);

    for (const part of ['manifest.json', 'entries.ndjson', 'proofs.json', 'checkpoint.jws', 'public.jwk.json']) {
      const path = join(bundle, part);
      const orig = await readFile(path);
      const bad = Buffer.from(orig);
      const at = Math.floor(bad.length / 2);
      bad[at] = bad[at]! ^ 0x04;
      await writeFile(path, bad);
      const t = await runCli(['evidence', 'verify', bundle]);
      await writeFile(path, orig);
      expect([part, t.code]).toEqual([part, 1]);
      expect(t.stdout).toMatch(new RegExp(`FAIL +${part.replace('.', '\\.')}`));
      expect(t.stdout).toContain('FAILED');
    }
    expect((await runCli(['evidence', 'verify', bundle])).code).toBe(0);
  });

  it('bad usage and unreadable input exit 2; a missing bundle exits 2', async () => {
    const log = join(dir, 'log2');
    expect((await runCli(['evidence', 'append', '--log', log, '--kind', 'gossip', '--file', '-'])).code).toBe(2);
    expect((await runCli(['evidence', 'append', '--log', log, '--kind', 'alert'])).code).toBe(2);
    const missing = await runCli(['evidence', 'append', '--log', log, '--kind', 'alert', '--file', join(dir, 'none.ndjson')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('none.ndjson');
    await expect(stat(log)).rejects.toThrow(); // nothing was created
    expect((await runCli(['evidence', 'export', '--log', log, '--out', join(dir, 'b2'), '--from', '5', '--to', '2'])).code).toBe(2);
    expect((await runCli(['evidence', 'verify', join(dir, 'no-bundle')])).code).toBe(2);
  });

  it('SIGKILL mid-append: the lock is taken over, whole entries kept, the torn tail dropped and recorded; the bundle verifies', async () => {
    const log = join(dir, 'crash');
    const big = join(dir, 'lines.ndjson');
    const n = 400_000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(JSON.stringify({ file: 'access-2025-06-24.ndjson.gz', line: i + 1, sha256: (i * 2654435761 % 2 ** 32).toString(16).padStart(64, '0') }));
    await writeFile(big, lines.join('\n') + '\n');
    const child = spawn(process.execPath, [join(ROOT, 'bin/breachwatch.mjs'), 'evidence', 'append', '--log', log, '--kind', 'request_line', '--file', big], { stdio: 'ignore' });
    const exited = new Promise<void>((res) => child.on('exit', () => res()));
    await until('the first commit of the child', 60_000, async () => {
      const head = await readFile(join(log, 'head.json'), 'utf8').catch(() => '{"size":0}');
      return (JSON.parse(head) as { size: number }).size > 0;
    });
    child.kill('SIGKILL');
    await exited;
    await expect(stat(join(log, 'LOCK'))).resolves.toBeTruthy(); // left behind by the killed writer

    const next = await runCli(['evidence', 'append', '--log', log, '--kind', 'note', '-'], { stdin: '{"text":"after the crash"}\n' });
    expect(next.code).toBe(0);
    const size = (JSON.parse(next.stdout) as { size: number }).size;
    const bundle = join(dir, 'crash-bundle');
    expect((await runCli(['evidence', 'export', '--log', log, '--out', bundle])).code).toBe(0);
    expect((await runCli(['evidence', 'verify', bundle])).code).toBe(0);
    const entries = (await readFile(join(bundle, 'entries.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { index: number; entry: { kind: string; payload: Record<string, unknown> } });
    expect(entries.length).toBe(size);
    const kept = entries.filter((x) => x.entry.kind === 'request_line');
    // What survived is exactly the first lines of the input, in order, none twice.
    expect(kept.map((x) => x.entry.payload.line)).toEqual(Array.from({ length: kept.length }, (_, i) => i + 1));
    expect(kept.length).toBeLessThan(n);
    const tail = entries.slice(kept.length).map((x) => x.entry.kind);
    if (tail[0] === 'log_recovered') {
      expect(next.stderr).toContain('was not closed cleanly');
      expect(tail).toEqual(['log_recovered', 'note']);
    } else {
      expect(tail).toEqual(['note']); // killed between commits: nothing past the last one
    }
  });

  it('a log left open does not keep the process alive (the tree-hasher thread holds it only while hashing)', async () => {
    const log = join(dir, 'left-open');
    const script = `import { openEvidenceLog } from ${JSON.stringify(join(ROOT, 'dist/evidence/index.js'))};
      const log = await openEvidenceLog(${JSON.stringify(log)});
      const r = await log.appendMany(Array.from({ length: 70000 }, (_, i) => ({ kind: 'note', payload: { i } })));
      console.log(r.size);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    const code = await new Promise<number | null>((res) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); res(null); }, 60_000);
      child.on('exit', (c) => { clearTimeout(timer); res(c); });
    });
    expect([code, out.trim()]).toEqual([0, '70000']);
  });

  it('a second writer is refused while the first holds the lock (exit 1, names the holder)', async () => {
    const log = join(dir, 'locked');
    expect((await runCli(['evidence', 'append', '--log', log, '--kind', 'note', '-'], { stdin: '{"a":1}\n' })).code).toBe(0);
    const child = spawn(process.execPath, [join(ROOT, 'bin/breachwatch.mjs'), 'evidence', 'append', '--log', log, '--kind', 'note', '-'], { stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      await until('the first writer to take the lock', 30_000, async () => (await readFile(join(log, 'LOCK'), 'utf8').catch(() => '')).includes(`"pid":${child.pid}`));
      const r = await runCli(['evidence', 'append', '--log', log, '--kind', 'note', '-'], { stdin: '{"b":2}\n' });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`locked by pid ${child.pid}`);
    } finally {
      child.stdin.end('{"c":3}\n');
      await new Promise((res) => child.on('exit', res));
    }
    const after = await runCli(['evidence', 'append', '--log', log, '--kind', 'note', '-'], { stdin: '{"d":4}\n' });
    expect(JSON.parse(after.stdout)).toMatchObject({ size: 3 });
  });
});
