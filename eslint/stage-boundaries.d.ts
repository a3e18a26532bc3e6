// Types of the local lint rule (eslint/stage-boundaries.js) for the tests that import it.
import type { ESLint } from 'eslint';

/** Why project file `from` may not import project file `to`, or undefined when it may. */
export function violation(from: string, to: string): string | undefined;

/** The local plugin holding `stage-boundaries`. */
declare const plugin: ESLint.Plugin;
export default plugin;
