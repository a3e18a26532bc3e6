// Local lint rule `breachwatch/stage-boundaries`: every folder under src/ is a pipeline stage,
// and a stage is used by the others only through its index.ts. What may import what:
//   src/<stage>/**          its own stage's files; another stage only as src/<other>/index.ts
//   src/index.ts            every stage, through its index.ts
//   tests and contract      (src/**/*.test.ts, src/**/*.contract.ts) also another stage's
//   suites in src/            *.contract.ts and anything under test/ (fixtures)
//   test/**, bench/**       any stage's index.ts or *.contract.ts; never a stage's internals
//   web/**                  the dashboard bundle: only src/model/ (the shared vocabulary)
// Only relative imports are checked (packages are not stages). Resolution is by path: every
// project import is relative and ends in `.js`, which stands for the `.ts` file beside it.
import { dirname, relative, resolve, sep } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** Project-relative path with `/` separators. */
function rel(p) {
  return relative(ROOT, p).split(sep).join('/');
}

/** The stage a project path belongs to (`src/<stage>/…`), or undefined. */
function stageOf(path) {
  const m = /^src\/([^/]+)\//.exec(path);
  return m === null ? undefined : m[1];
}

function isTestLike(path) {
  return /\.(test|contract)\.ts$/.test(path) || path.startsWith('test/') || path.startsWith('bench/');
}

/** Why `from` may not import `to` (both project paths), or undefined when it may. */
export function violation(from, to) {
  const toStage = stageOf(to);
  if (from.startsWith('web/')) {
    return to.startsWith('web/') || to.startsWith('src/model/') ? undefined : `the dashboard may import only src/model/, not ${to}`;
  }
  if (toStage === undefined) {
    if (to.startsWith('test/') && from.startsWith('src/') && !isTestLike(from)) return `source code must not import test files (${to})`;
    return undefined;
  }
  const fromStage = stageOf(from);
  if (fromStage === toStage) return undefined;
  if (to === `src/${toStage}/index.ts`) return undefined;
  if (isTestLike(from) && to.endsWith('.contract.ts')) return undefined;
  return `import stage '${toStage}' only through src/${toStage}/index.ts (not ${to})`;
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'stages under src/ are imported only through their index.ts' },
    schema: [],
    messages: { boundary: '{{why}}' },
  },
  create(context) {
    const file = rel(context.physicalFilename);
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = rel(resolve(dirname(context.physicalFilename), spec)).replace(/\.js$/, '.ts');
      const why = violation(file, target);
      if (why !== undefined) context.report({ node: node.source, messageId: 'boundary', data: { why } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

/** The local plugin holding the rule. */
export default { meta: { name: 'breachwatch' }, rules: { 'stage-boundaries': rule } };
