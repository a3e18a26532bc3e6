/**
 * The `breachwatch` command line: one sub-command per file in this folder.
 * Exit status: 0 success, 1 the command failed, 2 bad usage or unreadable input.
 */
import { Command, CommanderError } from 'commander';
import { isBreachwatchError } from '../model/index.js';

/** Maps an error to the contract's exit status and prints it. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
  if (isBreachwatchError(e)) {
    console.error(`breachwatch: ${e.message}`);
    return e.code === 'ERR_USAGE' || e.code === 'ERR_INPUT_UNREADABLE' || e.code === 'ERR_CONFIG' || e.code === 'ERR_STRICT_BAD_LINE' ? 2 : 1;
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
