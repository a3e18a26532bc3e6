/**
 * Runs the built `breachwatch` binary as a user would, capturing output and exit status.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
/** The `breachwatch` launcher. */
export const BIN = join(ROOT, 'bin', 'breachwatch.mjs');

export interface CliResult { code: number; stdout: string; stderr: string }

/** Runs `breachwatch ...args` in `cwd`, feeding `stdin` if given, with `env` added to ours. */
export function runCli(args: readonly string[], opts: { cwd?: string; stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, stdio: ['pipe', 'pipe', 'pipe'], ...(opts.env !== undefined && { env: { ...process.env, ...opts.env } }) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}
