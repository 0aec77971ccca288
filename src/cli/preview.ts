import { InvalidArgumentError, type Command } from 'commander';
import { dbName } from '../config.js';
import { connectDatabase, type Collections } from '../db/mongo.js';
import type { CategoryChange } from '../domain/push-rules.js';
import { PUSH_ITEMS, pushItemSchema, type PushItem } from '../domain/setup.js';
import {
  MAX_PREVIEW_LIMIT,
  previewCalendarPush,
  previewCoursePush,
  type PreviewRequest,
  type PreviewTotals,
  type PushPreview,
  type SectionPreview,
} from '../preview/preview.js';
import { configuredAddresses } from './addresses.js';

/** Changed student grades printed per term; the count covers the rest. */
const MAX_LISTED_STUDENTS = 10;

const PREVIEW_SCOPES = [
  { kind: 'calendar', argument: '<calendarId>', what: 'every course of a calendar' },
  { kind: 'course', argument: '<courseId>', what: 'one course' },
] as const;

/** Adds `preview calendar <calendarId>` and `preview course <courseId>` to the command line. */
export function registerPreviewCommands(program: Command): void {
  const preview = program
    .command('preview')
    .description('Show what a push would change, grade impact included, without writing anything');
  for (const { kind, argument, what } of PREVIEW_SCOPES) {
    preview
      .command(kind)
      .description(`Preview a push of the setup of ${what} to its sections`)
      .argument(argument)
      .option(
        '--items <list>',
        `comma-separated items (default all: ${PUSH_ITEMS.join(',')})`,
        parseItemList,
      )
      .option('--overwrite', 'preview with overwrite of section categories', false)
      .action(async (id: string, options: { items?: PushItem[]; overwrite: boolean }) => {
        const database = await connectDatabase(configuredAddresses().mongoUri, dbName());
        try {
          await printPreview(
            database.collections,
            { kind, id },
            { items: options.items ?? [...PUSH_ITEMS], overwriteCategories: options.overwrite },
          );
        } finally {
          await database.close();
        }
      });
  }
}

function parseItemList(value: string): PushItem[] {
  return value.split(',').map((text) => {
    const item = pushItemSchema.safeParse(text.trim());
    if (!item.success) {
      throw new InvalidArgumentError(
        `"${text.trim()}" is not an item; use a comma-separated list of ${PUSH_ITEMS.join(', ')}`,
      );
    }
    return item.data;
  });
}

export interface PreviewCommandOptions {
  items: PushItem[];
  overwriteCategories: boolean;
}

/**
 * Previews a push of a calendar or a course and prints each section and the totals, reading
 * every page. Raises an error when the calendar or course does not exist.
 */
export async function printPreview(
  collections: Collections,
  scope: { kind: 'calendar' | 'course'; id: string },
  options: PreviewCommandOptions,
  print: (line: string) => void = console.log,
): Promise<PreviewTotals> {
  const previewPage = await pagePreviewer(collections, scope);
  const totals: PreviewTotals = {
    sections: 0,
    sectionsUpdated: 0,
    sectionsUnchanged: 0,
    studentsWithGradeChanges: 0,
  };
  let after: string | null = null;
  do {
    const page = await previewPage({ ...options, after, limit: MAX_PREVIEW_LIMIT });
    for (const section of page.sections) {
      for (const line of formatSectionPreview(section)) print(line);
    }
    totals.sections += page.totals.sections;
    totals.sectionsUpdated += page.totals.sectionsUpdated;
    totals.sectionsUnchanged += page.totals.sectionsUnchanged;
    totals.studentsWithGradeChanges += page.totals.studentsWithGradeChanges;
    after = page.nextAfter;
  } while (after !== null);

  print(
    `Totals for ${scope.kind} ${scope.id}: ${totals.sections} sections, ` +
      `${totals.sectionsUpdated} would be updated, ${totals.sectionsUnchanged} unchanged; ` +
      `${totals.studentsWithGradeChanges} students would get a different grade (counted per section)`,
  );
  return totals;
}

