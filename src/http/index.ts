/**
 * What the two HTTP faces (`serve`'s analyst service and the victim portal) share: security
 * headers worked out once by `helmet` and set on every reply.
 */
export { helmetHeaders, registerFixedHeaders } from './fixed-headers.js';
