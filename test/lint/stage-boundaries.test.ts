/**
 * The stage-boundary lint rule: what may import what (see eslint/stage-boundaries.js), on the
 * pure decision and on source text run through ESLint itself.
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import plugin, { violation } from '../../eslint/stage-boundaries.js';
import { ROOT } from '../e2e/run-cli.js';

describe('stage boundaries', () => {
  it('lets a stage use its own files and other stages through their index.ts only', () => {
    expect(violation('src/live/pipeline.ts', 'src/live/recover.ts')).toBeUndefined();
    expect(violation('src/live/pipeline.ts', 'src/store/index.ts')).toBeUndefined();
    expect(violation('src/store/duckdb/open.ts', 'src/model/index.ts')).toBeUndefined();
    expect(violation('src/pipeline/hunt.ts', 'src/store/store.ts')).toMatch(/only through src\/store\/index\.ts/);
    expect(violation('src/index.ts', 'src/detect/detector.ts')).toMatch(/only through src\/detect\/index\.ts/);
    expect(violation('src/index.ts', 'src/detect/index.ts')).toBeUndefined();
  });

  it('lets tests use contract suites and fixtures, never a stage’s internals from outside', () => {
    expect(violation('src/sigma/detector.test.ts', 'src/detect/detector.contract.ts')).toBeUndefined();
    expect(violation('src/store/store.contract.ts', 'test/fixtures/store/commits.ts')).toBeUndefined();
    expect(violation('src/store/store.ts', 'test/fixtures/store/commits.ts')).toMatch(/must not import test files/);
    expect(violation('src/sigma/detector.test.ts', 'src/detect/engine.ts')).toMatch(/only through/);
    expect(violation('test/server/harness.ts', 'src/server/index.ts')).toBeUndefined();
    expect(violation('test/server/harness.ts', 'src/server/service.ts')).toMatch(/only through src\/server\/index\.ts/);
    expect(violation('bench/ingest.ts', 'src/ingest/stream.ts')).toMatch(/only through/);
  });

  it('keeps the dashboard to the shared vocabulary', () => {
    expect(violation('web/src/severity.ts', 'src/model/alert.ts')).toBeUndefined();
    expect(violation('web/src/severity.ts', 'src/store/index.ts')).toMatch(/only src\/model\//);
  });

  it('reports the import in source text, exports and dynamic imports included', async () => {
    const eslint = new ESLint({
      cwd: ROOT, overrideConfigFile: true,
      overrideConfig: [{ files: ['**/*.ts'], plugins: { breachwatch: plugin }, rules: { 'breachwatch/stage-boundaries': 'error' } }],
    });
    const text = [
      "import { hunt } from '../pipeline/hunt.js';",
      "export { Engine } from '../detect/engine.js';",
      "export * from '../model/index.js';",
      "const m = await import('../store/store.js');",
      "import { x } from 'commander';",
    ].join('\n');
    const [r] = await eslint.lintText(text, { filePath: join(ROOT, 'src/cli/example.ts') });
    expect(r?.messages.map((m) => [m.line, m.ruleId])).toEqual([
      [1, 'breachwatch/stage-boundaries'], [2, 'breachwatch/stage-boundaries'], [4, 'breachwatch/stage-boundaries'],
    ]);
  });
});
