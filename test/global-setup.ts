/**
 * Vitest global setup: builds dist/ once so end-to-end tests run the real `breachwatch` binary.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], {
    cwd: root, stdio: 'inherit',
  });
}
