/**
 * Ingest counts. For every file, `lines = blank + accepted + quarantined` once the stream
 * has ended.
 */

/** Counts for one input file. */
export interface FileStats {
  readonly file: string;
  lines: number;
  blank: number;
  accepted: number;
  quarantined: number;
  /** Quarantined lines per reason code. */
  readonly byReason: Record<string, number>;
}

/** Counts for a whole stream. */
export interface IngestStats {
  readonly files: readonly Readonly<FileStats>[];
  readonly totals: { readonly lines: number; readonly blank: number; readonly accepted: number; readonly quarantined: number };
  /** Events emitted out of event-time order (disorder beyond the reorder bound). */
  readonly late: number;
}

/** Fresh zero counts for `file`. */
export function newFileStats(file: string): FileStats {
  return { file, lines: 0, blank: 0, accepted: 0, quarantined: 0, byReason: {} };
}

/** A snapshot of the counts, with totals. */
export function summarize(files: readonly FileStats[], late: number): IngestStats {
  const totals = { lines: 0, blank: 0, accepted: 0, quarantined: 0 };
  const copy = files.map((f) => {
    totals.lines += f.lines;
    totals.blank += f.blank;
    totals.accepted += f.accepted;
    totals.quarantined += f.quarantined;
    return { ...f, byReason: { ...f.byReason } };
  });
  return { files: copy, totals, late };
}
