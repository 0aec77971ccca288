/**
 * Previews a push without writing anything: reads the sections a push would reach, plans each
 * one with the same inputs as the push, and adds the grade impact of the planned setup.
 */
import type { Filter } from 'mongodb';
import type { Collections } from '../db/mongo.js';
import { findCourseSnapshot, readSectionState } from '../db/push-repository.js';
import type { CalendarDoc, CourseDoc, SectionDoc, TermDoc } from '../db/types.js';
import type { SectionScore, TermAssignment } from '../domain/grades.js';
import type { CourseSnapshot, PushOptions } from '../domain/push-rules.js';
import { PUSH_ITEMS, type PushItem } from '../domain/setup.js';
import { previewSection, type SectionPreview } from './section-preview.js';

export { previewSection, termsToGrade, type SectionPreview } from './section-preview.js';

/** Sections per preview page when the request names no limit. */
export const DEFAULT_PREVIEW_LIMIT = 50;
export const MAX_PREVIEW_LIMIT = 200;

export interface PreviewRequest extends PushOptions {
  /** Preview the sections whose id is greater than this one; null starts at the first. */
  after: string | null;
  /** Sections per page, 1 to MAX_PREVIEW_LIMIT. */
  limit: number;
}

export type PreviewScope =
  | { kind: 'calendar'; calendarId: string }
  | { kind: 'course'; courseId: string; calendarId: string };

export interface PreviewTotals {
  sections: number;
  /** Sections the push would write to, as its `sectionsUpdated` count would show them. */
  sectionsUpdated: number;
  sectionsUnchanged: number;
  /**
   * Students whose grade changes in at least one term, counted once per section, so a student
   * in two changing sections counts twice.
   */
  studentsWithGradeChanges: number;
}

export interface PushPreview {
  scope: PreviewScope;
  items: PushItem[];
  overwriteCategories: boolean;
  /** Sections in the scope, over all pages. */
  sectionsTotal: number;
  /** This page's sections, ordered by id. */
  sections: SectionPreview[];
  /** Sums over this page's sections. Summing the totals of all pages gives the scope's totals. */
  totals: PreviewTotals;
  /** The `after` value of the next page, or null on the last page. */
  nextAfter: string | null;
}

/** A course that a page needs was removed between two reads of the preview. */
export class PreviewConflictError extends Error {
  override name = 'PreviewConflictError';
}

/** Previews a push of every course of a calendar: the sections of its courses, page by page. */
export async function previewCalendarPush(
  collections: Collections,
  calendar: CalendarDoc,
  request: PreviewRequest,
): Promise<PushPreview> {
  // The push reaches the sections of the calendar's courses, so the preview selects them the same
  // way instead of by the sections' own calendarId.
  const courses = await collections.courses
    .find({ calendarId: calendar._id }, { projection: { _id: 1 } })
    .toArray();
  const filter: Filter<SectionDoc> = { courseId: { $in: courses.map((course) => course._id) } };
  return previewSections(
    collections,
    { kind: 'calendar', calendarId: calendar._id },
    filter,
    calendar.terms,
    request,
  );
}

/** Previews a push of one course to its sections. */
export async function previewCoursePush(
  collections: Collections,
  course: Pick<CourseDoc, '_id' | 'calendarId'>,
  request: PreviewRequest,
): Promise<PushPreview> {
  const calendar = await collections.calendars.findOne(
    { _id: course.calendarId },
    { projection: { terms: 1 } },
  );
  return previewSections(
    collections,
    { kind: 'course', courseId: course._id, calendarId: course.calendarId },
    { courseId: course._id },
    calendar?.terms ?? [],
    request,
  );
}

