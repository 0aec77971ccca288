import { FieldReader } from './columns.js';
import type { CsvTable } from './csv.js';
import type { ImportIssue, OneRosterVersion } from './report.js';

/** Data files named by OneRoster 1.1 and 1.2 manifests (`file.<name>` properties). */
export const ONEROSTER_FILES = [
  'academicSessions',
  'categories',
  'classes',
  'classResources',
  'courses',
  'courseResources',
  'demographics',
  'enrollments',
  'lineItemLearningObjectiveIds',
  'lineItems',
  'lineItemScoreScales',
  'orgs',
  'resources',
  'resultLearningObjectiveIds',
  'results',
  'resultScoreScales',
  'roles',
  'scoreScales',
  'userProfiles',
  'userResources',
  'users',
] as const;

const KNOWN_PROPERTIES = [
  'manifest.version',
  'oneroster.version',
  'source.systemName',
  'source.systemCode',
  ...ONEROSTER_FILES.map((name) => `file.${name}`),
];

/** How a manifest declares a file: `bulk` and `delta` files are read, `absent` ones are not. */
export type FileMode = 'bulk' | 'delta' | 'absent';

export interface FileDeclaration {
  mode: FileMode;
  line: number;
}

export interface Manifest {
  version: OneRosterVersion;
  /** Declarations by file name without `.csv`, such as `classes`. */
  files: Map<string, FileDeclaration>;
  warnings: ImportIssue[];
}

/** Returns the Levenshtein edit distance between two strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      const deletion = (previous[j] ?? 0) + 1;
      const insertion = (current[j - 1] ?? 0) + 1;
      current.push(Math.min(substitution, deletion, insertion));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Maximum edit distance at which an unknown property is read as the known one it resembles. */
const MAX_TYPO_DISTANCE = 2;

function closestProperty(name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const known of KNOWN_PROPERTIES) {
    const distance = editDistance(name.toLowerCase(), known.toLowerCase());
    if (distance < bestDistance) {
      best = known;
      bestDistance = distance;
    }
  }
  return bestDistance <= MAX_TYPO_DISTANCE ? best : undefined;
}

function readVersion(value: string): OneRosterVersion {
  if (value === '1.1' || value.startsWith('1.1.')) {
    return '1.1';
  }
  if (value === '1.2' || value.startsWith('1.2.')) {
    return '1.2';
  }
  return 'unknown';
}

/**
 * Reads manifest.csv. A property name within two edits of a known one (`fiel.demographics`) is
 * read as that property, and every such correction or unknown value is returned as a warning.
 */
export function parseManifest(table: CsvTable): Manifest {
  const manifest: Manifest = { version: 'unknown', files: new Map(), warnings: [] };
  const fields = new FieldReader(table);
  const missing = fields.missing(['propertyName', 'value']);
  if (missing.length > 0) {
    manifest.warnings.push({
      file: table.file,
      line: 1,
      reason: `missing column ${missing.map((name) => `"${name}"`).join(', ')}; the manifest is ignored`,
    });
    return manifest;
  }

  const seen = new Map<string, number>();
  for (const row of table.rows) {
    const written = fields.value(row, 'propertyName');
    const value = fields.value(row, 'value');
    let property = KNOWN_PROPERTIES.find((known) => known === written);
    if (property === undefined) {
      property = closestProperty(written);
      manifest.warnings.push({
        file: table.file,
        line: row.line,
        reason:
          property === undefined
            ? `unknown property "${written}" is ignored`
            : `unknown property "${written}" is read as "${property}"`,
      });
      if (property === undefined) {
        continue;
      }
    }
    const firstLine = seen.get(property);
    if (firstLine !== undefined) {
      manifest.warnings.push({
        file: table.file,
        line: row.line,
        reason: `property "${property}" repeats line ${firstLine}; the first value is used`,
      });
      continue;
    }
    seen.set(property, row.line);

    if (property === 'oneroster.version') {
      manifest.version = readVersion(value);
      if (manifest.version === 'unknown') {
        manifest.warnings.push({
          file: table.file,
          line: row.line,
          reason: `oneroster.version "${value}" is neither 1.1 nor 1.2; the version is reported as unknown`,
        });
      }
    } else if (property.startsWith('file.')) {
      const mode = value.toLowerCase();
      if (mode === 'bulk' || mode === 'delta' || mode === 'absent') {
        manifest.files.set(property.slice('file.'.length), { mode, line: row.line });
      } else {
        manifest.warnings.push({
          file: table.file,
          line: row.line,
          reason: `"${property}" has value "${value}", expected bulk, delta or absent; the file is read if it exists`,
        });
      }
    }
  }
  return manifest;
}
