/**
 * Child-process entry for tests and benchmarks: `breachwatch serve` exactly as the CLI runs it
 * (the lead wires `registerServe` into main.ts; this keeps the tests independent of that).
 * Run: node --import tsx test/server/serve-child.ts serve --config FILE
 */
import { Command } from 'commander';
import { registerServe } from '../../src/cli/index.js';

const program = new Command('breachwatch').exitOverride();
registerServe(program);
try {
  await program.parseAsync(process.argv);
} catch (e) {
  console.error(`breachwatch: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
}
