/**
 * The `breachwatch` command line: one sub-command per file in this folder.
 * Exit status: 0 success, 1 the command failed, 2 bad usage or unreadable input.
 */
import { Command, CommanderError } from 'commander';
import { isBreachwatchError } from '../model/index.js';

/** A sub-command's module, loaded only when it runs (or when every command's help is shown). */
type Registrar = () => Promise<(program: Command) => void>;

/**
 * Every sub-command, in the order `--help` lists them. A command's module (and the libraries
 * it alone needs: Chromium's driver, the SMTP client, fastify, NATS, ClickHouse's client) is
 * imported only when that command runs, so a command starts without loading the others.
 */
const COMMANDS: Readonly<Record<string, Registrar>> = {
  hunt: async () => (await import('./hunt.js')).registerHunt,
  scope: async () => (await import('./scope.js')).registerScope,
  simulate: async () => (await import('./simulate.js')).registerSimulate,
  demo: async () => (await import('./demo.js')).registerDemo,
  ship: async () => (await import('./ship.js')).registerShip,
  worker: async () => (await import('./worker.js')).registerWorker,
  sigma: async () => (await import('./sigma.js')).registerSigma,
  serve: async () => (await import('./serve.js')).registerServe,
  evidence: async () => (await import('./evidence.js')).registerEvidence,
  notice: async () => (await import('./notice.js')).registerNotice,
  incident: async () => (await import('./incident.js')).registerIncident,
  prune: async () => (await import('./prune.js')).registerPrune,
  report: async () => (await import('./report.js')).registerReport,
  contain: async () => (await import('./contain.js')).registerContain,
  portal: async () => (await import('./portal.js')).registerPortal,
  certificate: async () => (await import('./certificate.js')).registerCertificate,
  claim: async () => (await import('./claim.js')).registerClaim,
};

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

/**
 * Builds the program with the sub-command `name` (the first argument), or with every
 * sub-command when `name` is none of them (top-level help, a mistyped command's error).
 */
export async function buildProgram(name?: string): Promise<Command> {
  const program = new Command('breachwatch')
    .description('Catch forged-token breaches and personal-data harvesting; scope who was affected.')
    .exitOverride()
    .showHelpAfterError();
  const one = name !== undefined && Object.hasOwn(COMMANDS, name) ? [COMMANDS[name]!] : Object.values(COMMANDS);
  for (const register of await Promise.all(one.map((load) => load()))) register(program);
  return program;
}

/** Runs the CLI with `argv` (as in process.argv) and returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const program = await buildProgram(argv[2]);
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    return exitCodeFor(e);
  }
}
