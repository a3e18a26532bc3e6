#!/usr/bin/env node
// Runs the npm scripts named on the command line at the same time (`npm test` runs lint and
// typecheck side by side: each is mostly one core's work), prints each one's output whole, in
// the order given, and fails if any failed.
//   node scripts/parallel.mjs lint typecheck
import { spawn } from 'node:child_process';

const npm = process.env.npm_execpath;
const run = (name) => new Promise((resolve) => {
  const [cmd, args] = npm !== undefined ? [process.execPath, [npm, 'run', '-s', name]] : ['npm', ['run', '-s', name]];
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = [];
  const started = Date.now();
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => out.push(d));
  child.on('error', (e) => resolve({ name, code: 1, out: [Buffer.from(`${e.message}\n`)], ms: Date.now() - started }));
  child.on('close', (code) => resolve({ name, code: code ?? 1, out, ms: Date.now() - started }));
});

const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('usage: node scripts/parallel.mjs SCRIPT...');
  process.exit(2);
}
const results = await Promise.all(names.map(run));
for (const r of results) {
  process.stdout.write(Buffer.concat(r.out));
  console.log(`== ${r.name}: ${r.code === 0 ? 'ok' : `failed (exit ${r.code})`} in ${(r.ms / 1000).toFixed(1)} s`);
}
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
