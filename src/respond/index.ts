/**
 * The respond stage: what happens after scoping. Breach notices to each affected person
 * (`notice/`) and the mail component they and the victim portal send through (`mail/`).
 */
export * from './notice/index.js';
export * from './mail/index.js';
