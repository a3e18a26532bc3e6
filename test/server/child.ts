/**
 * Runs `serve` as a child process (real signals, real SIGKILL) and learns its address from
 * its log's "listening" line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(import.meta.dirname, '../..');

/** A running child service. */
export interface ChildService {
  readonly proc: ChildProcess;
  readonly url: string;
  /** Log lines so far. */
  readonly lines: string[];
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
}

/** Starts `serve --config file` and waits until it listens. */
export async function startChild(configFile: string, env: NodeJS.ProcessEnv = {}): Promise<ChildService> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/server/serve-child.ts', 'serve', '--config', configFile], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | string>((res) => proc.on('exit', (code, sig) => res(code ?? sig ?? -1)));
  const url = await new Promise<string>((res, rej) => {
    createInterface({ input: proc.stdout }).on('line', (l) => {
      lines.push(l);
      const m = /"url":"(http:\/\/[^"]+)".*breachwatch serve listening/.exec(l);
      if (m !== null) res(m[1] as string);
    });
    let err = '';
    proc.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    void exited.then((c) => rej(new Error(`serve exited (${c}) before listening: ${err.slice(0, 2000)}`)));
  });
  return { proc, url, lines, exited };
}
