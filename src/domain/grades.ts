/**
 * The in-progress grade calculator that push previews and impact reports use. Pure: no I/O and
 * no clock, because Temporal workflow code imports it. Grades are percents (0-100, above 100
 * with extra credit) rounded to two decimals.
 */
import type { GradeCalcOption, SectionSetup } from './setup.js';

export interface GradedAssignment {
  id: string;
  /** Section category id, or null for an assignment without a category. */
  categoryId: string | null;
  /** ISO 8601 date or date-time, or null when the assignment has no due date. */
  dueDate: string | null;
  possiblePoints: number;
}

export interface StudentScore {
  assignmentId: string;
  /** Null while the assignment is not scored yet. */
  score: number | null;
  exempt: boolean;
}

export interface CategoryWeight {
  id: string;
  /** A ratio: categories weighted 2 and 1 count two to one. */
  weight: number;
}

export type GradeOptions = Pick<
  GradeCalcOption,
  'weightCategories' | 'useScorePercent' | 'limitToLastN'
>;

export interface GradeInput {
  assignments: readonly GradedAssignment[];
  /** One student's scores; where an assignment has several, the last one counts. */
  scores: readonly StudentScore[];
  categories: readonly CategoryWeight[];
  options: GradeOptions;
}

interface ScoredAssignment {
  assignment: GradedAssignment;
  score: number;
}

/**
 * Computes one student's in-progress grade, or null when nothing counts.
 *
 * A score counts when it is present, finite and not exempt. Without `useScorePercent` the
 * grade is total score / total possible points, and an assignment worth 0 points adds extra
 * credit. With it, the grade is the mean of per-assignment percents, which leaves out
 * assignments worth 0 points. `limitToLastN` keeps the N scored assignments with the latest
 * due dates, taken across all categories. With `weightCategories`, each category that has
 * counted scores gives a percent by the same method, and the grade is the weight-weighted
 * mean of those percents.
 */
export function computeGrade(input: GradeInput): number | null {
  const { options } = input;
  let scored = collectScored(input.assignments, input.scores);
  if (options.limitToLastN !== null) {
    scored = scored.sort(compareLatestFirst).slice(0, options.limitToLastN);
  }

  if (!options.weightCategories) {
    const percent = percentOf(scored, options.useScorePercent);
    return percent === null ? null : roundPercent(percent);
  }

  // Assignments without a category, or whose category is not in `categories` (one a push
  // removed, say), have no weight, so weighted grades leave them out.
  const weights = new Map(input.categories.map((category) => [category.id, category.weight]));
  const byCategory = new Map<string, ScoredAssignment[]>();
  for (const entry of scored) {
    const categoryId = entry.assignment.categoryId;
    if (categoryId === null || !weights.has(categoryId)) {
      continue;
    }
    const group = byCategory.get(categoryId) ?? [];
    group.push(entry);
    byCategory.set(categoryId, group);
  }

  let weightedSum = 0;
  let weightTotal = 0;
  for (const [categoryId, group] of byCategory) {
    const percent = percentOf(group, options.useScorePercent);
    const weight = weights.get(categoryId) ?? 0;
    if (percent === null) {
      continue;
    }
    weightedSum += percent * weight;
    weightTotal += weight;
  }
  // When every category with scores weighs 0, no weighted grade exists.
  return weightTotal > 0 ? roundPercent(weightedSum / weightTotal) : null;
}

/** A section's assignment, with the term whose grade it counts in. */
export interface TermAssignment extends GradedAssignment {
  /** Null for an assignment of the whole section, which counts in every term. */
  termId: string | null;
}

export interface SectionScore extends StudentScore {
  studentId: string;
}

export interface StudentGrade {
  studentId: string;
  grade: number | null;
}

/** The parts of a section setup that grades depend on. */
export type GradeSetup = Pick<SectionSetup, 'categories' | 'gradeCalcOptions'>;

/**
 * Computes the term grade of every student who has a score on an assignment of that term,
 * ordered by student id.
 *
 * Grades are null for all students unless the setup has grade calc options for the term with
 * calculation type `inProgress`, because other types are not calculated here. With
 * `cumulativeStartTermId`, assignments from that term through `termId` count; this needs
 * `termOrder`, the calendar's term ids in date order, and without it only `termId` counts.
 */
export function computeSectionGrades(
  setup: GradeSetup,
  termId: string,
  assignments: readonly TermAssignment[],
  scores: readonly SectionScore[],
  termOrder: readonly string[] = [],
): StudentGrade[] {
  const terms = gradedTerms(setup, termId, termOrder);
  const included = assignments.filter(
    (assignment) => assignment.termId === null || terms.has(assignment.termId),
  );
  const includedIds = new Set(included.map((assignment) => assignment.id));

  const scoresByStudent = new Map<string, SectionScore[]>();
  for (const score of scores) {
    if (!includedIds.has(score.assignmentId)) {
      continue;
    }
    const list = scoresByStudent.get(score.studentId) ?? [];
    list.push(score);
    scoresByStudent.set(score.studentId, list);
  }

  const option = setup.gradeCalcOptions.find((candidate) => candidate.termId === termId);
  const studentIds = [...scoresByStudent.keys()].sort(compareText);
  return studentIds.map((studentId) => {
    if (option === undefined || option.calculationType !== 'inProgress') {
      return { studentId, grade: null };
    }
    const grade = computeGrade({
      assignments: included,
      scores: scoresByStudent.get(studentId) ?? [],
      categories: setup.categories,
      options: option,
    });
    return { studentId, grade };
  });
}

