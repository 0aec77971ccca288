import type { AssignmentDoc, ScoreDoc } from '../db/types.js';
import { CATEGORY_NAME_MAX, categoryNameKey, type SectionCategory } from '../domain/setup.js';
import type { CalendarIndex, SessionResult } from './map-calendars.js';
import type { PeopleResult } from './map-roster.js';
import type { SectionResult } from './map-sections.js';
import {
  identifiedRows,
  isIsoDateOrDateTime,
  orNull,
  parseNumber,
  quoteList,
  type IssueLog,
  type OpenedTable,
  type SourceIndex,
} from './rows.js';

export const CATEGORY_COLUMNS = ['sourcedId', 'title'] as const;
export const LINE_ITEM_COLUMNS = [
  'sourcedId',
  'title',
  'classSourcedId',
  'resultValueMax',
] as const;
export const RESULT_COLUMNS = [
  'sourcedId',
  'lineItemSourcedId',
  'studentSourcedId',
  'scoreStatus',
] as const;

/** The OneRoster 1.1 and 1.2 score statuses. */
export const SCORE_STATUSES = [
  'exempt',
  'fully graded',
  'not submitted',
  'partially graded',
  'submitted',
] as const;

/** Weight of a category whose row has no `weight` (OneRoster 1.1 has no such column). */
export const DEFAULT_CATEGORY_WEIGHT = 1;

export interface CategoryInfo {
  id: string;
  /** The title as written, surrounding spaces included. */
  title: string;
  weight: number;
  /** Position in categories.csv, which orders a section's categories. */
  order: number;
}

export interface CategoryResult {
  categories: Map<string, CategoryInfo>;
  index: SourceIndex;
}

/** Reads categories.csv: titles of 1 to 50 characters after trimming, weights of 0 or more. */
export function readCategories({ fields, index }: OpenedTable, log: IssueLog): CategoryResult {
  const result: CategoryResult = { categories: new Map(), index };
  if (fields === undefined) {
    return result;
  }
  for (const { row, id } of identifiedRows(fields, result.index, log)) {
    const title = fields.raw(row, 'title');
    const weightText = fields.value(row, 'weight');
    const weight = weightText === '' ? DEFAULT_CATEGORY_WEIGHT : parseNumber(weightText);
    const problems: string[] = [];
    if (title.trim() === '') {
      problems.push('title is empty');
    } else if (title.trim().length > CATEGORY_NAME_MAX) {
      problems.push(`title "${title}" is longer than ${CATEGORY_NAME_MAX} characters`);
    }
    if (weight === undefined || weight < 0) {
      problems.push(`weight "${weightText}" is not a number of 0 or more`);
    }
    if (problems.length > 0 || weight === undefined) {
      log.reject('categories', row.line, problems.join('; '));
      continue;
    }
    result.categories.set(id, { id, title, weight, order: result.categories.size });
  }
  return result;
}

export interface AssignmentResult {
  assignments: Map<string, AssignmentDoc>;
  index: SourceIndex;
}

export interface GradebookContext {
  sections: SectionResult;
  categories: CategoryResult;
  sessions: SessionResult;
  calendars: CalendarIndex;
}

/**
 * Reads lineItems.csv into assignments, and gives each section the categories its assignments
 * use as the teacher's own categories, ordered as in categories.csv. A line item whose category
 * has the same name as another category of its section (after trimming, ignoring case) is
 * rejected, because category names within a section must differ.
 */
