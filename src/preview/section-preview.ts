/**
 * Builds the preview of a push for one section from data already read: the push plan and the
 * grade impact of that plan. Pure: no I/O.
 */
import type { SectionDoc, TermDoc } from '../db/types.js';
import {
  gradeImpact,
  type SectionScore,
  type StudentGradeImpact,
  type TermAssignment,
} from '../domain/grades.js';
import {
  planSectionPush,
  type CategoryChange,
  type CourseSnapshot,
  type ItemChange,
  type PushOptions,
  type SectionState,
} from '../domain/push-rules.js';
import type { Composite, GradeCalcOption, PushItem, SectionSetup } from '../domain/setup.js';

export interface TermGradeImpact {
  termId: string;
  /** The term's title in the calendar, or null when the calendar does not list the term. */
  title: string | null;
  /** Every student with a score that counts in this term, ordered by student id. */
  students: StudentGradeImpact[];
  changedCount: number;
}

export interface SectionGradeImpact {
  /** Terms in calendar order. A term where no student has a counted score is left out. */
  terms: TermGradeImpact[];
  /** Students whose grade changes in at least one term. */
  studentsWithGradeChanges: number;
}

export interface SectionPreview {
  sectionId: string;
  courseId: string;
  title: string;
  /** The section document version the preview read. The push re-reads the section. */
  version: number;
  /** The outcome the push would report: `updated` when it would write anything to the section. */
  outcome: 'updated' | 'unchanged';
  /** Selected items whose content would change. */
  changedItems: PushItem[];
  /** Every category outcome of `planSectionPush`, residual categories included. */
  categoryChanges: CategoryChange[];
  gradeCalcOptions: ItemChange<GradeCalcOption[]> | null;
  composites: ItemChange<Composite[]> | null;
  advisory: ItemChange<boolean> | null;
  /** The section setup the push would write. */
  after: SectionSetup;
  /** Grades before and after the push, or null when the section has no scores. */
  grades: SectionGradeImpact | null;
}

export interface SectionPreviewInput {
  section: Pick<SectionDoc, '_id' | 'courseId' | 'title' | 'version' | 'termIds'>;
  /** The planning input, as `readSectionState` returns it for the push. */
  state: SectionState;
  course: CourseSnapshot;
  options: PushOptions;
  assignments: readonly TermAssignment[];
  scores: readonly SectionScore[];
  /** The calendar's terms in date order, which cumulative grading follows. */
  calendarTerms: readonly TermDoc[];
}

/** Plans the push for one section and computes the grade impact of the planned setup. */
export function previewSection(input: SectionPreviewInput): SectionPreview {
  const { section, state } = input;
  const plan = planSectionPush(input.course, state, input.options);
  const hasScores = input.assignments.length > 0 && input.scores.length > 0;
  return {
    sectionId: section._id,
    courseId: section.courseId,
    title: section.title,
    version: section.version,
    outcome: plan.needsWrite ? 'updated' : 'unchanged',
    changedItems: plan.changedItems,
    categoryChanges: plan.categoryChanges,
    gradeCalcOptions: plan.gradeCalcOptions,
    composites: plan.composites,
    advisory: plan.advisory,
    after: plan.setup,
    grades: hasScores ? sectionGradeImpact(state.setup, plan.setup, input) : null,
  };
}

function sectionGradeImpact(
  before: SectionSetup,
  after: SectionSetup,
  input: SectionPreviewInput,
): SectionGradeImpact {
  const termOrder = input.calendarTerms.map((term) => term.id);
  const titles = new Map(input.calendarTerms.map((term) => [term.id, term.title]));
  const changedStudents = new Set<string>();
  const terms: TermGradeImpact[] = [];

  for (const termId of termsToGrade(input.section.termIds, input.assignments, termOrder)) {
    const impact = gradeImpact(before, after, termId, input.assignments, input.scores, termOrder);
    if (impact.students.length === 0) {
      continue;
    }
    for (const student of impact.students) {
      if (student.changed) {
        changedStudents.add(student.studentId);
      }
    }
    terms.push({
      termId,
      title: titles.get(termId) ?? null,
      students: impact.students,
      changedCount: impact.changedCount,
    });
  }
  return { terms, studentsWithGradeChanges: changedStudents.size };
}

/**
 * Lists the terms whose grades the preview shows: the section's terms and the terms of its
 * assignments, in calendar order, then unknown ones by id. When neither names a term, every
 * assignment is for the whole section and counts in each term, so all calendar terms are listed.
 */
export function termsToGrade(
  sectionTermIds: readonly string[],
  assignments: readonly TermAssignment[],
  termOrder: readonly string[],
): string[] {
  const termIds = new Set(sectionTermIds);
  for (const assignment of assignments) {
    if (assignment.termId !== null) {
      termIds.add(assignment.termId);
    }
  }
  if (termIds.size === 0) {
    return [...termOrder];
  }
  const position = (termId: string): number => {
    const index = termOrder.indexOf(termId);
    return index < 0 ? termOrder.length : index;
  };
  return [...termIds].sort(
    (left, right) => position(left) - position(right) || compareText(left, right),
  );
}

function compareText(left: string, right: string): number {
  if (left < right) {
    return -1;
  }
  return left > right ? 1 : 0;
}
