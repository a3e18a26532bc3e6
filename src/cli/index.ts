/**
 * The command-line stage: the program, its sub-commands and the contract's exit statuses.
 * `bin/breachwatch.mjs` runs `main`; tests run single commands.
 */
export { main, buildProgram, exitCodeFor } from './main.js';
export { registerHunt } from './hunt.js';
export { registerScope } from './scope.js';
export { registerServe } from './serve.js';
export { expandInputs, intOption } from './files.js';
export { addStoreFlags, storeUrlFrom, type StoreFlags } from './store-flags.js';
