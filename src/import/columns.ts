import type { CsvRow, CsvTable } from './csv.js';

/** Spellings beyond the `x.sourcedId` pattern that exports use for a OneRoster field. */
const EXTRA_ALIASES: Record<string, readonly string[]> = {
  // OneRoster 1.0 named the course's school year column schoolYearId.
  schoolYearSourcedId: ['schoolYearId'],
  gradingPeriodSourcedId: ['gradingPeriod'],
};

/**
 * Lists the column names accepted for a field: the OneRoster CSV name first, then the dotted
 * JSON-style spelling some exports use (`class.sourcedId` for `classSourcedId`, `terms.sourcedId`
 * for `termSourcedIds`), then known older names.
 */
export function columnAliases(field: string): string[] {
  const aliases = [field];
  const plural = /^(.+)SourcedIds$/.exec(field);
  const single = /^(.+)SourcedId$/.exec(field);
  if (plural?.[1] !== undefined) {
    aliases.push(`${plural[1]}s.sourcedId`, `${plural[1]}.sourcedId`);
  } else if (single?.[1] !== undefined) {
    aliases.push(`${single[1]}.sourcedId`);
  }
  aliases.push(...(EXTRA_ALIASES[field] ?? []));
  return aliases;
}

/** Reads fields of a table by their OneRoster names, whichever accepted spelling the file uses. */
export class FieldReader {
  private readonly columnByField = new Map<string, string | undefined>();
  private readonly columnByLowerCase: Map<string, string>;

  constructor(readonly table: CsvTable) {
    this.columnByLowerCase = new Map(table.columns.map((name) => [name.toLowerCase(), name]));
  }

  /** Returns the column a field is read from, matching names exactly first, then ignoring case. */
  column(field: string): string | undefined {
    if (this.columnByField.has(field)) {
      return this.columnByField.get(field);
    }
    const aliases = columnAliases(field);
    const exact = aliases.find((alias) => this.table.columns.includes(alias));
    const found =
      exact ??
      aliases
        .map((alias) => this.columnByLowerCase.get(alias.toLowerCase()))
        .find((name) => name !== undefined);
    this.columnByField.set(field, found);
    return found;
  }

  has(field: string): boolean {
    return this.column(field) !== undefined;
  }

  missing(fields: readonly string[]): string[] {
    return fields.filter((field) => !this.has(field));
  }

  /** The value as written, or '' where the column is absent. */
  raw(row: CsvRow, field: string): string {
    const column = this.column(field);
    return column === undefined ? '' : (row.values[column] ?? '');
  }

  /** The value without surrounding whitespace. */
  value(row: CsvRow, field: string): string {
    return this.raw(row, field).trim();
  }

  /** A comma-separated list of ids, such as `termSourcedIds`, without empty entries. */
  list(row: CsvRow, field: string): string[] {
    return this.raw(row, field)
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== '');
  }
}