async function pagePreviewer(
  collections: Collections,
  scope: { kind: 'calendar' | 'course'; id: string },
): Promise<(request: PreviewRequest) => Promise<PushPreview>> {
  if (scope.kind === 'calendar') {
    const calendar = await collections.calendars.findOne({ _id: scope.id });
    if (!calendar) {
      throw new Error(`calendar "${scope.id}" not found; import it first or check the id`);
    }
    return (request) => previewCalendarPush(collections, calendar, request);
  }
  const course = await collections.courses.findOne(
    { _id: scope.id },
    { projection: { calendarId: 1 } },
  );
  if (!course) {
    throw new Error(`course "${scope.id}" not found; import it first or check the id`);
  }
  return (request) => previewCoursePush(collections, course, request);
}

/** Describes one section's preview in a few indented lines. */
export function formatSectionPreview(section: SectionPreview): string[] {
  const heading = `${section.sectionId} (${section.title}, course ${section.courseId})`;
  if (section.outcome === 'unchanged') {
    return [`${heading}: unchanged`];
  }
  const changed =
    section.changedItems.length > 0
      ? `changes ${section.changedItems.join(', ')}`
      : 'records the course versions only';
  const lines = [`${heading}: ${changed}`];
  for (const change of section.categoryChanges) {
    lines.push(`  category ${describeCategoryChange(change)}`);
  }
  if (section.gradeCalcOptions) {
    const terms = section.gradeCalcOptions.after.map((option) => option.termId).join(', ');
    lines.push(`  grade calc options replaced (terms after the push: ${terms || 'none'})`);
  }
  if (section.composites) {
    const names = section.composites.after.map((composite) => composite.name).join(', ');
    lines.push(`  composites replaced (after the push: ${names || 'none'})`);
  }
  if (section.advisory) {
    lines.push(`  advisory ${onOff(section.advisory.before)} -> ${onOff(section.advisory.after)}`);
  }
  for (const term of section.grades?.terms ?? []) {
    const label = term.title === null ? term.termId : `${term.termId} (${term.title})`;
    lines.push(
      `  grades ${label}: ${term.changedCount} of ${term.students.length} students change`,
    );
    const changedStudents = term.students.filter((student) => student.changed);
    for (const student of changedStudents.slice(0, MAX_LISTED_STUDENTS)) {
      lines.push(
        `    ${student.studentId}: ${formatGrade(student.before)} -> ${formatGrade(student.after)}`,
      );
    }
    if (changedStudents.length > MAX_LISTED_STUDENTS) {
      lines.push(`    and ${changedStudents.length - MAX_LISTED_STUDENTS} more`);
    }
  }
  return lines;
}

function describeCategoryChange(change: CategoryChange): string {
  switch (change.kind) {
    case 'added':
      return `"${change.name}" added (weight ${change.weight})`;
    case 'updated': {
      const fields = change.fields
        .map((field) => `${field.field} ${String(field.before)} -> ${String(field.after)}`)
        .join(', ');
      return `"${change.name}" updated: ${fields}`;
    }
    case 'renamed':
      return `"${change.from}" renamed "${change.to}"`;
    case 'removed':
      return `"${change.name}" removed (${describeReason(change.reason)})`;
    case 'residual':
      return (
        `"${change.name}" kept unlocked as residual data ` +
        `(${countOf(change.assignmentCount, 'assignment')}, ${describeReason(change.reason)})`
      );
  }
}

function describeReason(reason: 'teacherCategory' | 'removedFromCourse'): string {
  return reason === 'teacherCategory' ? 'teacher category' : 'removed from the course';
}

function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function onOff(value: boolean): string {
  return value ? 'on' : 'off';
}

function formatGrade(grade: number | null): string {
  return grade === null ? 'no grade' : `${grade.toFixed(2)}%`;
}
