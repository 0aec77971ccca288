/** The collections an import writes, in the order it writes them. */
export const IMPORT_KINDS = [
  'schools',
  'people',
  'calendars',
  'courses',
  'sections',
  'assignments',
  'scores',
] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export type OneRosterVersion = '1.1' | '1.2' | 'unknown';

/** A rejected row, a rejected file (line 1) or a row accepted with a caveat. */
export interface ImportIssue {
  /** File name inside the bundle, such as `classes.csv`. */
  file: string;
  /** 1-based line where the row starts, counting the header as line 1. */
  line: number;
  reason: string;
}

export interface KindCounts {
  /** Documents built from the bundle plus source rows rejected for this collection. */
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Source rows rejected, including rows of files that only feed this collection. */
  rejected: number;
}

export interface ImportReport {
  folder: string;
  /** The `oneroster.version` of manifest.csv, or 'unknown' without a manifest. */
  version: OneRosterVersion;
  counts: Record<ImportKind, KindCounts>;
  /** Ids of the calendars the bundle contains, whether inserted, updated or unchanged. */
  calendarIds: string[];
  rejected: ImportIssue[];
  /** Rows imported with a caveat, such as a student enrolled as a teacher. */
  warnings: ImportIssue[];
}

export function emptyCounts(): Record<ImportKind, KindCounts> {
  const counts = {} as Record<ImportKind, KindCounts>;
  for (const kind of IMPORT_KINDS) {
    counts[kind] = { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
  }
  return counts;
}

export function formatIssue(issue: ImportIssue): string {
  return `${issue.file} line ${issue.line}: ${issue.reason}`;
}

const COUNT_COLUMNS = ['read', 'inserted', 'updated', 'unchanged', 'rejected'] as const;

/** Formats a report as a plain-text table of counts followed by every rejected row and warning. */
export function formatImportReport(report: ImportReport): string {
  const lines: string[] = [];
  lines.push(`OneRoster import from ${report.folder} (version ${report.version})`);

  const kindWidth = Math.max(...IMPORT_KINDS.map((kind) => kind.length));
  const header = ['', ...COUNT_COLUMNS];
  const rows = IMPORT_KINDS.map((kind) => [
    kind,
    ...COUNT_COLUMNS.map((column) => String(report.counts[kind][column])),
  ]);
  const widths = header.map((title, index) =>
    Math.max(title.length, ...rows.map((row) => (row[index] ?? '').length)),
  );
  widths[0] = kindWidth;
  for (const row of [header, ...rows]) {
    const cells = row.map((cell, index) =>
      index === 0 ? cell.padEnd(widths[index] ?? 0) : cell.padStart(widths[index] ?? 0),
    );
    lines.push(`  ${cells.join('  ')}`.trimEnd());
  }

  lines.push('');
  if (report.rejected.length === 0) {
    lines.push('Rejected rows: none');
  } else {
    lines.push(`Rejected rows (${report.rejected.length}):`);
    for (const issue of report.rejected) {
      lines.push(`  ${formatIssue(issue)}`);
    }
  }
  if (report.warnings.length > 0) {
    lines.push('');
    lines.push(`Warnings (${report.warnings.length}):`);
    for (const issue of report.warnings) {
      lines.push(`  ${formatIssue(issue)}`);
    }
  }
  return lines.join('\n');
}
