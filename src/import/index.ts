import type { Collections } from '../db/mongo.js';
import { createLogger, type Logger } from '../logger.js';
import { mapBundle } from './map.js';
import { readBundle } from './read.js';
import { emptyCounts, IMPORT_KINDS, type ImportReport } from './report.js';
import { writeDocuments } from './write.js';

export { formatImportReport, formatIssue, IMPORT_KINDS } from './report.js';
export type {
  ImportIssue,
  ImportKind,
  ImportReport,
  KindCounts,
  OneRosterVersion,
} from './report.js';
export { mapBundle, type BundleDocuments, type MappedBundle } from './map.js';
export { readBundle, type Bundle } from './read.js';

export interface ImportOptions {
  /** Logger for structured progress and issue records. Without one, a logger named `import` is created. */
  logger?: Logger;
}

/** Maximum number of rejected rows, and of warnings, logged one by one. The report lists them all. */
const MAX_LOGGED_ISSUES = 20;

/**
 * Imports a OneRoster 1.1 or 1.2 CSV bundle folder into the database. The whole bundle is parsed
 * and validated in memory before anything is written. Valid rows are imported and the others are
 * reported. Re-importing a bundle that is already imported writes nothing. The import adds and
 * updates documents but never deletes one that a bundle no longer contains.
 * Raises an error when the folder is missing or a database write fails.
 */
export async function importOneRoster(
  collections: Collections,
  folder: string,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const logger = options.logger ?? createLogger('import');
  logger.info({ folder }, 'import started');

  const bundle = await readBundle(folder);
  const mapped = mapBundle(bundle, new Date());
  logger.info(
    {
      folder: bundle.folder,
      version: bundle.version,
      rejected: mapped.rejected.length,
      warnings: mapped.warnings.length,
    },
    'import validated the bundle',
  );
  for (const issue of mapped.rejected.slice(0, MAX_LOGGED_ISSUES)) {
    logger.warn(
      { file: issue.file, line: issue.line, reason: issue.reason },
      'import rejected a row',
    );
  }
  for (const issue of mapped.warnings.slice(0, MAX_LOGGED_ISSUES)) {
    logger.info({ file: issue.file, line: issue.line, reason: issue.reason }, 'import warning');
  }
  const unlogged =
    Math.max(0, mapped.rejected.length - MAX_LOGGED_ISSUES) +
    Math.max(0, mapped.warnings.length - MAX_LOGGED_ISSUES);
  if (unlogged > 0) {
    logger.info({ unlogged }, 'import issues beyond the logged ones are listed in the report only');
  }

  const written = await writeDocuments(collections, mapped.documents, logger);
  const counts = emptyCounts();
  for (const kind of IMPORT_KINDS) {
    const rejected = mapped.rejectedRows[kind];
    counts[kind] = {
      read: mapped.documents[kind].length + rejected,
      ...written[kind],
      rejected,
    };
  }
  const report: ImportReport = {
    folder: bundle.folder,
    version: bundle.version,
    counts,
    calendarIds: mapped.documents.calendars.map((calendar) => calendar._id),
    rejected: mapped.rejected,
    warnings: mapped.warnings,
  };
  logger.info({ folder: bundle.folder, counts }, 'import finished');
  return report;
}
