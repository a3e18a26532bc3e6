/**
 * The `breachwatch` launcher: `hunt` runs in a child Node with 32 MiB semi-spaces (unless the
 * flag was given), shares the terminal's streams, passes signals on and exits as the child did.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './run-cli.js';

const BIN = join(ROOT, 'bin', 'breachwatch.mjs');
const dir = mkdtempSync(join(tmpdir(), 'bw-launcher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const cmdline = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

/** Starts `hunt` reading stdin (kept open, so it waits), with `env` added. */
function startHunt(name: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [BIN, 'hunt', '--access', '-', '--db', join(dir, `${name}.duckdb`), '--json'],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
}

/** Polls until `f` gives a value (the child process appears within a second or so). */
async function until<T>(f: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
}

const exited = (p: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> => {
  let stdout = '';
  p.stdout?.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  return new Promise((res) => p.on('close', (code, signal) => res({ code, signal, stdout })));
};

describe.runIf(process.platform === 'linux')('breachwatch launcher', () => {
  it('runs hunt in a child with 32 MiB semi-spaces, on the same stdin and stdout', async () => {
    const p = startHunt('child');
    const done = exited(p);
    const kid = await until(() => children(p.pid as number)[0]);
    expect(cmdline(kid)).toContain('--max-semi-space-size=32');
    p.stdin?.end('{"time":"2025-06-24T00:00:00Z","src_ip":"192.0.2.1","method":"GET","route":"/v1/me","status":200}\n');
    const r = await done;
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { totals: { accepted: number } }).totals.accepted).toBe(1);
  });

  it('runs in one process when the flag is given already', async () => {
    const p = startHunt('given', { NODE_OPTIONS: '--max-semi-space-size=16' });
    const done = exited(p);
    await new Promise((r) => setTimeout(r, 1500));
    expect(children(p.pid as number)).toEqual([]);
    p.stdin?.end('');
    expect((await done).code).toBe(0);
  });

  it('passes SIGTERM on to the child and dies of it', async () => {
    const p = startHunt('signal');
    const done = exited(p);
    const kid = await until(() => children(p.pid as number)[0]);
    p.kill('SIGTERM');
    const r = await done;
    expect(r.signal).toBe('SIGTERM');
    await until(() => { try { readFileSync(`/proc/${kid}/status`); return undefined; } catch { return true; } });
  });
});
