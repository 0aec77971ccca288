import { FieldReader } from './columns.js';
import type { CsvRow } from './csv.js';
import type { Bundle, ImportedFile } from './read.js';
import type { ImportIssue, ImportKind } from './report.js';

/** The collection each imported file feeds, which its rejected rows are counted against. */
export const FILE_KIND: Record<ImportedFile, ImportKind> = {
  orgs: 'schools',
  academicSessions: 'calendars',
  courses: 'courses',
  classes: 'sections',
  enrollments: 'sections',
  categories: 'sections',
  users: 'people',
  roles: 'people',
  lineItems: 'assignments',
  results: 'scores',
};

/** Rejected rows and warnings collected while a bundle is validated. */
export class IssueLog {
  readonly rejected: ImportIssue[] = [];
  readonly warnings: ImportIssue[] = [];
  readonly rejectedRows = new Map<ImportKind, number>();

  /** Records a rejection that covers `rows` source rows (all of them for a whole file). */
  reject(file: ImportedFile, line: number, reason: string, rows = 1): void {
    this.rejected.push({ file: `${file}.csv`, line, reason });
    const kind = FILE_KIND[file];
    this.rejectedRows.set(kind, (this.rejectedRows.get(kind) ?? 0) + rows);
  }

  warn(file: ImportedFile, line: number, reason: string): void {
    this.warnings.push({ file: `${file}.csv`, line, reason });
  }
}

/** Whether a file was read, is not in the bundle, or was skipped as a whole. */
export type TableState = 'read' | 'absent' | 'skipped';

/**
 * Every sourcedId of one file with the line of its first row, valid or not, so that a reference
 * to a missing row can tell whether the row does not exist or was rejected.
 */
export class SourceIndex {
  readonly lines = new Map<string, number>();

  constructor(
    readonly file: ImportedFile,
    readonly state: TableState,
  ) {}

  /** Describes why a reference to `id` cannot be resolved, naming the value and where it was looked for. */
  describeMissing(label: string, id: string): string {
    if (this.state === 'absent') {
      return `${label} "${id}" not found: the bundle has no ${this.file}.csv`;
    }
    if (this.state === 'skipped') {
      return `${label} "${id}" not found: ${this.file}.csv was skipped (see its line 1)`;
    }
    const line = this.lines.get(id);
    if (line === undefined) {
      return `${label} "${id}" not found in ${this.file}.csv`;
    }
    return `${label} "${id}" was rejected (${this.file}.csv line ${line})`;
  }
}

export interface OpenedTable {
  /** Undefined when the file is absent or was skipped. */
  fields: FieldReader | undefined;
  index: SourceIndex;
}

/**
 * Opens one file of the bundle for reading. A file that lacks a required column is rejected as a
 * whole and returned without fields, like an absent file.
 */
export function openTable(
  bundle: Bundle,
  file: ImportedFile,
  required: readonly string[],
  log: IssueLog,
): OpenedTable {
  const table = bundle.tables[file];
  if (table === undefined) {
    return { fields: undefined, index: new SourceIndex(file, 'absent') };
  }
  const fields = new FieldReader(table);
  const missing = fields.missing(required);
  if (missing.length > 0) {
    const names = missing.map((name) => `"${name}"`).join(', ');
    log.reject(
      file,
      1,
      `missing required column ${names}; the file and its ${table.rows.length} rows are skipped`,
      table.rows.length,
    );
    return { fields: undefined, index: new SourceIndex(file, 'skipped') };
  }
  return { fields, index: new SourceIndex(file, 'read') };
}

/** Returns why a row's status keeps it out of the import, or null for '' and active. */
export function statusProblem(status: string): string | null {
  const normalized = status.toLowerCase();
  if (normalized === '' || normalized === 'active') {
    return null;
  }
  if (normalized === 'tobedeleted' || normalized === 'inactive') {
    return `status is "${status}"; the import adds and updates records but does not delete them`;
  }
  return `status "${status}" is invalid, expected active or tobedeleted`;
}

export interface IdentifiedRow {
  row: CsvRow;
  id: string;
}

/**
 * Yields the rows of a file that have a sourcedId not seen before and an active status,
 * rejecting the others, and records every sourcedId in `index`.
 */
export function* identifiedRows(
  fields: FieldReader,
  index: SourceIndex,
  log: IssueLog,
): Generator<IdentifiedRow> {
  for (const row of fields.table.rows) {
    const id = fields.value(row, 'sourcedId');
    if (id === '') {
      log.reject(index.file, row.line, 'sourcedId is empty');
      continue;
    }
    const firstLine = index.lines.get(id);
    if (firstLine !== undefined) {
      log.reject(index.file, row.line, `sourcedId "${id}" repeats line ${firstLine}`);
      continue;
    }
    index.lines.set(id, row.line);
    const problem = statusProblem(fields.value(row, 'status'));
    if (problem !== null) {
      log.reject(index.file, row.line, problem);
      continue;
    }
    yield { row, id };
  }
}

/** Checks a calendar date written as YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return false;
  }
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** Checks a date (YYYY-MM-DD) or an ISO 8601 date-time. */
export function isIsoDateOrDateTime(value: string): boolean {
  if (isIsoDate(value)) {
    return true;
  }
  return /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value));
}

/** Parses a decimal number, returning undefined for '' and for anything that is not finite. */
export function parseNumber(value: string): number | undefined {
  if (value.trim() === '') {
    return undefined;
  }
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** Returns the value, or null where it is empty. */
export function orNull(value: string): string | null {
  return value === '' ? null : value;
}

export function quoteList(values: Iterable<string>): string {
  return [...values].map((value) => `"${value}"`).join(', ');
}
