/**
 * Every default of the evidence stage, in one place (the project keeps defaults per stage;
 * there is no project-wide defaults file in this tree).
 */

/** Entry bytes staged before one commit of a batch (write, fdatasync, new head). */
export const COMMIT_BYTES = 8 << 20;

/** Entries staged before one commit of a batch, whatever their size. */
export const COMMIT_ENTRIES = 65_536;

/** Rejected entries of one batch kept with their reasons (the rest are only counted). */
export const MAX_REJECTIONS_KEPT = 1_000;

/** Longest canonical entry accepted, in bytes (an entry is evidence about data, not the data). */
export const MAX_ENTRY_BYTES = 1 << 20;
