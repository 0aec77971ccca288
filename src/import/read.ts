import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseCsv, type CsvTable } from './csv.js';
import { parseManifest, type Manifest } from './manifest.js';
import type { ImportIssue, OneRosterVersion } from './report.js';

/** The OneRoster files the import reads, without `.csv`. */
export const IMPORTED_FILES = [
  'orgs',
  'academicSessions',
  'courses',
  'classes',
  'enrollments',
  'users',
  'roles',
  'categories',
  'lineItems',
  'results',
] as const;
export type ImportedFile = (typeof IMPORTED_FILES)[number];

/** A bundle's files parsed into tables, before any row is validated. */
export interface Bundle {
  folder: string;
  version: OneRosterVersion;
  tables: Partial<Record<ImportedFile, CsvTable>>;
  /** Rows or files that could not be parsed as CSV. */
  rejected: ImportIssue[];
  warnings: ImportIssue[];
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return null;
    }
    throw error;
  }
}

/**
 * Reads the CSV files of a OneRoster bundle folder. A file that manifest.csv declares `absent`
 * is skipped, and a declared file missing on disk is read as empty with a warning.
 * Raises an error when the folder does not exist.
 */
export async function readBundle(folder: string): Promise<Bundle> {
  const resolved = path.resolve(folder);
  const folderStat = await stat(resolved).catch(() => null);
  if (folderStat === null || !folderStat.isDirectory()) {
    throw new Error(`OneRoster folder "${resolved}" not found or not a directory`);
  }

  const bundle: Bundle = {
    folder: resolved,
    version: 'unknown',
    tables: {},
    rejected: [],
    warnings: [],
  };

  let manifest: Manifest | null = null;
  const manifestText = await readText(path.join(resolved, 'manifest.csv'));
  if (manifestText === null) {
    bundle.warnings.push({
      file: 'manifest.csv',
      line: 1,
      reason: 'manifest.csv not found; every OneRoster file present in the folder is read',
    });
  } else {
    const parsed = parseCsv('manifest.csv', manifestText);
    bundle.rejected.push(...parsed.rejected);
    if (parsed.table !== null) {
      manifest = parseManifest(parsed.table);
      bundle.version = manifest.version;
      bundle.warnings.push(...manifest.warnings);
    }
  }

  for (const name of IMPORTED_FILES) {
    const file = `${name}.csv`;
    const declaration = manifest?.files.get(name);
    if (declaration?.mode === 'absent') {
      continue;
    }
    const text = await readText(path.join(resolved, file));
    if (text === null) {
      if (declaration !== undefined) {
        bundle.warnings.push({
          file: 'manifest.csv',
          line: declaration.line,
          reason: `${file} is declared "${declaration.mode}" but does not exist; it is read as empty`,
        });
      }
      continue;
    }
    const parsed = parseCsv(file, text);
    bundle.rejected.push(...parsed.rejected);
    if (parsed.table !== null) {
      bundle.tables[name] = parsed.table;
    }
  }
  return bundle;
}