async function previewSections(
  collections: Collections,
  scope: PreviewScope,
  filter: Filter<SectionDoc>,
  calendarTerms: readonly TermDoc[],
  request: PreviewRequest,
): Promise<PushPreview> {
  // The push service orders the selected items the same way before it starts the workflow.
  const options: PushOptions = {
    items: PUSH_ITEMS.filter((item) => request.items.includes(item)),
    overwriteCategories: request.overwriteCategories,
  };
  const sectionsTotal = await collections.sections.countDocuments(filter);
  const pageFilter: Filter<SectionDoc> =
    request.after === null ? filter : { ...filter, _id: { $gt: request.after } };
  // Reading one section beyond the limit shows whether another page follows.
  const found = await collections.sections
    .find(pageFilter)
    .sort({ _id: 1 })
    .limit(request.limit + 1)
    .toArray();
  const page = found.slice(0, request.limit);
  const nextAfter = found.length > request.limit ? (page.at(-1)?._id ?? null) : null;

  const courses = await loadCourseSnapshots(collections, page);
  const { assignments, scores } = await loadGradebooks(collections, page);
  const sections = await Promise.all(
    page.map(async (section) =>
      previewSection({
        section,
        state: await readSectionState(collections, section),
        course: courses.get(section.courseId)!,
        options,
        assignments: assignments.get(section._id) ?? [],
        scores: scores.get(section._id) ?? [],
        calendarTerms,
      }),
    ),
  );

  return {
    scope,
    items: options.items,
    overwriteCategories: options.overwriteCategories,
    sectionsTotal,
    sections,
    totals: sumTotals(sections),
    nextAfter,
  };
}

/** Loads each course of the page as the push's `loadCourseSnapshot` activity does. */
async function loadCourseSnapshots(
  collections: Collections,
  sections: readonly SectionDoc[],
): Promise<Map<string, CourseSnapshot>> {
  const snapshots = new Map<string, CourseSnapshot>();
  for (const courseId of new Set(sections.map((section) => section.courseId))) {
    const snapshot = await findCourseSnapshot(collections, courseId);
    if (snapshot === null) {
      throw new PreviewConflictError(
        `course "${courseId}" was removed while the preview read it; run the preview again`,
      );
    }
    snapshots.set(courseId, snapshot);
  }
  return snapshots;
}

/** Loads the assignments and scores of the page's sections, grouped by section id. */
async function loadGradebooks(
  collections: Collections,
  sections: readonly SectionDoc[],
): Promise<{ assignments: Map<string, TermAssignment[]>; scores: Map<string, SectionScore[]> }> {
  const sectionIds = sections.map((section) => section._id);
  const assignmentDocs = await collections.assignments
    .find(
      { sectionId: { $in: sectionIds } },
      {
        projection: {
          sectionId: 1,
          categoryId: 1,
          dueDate: 1,
          possiblePoints: 1,
          termId: 1,
        },
      },
    )
    .sort({ _id: 1 })
    .toArray();
  // Sorted by id, so that where an assignment has several scores of a student, the same one
  // counts on every run.
  const scoreDocs = await collections.scores
    .find(
      { sectionId: { $in: sectionIds } },
      { projection: { sectionId: 1, assignmentId: 1, studentId: 1, score: 1, exempt: 1 } },
    )
    .sort({ _id: 1 })
    .toArray();

  const assignments = new Map<string, TermAssignment[]>();
  for (const doc of assignmentDocs) {
    appendTo(assignments, doc.sectionId, {
      id: doc._id,
      categoryId: doc.categoryId,
      dueDate: doc.dueDate,
      possiblePoints: doc.possiblePoints,
      termId: doc.termId,
    });
  }
  const scores = new Map<string, SectionScore[]>();
  for (const doc of scoreDocs) {
    appendTo(scores, doc.sectionId, {
      assignmentId: doc.assignmentId,
      studentId: doc.studentId,
      score: doc.score,
      exempt: doc.exempt,
    });
  }
  return { assignments, scores };
}

function appendTo<T>(groups: Map<string, T[]>, key: string, value: T): void {
  const group = groups.get(key);
  if (group === undefined) {
    groups.set(key, [value]);
  } else {
    group.push(value);
  }
}

function sumTotals(sections: readonly SectionPreview[]): PreviewTotals {
  const updated = sections.filter((section) => section.outcome === 'updated').length;
  return {
    sections: sections.length,
    sectionsUpdated: updated,
    sectionsUnchanged: sections.length - updated,
    studentsWithGradeChanges: sections.reduce(
      (sum, section) => sum + (section.grades?.studentsWithGradeChanges ?? 0),
      0,
    ),
  };
}
