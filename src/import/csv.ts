import { CsvError, parse } from 'csv-parse/sync';
import type { ImportIssue } from './report.js';

/** One data row: raw values by column name, and the line where the row starts. */
export interface CsvRow {
  line: number;
  values: Record<string, string>;
}

export interface CsvTable {
  /** File name inside the bundle, such as `classes.csv`. */
  file: string;
  /** Header names, trimmed, without vendor extension columns. */
  columns: string[];
  rows: CsvRow[];
}

export interface CsvParseResult {
  /** Null when the file cannot be read as CSV at all. */
  table: CsvTable | null;
  rejected: ImportIssue[];
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/** Checks for a vendor column, `ext_*` (OneRoster extensions) or `metadata.*`, which the import ignores. */
export function isVendorColumn(name: string): boolean {
  return /^ext_/i.test(name) || /^metadata\./i.test(name);
}

function countLineBreaks(record: string[]): number {
  let count = 0;
  for (const field of record) {
    for (const char of field) {
      if (char === '\n') {
        count += 1;
      }
    }
  }
  return count;
}

/**
 * Parses one OneRoster CSV file. Quoted values, CRLF line ends and a UTF-8 BOM are accepted,
 * empty lines are skipped, and a row whose field count differs from the header's is rejected.
 */
export function parseCsv(file: string, text: string): CsvParseResult {
  // csv-parse counts a CRLF inside a quoted value as two lines, which shifts the line number of
  // every later row, so line ends are normalized to LF before parsing.
  const normalized = text.replace(/\r\n/g, '\n');
  let records: ParsedRecord[];
  try {
    records = parse(normalized, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as ParsedRecord[];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof error.lines === 'number' ? error.lines : 1;
      return {
        table: null,
        rejected: [{ file, line, reason: `invalid CSV, the file is skipped: ${error.message}` }],
      };
    }
    throw error;
  }

  const [headerRecord, ...dataRecords] = records;
  if (headerRecord === undefined) {
    return {
      table: null,
      rejected: [{ file, line: 1, reason: 'the file is empty (no header row); it is skipped' }],
    };
  }

  const header = headerRecord.record.map((name) => name.trim());
  const kept = header
    .map((name, index) => ({ name, index }))
    .filter(({ name }) => name !== '' && !isVendorColumn(name));
  const rejected: ImportIssue[] = [];
  const rows: CsvRow[] = [];
  for (const { record, info } of dataRecords) {
    // info.lines is the line where the record ends, which is later than its start when a quoted
    // value spans several lines.
    const line = info.lines - countLineBreaks(record);
    if (record.length !== header.length) {
      rejected.push({
        file,
        line,
        reason: `the row has ${record.length} fields but the header has ${header.length}`,
      });
      continue;
    }
    const values = Object.create(null) as Record<string, string>;
    for (const { name, index } of kept) {
      if (!(name in values)) {
        values[name] = record[index] ?? '';
      }
    }
    rows.push({ line, values });
  }
  const columns = [...new Set(kept.map(({ name }) => name))];
  return { table: { file, columns, rows }, rejected };
}