export function mapLineItems(
  { fields, index }: OpenedTable,
  context: GradebookContext,
  log: IssueLog,
  importedAt: Date,
): AssignmentResult {
  const result: AssignmentResult = { assignments: new Map(), index };
  if (fields === undefined) {
    return result;
  }
  const { sections, categories, sessions, calendars } = context;
  // Per section: category name key -> category id.
  const sectionCategoryNames = new Map<string, Map<string, string>>();

  for (const { row, id } of identifiedRows(fields, result.index, log)) {
    const problems: string[] = [];
    const title = fields.value(row, 'title');
    if (title === '') {
      problems.push('title is empty');
    }

    const classId = fields.value(row, 'classSourcedId');
    const section = sections.sections.get(classId);
    if (classId === '') {
      problems.push('classSourcedId is empty');
    } else if (section === undefined) {
      problems.push(sections.index.describeMissing('class', classId));
    }

    const categoryId = fields.value(row, 'categorySourcedId');
    const category = categories.categories.get(categoryId);
    if (categoryId !== '' && category === undefined) {
      problems.push(categories.index.describeMissing('category', categoryId));
    }
    const names = section === undefined ? undefined : sectionCategoryNames.get(section._id);
    const sameName =
      category === undefined ? undefined : names?.get(categoryNameKey(category.title));
    if (category !== undefined && sameName !== undefined && sameName !== category.id) {
      const other = categories.categories.get(sameName);
      problems.push(
        `category "${category.id}" ("${category.title}") has the same name as category "${sameName}" ("${other?.title ?? ''}") in class "${classId}"; names must differ after trimming and ignoring case`,
      );
    }

    let termId: string | null = null;
    const gradingPeriodId = fields.value(row, 'gradingPeriodSourcedId');
    if (gradingPeriodId !== '') {
      const session = sessions.sessions.get(gradingPeriodId);
      if (session === undefined) {
        problems.push(sessions.index.describeMissing('grading period', gradingPeriodId));
      } else if (section !== undefined) {
        const calendar = calendars.calendarOf(section.schoolId, gradingPeriodId);
        if (calendar?._id !== section.calendarId) {
          problems.push(
            `grading period "${gradingPeriodId}" is not in calendar "${section.calendarId}" of class "${classId}"`,
          );
        } else if (session.type !== 'schoolYear') {
          termId = gradingPeriodId;
        }
      }
    }

    const maxText = fields.value(row, 'resultValueMax');
    const possiblePoints = parseNumber(maxText);
    if (maxText === '') {
      problems.push('resultValueMax is empty');
    } else if (possiblePoints === undefined || possiblePoints < 0) {
      problems.push(`resultValueMax "${maxText}" is not a number of 0 or more`);
    }

    const dueDate = fields.value(row, 'dueDate');
    if (dueDate !== '' && !isIsoDateOrDateTime(dueDate)) {
      problems.push(`dueDate "${dueDate}" is not an ISO 8601 date or date-time`);
    }

    if (problems.length > 0 || section === undefined || possiblePoints === undefined) {
      log.reject('lineItems', row.line, problems.join('; '));
      continue;
    }
    if (category !== undefined) {
      const sectionNames = names ?? new Map<string, string>();
      sectionNames.set(categoryNameKey(category.title), category.id);
      sectionCategoryNames.set(section._id, sectionNames);
    }
    result.assignments.set(id, {
      _id: id,
      sectionId: section._id,
      categoryId: category?.id ?? null,
      title,
      dueDate: orNull(dueDate),
      termId,
      possiblePoints,
      importedAt,
    });
  }

  for (const [sectionId, names] of sectionCategoryNames) {
    const section = sections.sections.get(sectionId);
    if (section === undefined) {
      continue;
    }
    const used = [...names.values()]
      .map((categoryId) => categories.categories.get(categoryId))
      .filter((category): category is CategoryInfo => category !== undefined)
      .sort((a, b) => a.order - b.order);
    section.setup.categories = used.map((category, sequence): SectionCategory => ({
      id: category.id,
      name: category.title,
      weight: category.weight,
      sequence,
      locked: false,
      courseCategoryId: null,
    }));
  }
  return result;
}

export interface ScoreContext {
  assignments: AssignmentResult;
  people: PeopleResult;
}

/**
 * Reads results.csv into scores. A score is exempt when its status is `exempt`, and an empty score
 * is stored as null. A second result for the same line item and student is rejected.
 */
export function mapResults(
  { fields, index }: OpenedTable,
  context: ScoreContext,
  log: IssueLog,
  importedAt: Date,
): Map<string, ScoreDoc> {
  const scores = new Map<string, ScoreDoc>();
  if (fields === undefined) {
    return scores;
  }
  const { assignments, people } = context;
  // Per line item and student: the first result's id and line.
  const firstResult = new Map<string, { id: string; line: number }>();

  for (const { row, id } of identifiedRows(fields, index, log)) {
    const problems: string[] = [];
    const lineItemId = fields.value(row, 'lineItemSourcedId');
    const assignment = assignments.assignments.get(lineItemId);
    if (lineItemId === '') {
      problems.push('lineItemSourcedId is empty');
    } else if (assignment === undefined) {
      problems.push(assignments.index.describeMissing('lineItem', lineItemId));
    }

    const studentId = fields.value(row, 'studentSourcedId');
    const student = people.people.get(studentId);
    if (studentId === '') {
      problems.push('studentSourcedId is empty');
    } else if (student === undefined) {
      problems.push(people.index.describeMissing('student', studentId));
    }

    const statusText = fields.value(row, 'scoreStatus');
    const status = SCORE_STATUSES.find((name) => name === statusText.toLowerCase());
    if (statusText === '') {
      problems.push('scoreStatus is empty');
    } else if (status === undefined) {
      problems.push(
        `scoreStatus "${statusText}" is invalid, expected one of ${quoteList(SCORE_STATUSES)}`,
      );
    }

    const scoreText = fields.value(row, 'score');
    const score = parseNumber(scoreText) ?? null;
    if (scoreText !== '' && score === null) {
      problems.push(`score "${scoreText}" is not a number`);
    }

    const pairKey = `${lineItemId}\u0000${studentId}`;
    const earlier = firstResult.get(pairKey);
    if (earlier !== undefined) {
      problems.push(
        `student "${studentId}" already has result "${earlier.id}" (line ${earlier.line}) for lineItem "${lineItemId}"`,
      );
    }

    if (problems.length > 0 || assignment === undefined || status === undefined) {
      log.reject('results', row.line, problems.join('; '));
      continue;
    }
    firstResult.set(pairKey, { id, line: row.line });
    if (student !== undefined && student.role.toLowerCase() !== 'student') {
      log.warn(
        'results',
        row.line,
        `user "${studentId}" has role "${student.role}" in users.csv but has a result for lineItem "${lineItemId}"`,
      );
    }
    scores.set(id, {
      _id: id,
      assignmentId: assignment._id,
      sectionId: assignment.sectionId,
      studentId,
      score,
      status,
      exempt: status === 'exempt',
      comment: orNull(fields.value(row, 'comment')),
      importedAt,
    });
  }
  return scores;
}
