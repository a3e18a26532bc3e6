/**
 * The `breachwatch` command line: one sub-command per file in this folder.
 * Exit status: 0 success, 1 the command failed, 2 bad usage or unreadable input.
 */
import { Command, CommanderError } from 'commander';
import { isBreachwatchError } from '../model/index.js';
import { registerHunt } from './hunt.js';
import { registerScope } from './scope.js';
import { registerSimulate } from './simulate.js';
import { registerDemo } from './demo.js';
import { registerSigma } from './sigma.js';
import { registerServe } from './serve.js';
import { registerEvidence } from './evidence.js';
import { registerNotice } from './notice.js';
import { registerIncident } from './incident.js';
import { registerPrune } from './prune.js';
import { registerReport } from './report.js';
import { registerPortal } from './portal.js';
import { registerCertificate } from './certificate.js';
import { registerClaim } from './claim.js';

/** Error codes that mean bad usage or unreadable input (exit 2). */
const USAGE_CODES = new Set<string>(['ERR_USAGE', 'ERR_INPUT_UNREADABLE', 'ERR_INPUT_INVALID', 'ERR_CONFIG', 'ERR_STRICT_BAD_LINE', 'ERR_SIGMA_RULE', 'ERR_SIGMA_UNSUPPORTED', 'ERR_NOT_FOUND']);

/** Maps an error to the contract's exit status and prints it. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
  if (isBreachwatchError(e)) {
    console.error(`breachwatch: ${e.message}`);
    return USAGE_CODES.has(e.code) ? 2 : 1;
  }
  console.error(`breachwatch: ${e instanceof Error ? e.message : String(e)}`);
  return 1;
}

/** Builds the program; sub-commands register themselves here. */
export function buildProgram(): Command {
  const program = new Command('breachwatch')
    .description('Catch forged-token breaches and personal-data harvesting; scope who was affected.')
    .exitOverride()
    .showHelpAfterError();
  registerHunt(program);
  registerScope(program);
  registerSimulate(program);
  registerDemo(program);
  registerSigma(program);
  registerServe(program);
  registerEvidence(program);
  registerNotice(program);
  registerIncident(program);
  registerPrune(program);
  registerReport(program);
  registerPortal(program);
  registerCertificate(program);
  registerClaim(program);
  return program;
}

/** Runs the CLI with `argv` (as in process.argv) and returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    return exitCodeFor(e);
  }
}
