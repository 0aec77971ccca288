import type {
  AssignmentDoc,
  CalendarDoc,
  CourseDoc,
  PersonDoc,
  SchoolDoc,
  ScoreDoc,
  SectionDoc,
} from '../db/types.js';
import type { FieldReader } from './columns.js';
import { buildCalendars, readSessions, type SessionUses } from './map-calendars.js';
import {
  CATEGORY_COLUMNS,
  LINE_ITEM_COLUMNS,
  mapLineItems,
  mapResults,
  readCategories,
  RESULT_COLUMNS,
} from './map-gradebook.js';
import { mapOrgs, mapPeople } from './map-roster.js';
import {
  applyEnrollments,
  CLASS_COLUMNS,
  COURSE_COLUMNS,
  ENROLLMENT_COLUMNS,
  mapCourses,
  mapSections,
  type ClassUse,
} from './map-sections.js';
import { IMPORTED_FILES, type Bundle, type ImportedFile } from './read.js';
import { FILE_KIND, IssueLog, openTable } from './rows.js';
import { IMPORT_KINDS, type ImportIssue, type ImportKind } from './report.js';

/** The documents a bundle yields, each list in source file order. */
export interface BundleDocuments {
  schools: SchoolDoc[];
  people: PersonDoc[];
  calendars: CalendarDoc[];
  courses: CourseDoc[];
  sections: SectionDoc[];
  assignments: AssignmentDoc[];
  scores: ScoreDoc[];
}

export interface MappedBundle {
  documents: BundleDocuments;
  rejected: ImportIssue[];
  warnings: ImportIssue[];
  /** Source rows rejected, by the collection they would have fed. */
  rejectedRows: Record<ImportKind, number>;
}

/** Reads the course, school and terms of every class, valid or not, to place sessions and courses. */
function collectClassUses(fields: FieldReader | undefined): Map<string, ClassUse & { id: string }> {
  const uses = new Map<string, ClassUse & { id: string }>();
  if (fields === undefined) {
    return uses;
  }
  for (const row of fields.table.rows) {
    const id = fields.value(row, 'sourcedId');
    if (id === '' || uses.has(id)) {
      continue;
    }
    uses.set(id, {
      id,
      courseId: fields.value(row, 'courseSourcedId'),
      schoolId: fields.value(row, 'schoolSourcedId'),
      termIds: fields.list(row, 'termSourcedIds'),
    });
  }
  return uses;
}

/** Lists which school uses which session, according to classes, courses and line items. */
function collectSessionUses(
  classUses: Map<string, ClassUse>,
  courses: FieldReader | undefined,
  lineItems: FieldReader | undefined,
): SessionUses {
  const uses: SessionUses = { classes: [], fallback: [] };
  for (const use of classUses.values()) {
    for (const sessionId of use.termIds) {
      uses.classes.push({ sessionId, schoolId: use.schoolId });
    }
  }
  if (courses !== undefined) {
    for (const row of courses.table.rows) {
      const sessionId = courses.value(row, 'schoolYearSourcedId');
      const schoolId = courses.value(row, 'orgSourcedId');
      uses.fallback.push({ sessionId, schoolId });
    }
  }
  if (lineItems !== undefined) {
    for (const row of lineItems.table.rows) {
      const sessionId = lineItems.value(row, 'gradingPeriodSourcedId');
      const classUse = classUses.get(lineItems.value(row, 'classSourcedId'));
      if (classUse !== undefined) {
        uses.fallback.push({ sessionId, schoolId: classUse.schoolId });
      }
    }
  }
  return uses;
}

function fileOrder(file: string): number {
  if (file === 'manifest.csv') {
    return -1;
  }
  return IMPORTED_FILES.indexOf(file.replace(/\.csv$/, '') as ImportedFile);
}

function sortIssues(issues: ImportIssue[]): ImportIssue[] {
  return issues
    .map((issue, position) => ({ issue, position }))
    .sort(
      (a, b) =>
        fileOrder(a.issue.file) - fileOrder(b.issue.file) ||
        a.issue.line - b.issue.line ||
        a.position - b.position,
    )
    .map(({ issue }) => issue);
}

/**
 * Validates a parsed bundle and maps it to documents, without touching the database. Every row
 * that cannot be imported is listed in `rejected` and left out. Rows that depend on a rejected
 * row, such as the classes of a rejected course, are rejected too, and their reason names it.
 */
export function mapBundle(bundle: Bundle, importedAt: Date): MappedBundle {
  const log = new IssueLog();
  for (const issue of bundle.rejected) {
    const name = issue.file.replace(/\.csv$/, '') as ImportedFile;
    if (Object.hasOwn(FILE_KIND, name)) {
      log.reject(name, issue.line, issue.reason);
    } else {
      log.rejected.push(issue);
    }
  }
  log.warnings.push(...bundle.warnings);

  const orgs = mapOrgs(bundle, log, importedAt);
  const people = mapPeople(bundle, orgs, log, importedAt);
  const sessions = readSessions(bundle, orgs, log);

  const coursesTable = openTable(bundle, 'courses', COURSE_COLUMNS, log);
  const classesTable = openTable(bundle, 'classes', CLASS_COLUMNS, log);
  const enrollmentsTable = openTable(bundle, 'enrollments', ENROLLMENT_COLUMNS, log);
  const categoriesTable = openTable(bundle, 'categories', CATEGORY_COLUMNS, log);
  const lineItemsTable = openTable(bundle, 'lineItems', LINE_ITEM_COLUMNS, log);
  const resultsTable = openTable(bundle, 'results', RESULT_COLUMNS, log);

  const classUses = collectClassUses(classesTable.fields);
  const calendars = buildCalendars(
    sessions,
    collectSessionUses(classUses, coursesTable.fields, lineItemsTable.fields),
    orgs.schools,
    log,
    importedAt,
  );
  const classUsesByCourse = new Map<string, ClassUse[]>();
  for (const use of classUses.values()) {
    const list = classUsesByCourse.get(use.courseId) ?? [];
    list.push(use);
    classUsesByCourse.set(use.courseId, list);
  }

  const context = { orgs, sessions, calendars };
  const courses = mapCourses(coursesTable, classUsesByCourse, context, log, importedAt);
  const sections = mapSections(classesTable, courses, context, log, importedAt);
  applyEnrollments(enrollmentsTable, sections, people, log);
  const categories = readCategories(categoriesTable, log);
  const assignments = mapLineItems(
    lineItemsTable,
    { sections, categories, sessions, calendars },
    log,
    importedAt,
  );
  const scores = mapResults(resultsTable, { assignments, people }, log, importedAt);

  const rejectedRows = {} as Record<ImportKind, number>;
  for (const kind of IMPORT_KINDS) {
    rejectedRows[kind] = log.rejectedRows.get(kind) ?? 0;
  }
  return {
    documents: {
      schools: [...orgs.schools.values()],
      people: [...people.people.values()],
      calendars: [...calendars.calendars.values()],
      courses: [...courses.courses.values()],
      sections: [...sections.sections.values()],
      assignments: [...assignments.assignments.values()],
      scores: [...scores.values()],
    },
    rejected: sortIssues(log.rejected),
    warnings: sortIssues(log.warnings),
    rejectedRows,
  };
}