export interface StudentGradeImpact {
  studentId: string;
  before: number | null;
  after: number | null;
  changed: boolean;
}

export interface GradeImpact {
  /** Every student with a score on a counted assignment under either setup, by student id. */
  students: StudentGradeImpact[];
  changedCount: number;
}

/**
 * Computes each student's term grade under the section's setup before and after a push, for a
 * preview of what the push changes.
 */
export function gradeImpact(
  beforeSetup: GradeSetup,
  afterSetup: GradeSetup,
  termId: string,
  assignments: readonly TermAssignment[],
  scores: readonly SectionScore[],
  termOrder: readonly string[] = [],
): GradeImpact {
  const before = computeSectionGrades(beforeSetup, termId, assignments, scores, termOrder);
  const after = computeSectionGrades(afterSetup, termId, assignments, scores, termOrder);
  // Cumulative grading can differ between the setups, so either list may contain extra students.
  const beforeGrades = new Map(before.map((entry) => [entry.studentId, entry.grade]));
  const afterGrades = new Map(after.map((entry) => [entry.studentId, entry.grade]));
  const studentIds = [...new Set([...beforeGrades.keys(), ...afterGrades.keys()])].sort(
    compareText,
  );
  const students = studentIds.map((studentId): StudentGradeImpact => {
    const beforeGrade = beforeGrades.get(studentId) ?? null;
    const afterGrade = afterGrades.get(studentId) ?? null;
    return {
      studentId,
      before: beforeGrade,
      after: afterGrade,
      changed: beforeGrade !== afterGrade,
    };
  });
  return { students, changedCount: students.filter((student) => student.changed).length };
}

/** Rounds a percent to two decimals, half up, on its decimal form (so 1.005 gives 1.01). */
export function roundPercent(value: number): number {
  const text = String(value);
  if (text.includes('e')) {
    return Math.round(value * 100) / 100;
  }
  return Number(`${Math.round(Number(`${text}e2`))}e-2`);
}

function collectScored(
  assignments: readonly GradedAssignment[],
  scores: readonly StudentScore[],
): ScoredAssignment[] {
  const latestScores = new Map<string, StudentScore>();
  for (const score of scores) {
    latestScores.set(score.assignmentId, score);
  }
  const scored: ScoredAssignment[] = [];
  for (const assignment of assignments) {
    const entry = latestScores.get(assignment.id);
    if (entry === undefined || entry.exempt || entry.score === null) {
      continue;
    }
    if (!Number.isFinite(entry.score)) {
      continue;
    }
    scored.push({ assignment, score: entry.score });
  }
  return scored;
}

/** Returns the unrounded percent of a set of scores, or null when it has none that count. */
function percentOf(scored: readonly ScoredAssignment[], useScorePercent: boolean): number | null {
  if (useScorePercent) {
    const percents = scored
      .filter((entry) => entry.assignment.possiblePoints > 0)
      .map((entry) => (entry.score / entry.assignment.possiblePoints) * 100);
    if (percents.length === 0) {
      return null;
    }
    return percents.reduce((sum, percent) => sum + percent, 0) / percents.length;
  }

  let points = 0;
  let possible = 0;
  for (const entry of scored) {
    points += entry.score;
    possible += entry.assignment.possiblePoints;
  }
  return possible > 0 ? (points / possible) * 100 : null;
}

/**
 * Orders by due date, latest first, then by assignment id. Undated assignments count as the
 * oldest. Dates compare as text, because ISO 8601 text of one form sorts chronologically and
 * Date.parse would read a date-time without an offset in the local time zone.
 */
function compareLatestFirst(left: ScoredAssignment, right: ScoredAssignment): number {
  const leftDue = left.assignment.dueDate;
  const rightDue = right.assignment.dueDate;
  if (leftDue !== rightDue) {
    if (leftDue === null) {
      return 1;
    }
    if (rightDue === null) {
      return -1;
    }
    return compareText(rightDue, leftDue);
  }
  return compareText(left.assignment.id, right.assignment.id);
}

function gradedTerms(setup: GradeSetup, termId: string, termOrder: readonly string[]): Set<string> {
  const option = setup.gradeCalcOptions.find((candidate) => candidate.termId === termId);
  const startTermId = option?.cumulativeStartTermId ?? null;
  if (startTermId === null) {
    return new Set([termId]);
  }
  const start = termOrder.indexOf(startTermId);
  const end = termOrder.indexOf(termId);
  if (start < 0 || end < start) {
    return new Set([termId]);
  }
  return new Set(termOrder.slice(start, end + 1));
}

function compareText(left: string, right: string): number {
  if (left < right) {
    return -1;
  }
  return left > right ? 1 : 0;
}
