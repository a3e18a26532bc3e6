/**
 * The victim portal (issue 12): `breachwatch portal` answers "was I affected, and what of
 * mine?" for one incident's saved scope run, without telling anyone else whether a person is
 * known; issues signed exposure certificates and enrols persons in the collective claim.
 * See docs/PORTAL.md.
 */
export { loadPortalConfig, PortalConfigSchema, type PortalConfig } from './config.js';
export { startPortal, portalStateDir, type RunningPortal, type StartOptions } from './portal.js';
export { verifyCertificate, parseJwks, CERTIFICATE_TYP, CertificatePayloadSchema, type CertificateCheck, type CertificatePayload } from './certificate.js';
export { exportClaims, CLAIM_COLUMNS, type ClaimExport } from './claims-export.js';
export { loadConsent, type Consent } from './texts.js';
export { parseIdentifier, type Identifier } from './identifiers.js';
export { PORTAL_STATUS, type PortalCode } from './errors.js';
