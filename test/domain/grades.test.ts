import test from 'ava';

import {
  computeGrade,
  computeSectionGrades,
  gradeImpact,
  roundPercent,
  type GradeOptions,
  type GradeSetup,
  type GradedAssignment,
  type SectionScore,
  type StudentScore,
  type TermAssignment,
} from '../../src/domain/grades.js';
import type { GradeCalcOption, SectionCategory } from '../../src/domain/setup.js';

const POINTS: GradeOptions = {
  weightCategories: false,
  useScorePercent: false,
  limitToLastN: null,
};
const PERCENT: GradeOptions = { ...POINTS, useScorePercent: true };
const WEIGHTED: GradeOptions = { ...POINTS, weightCategories: true };

function assignment(
  id: string,
  possiblePoints: number,
  categoryId: string | null = null,
  dueDate: string | null = null,
): GradedAssignment {
  return { id, categoryId, dueDate, possiblePoints };
}

function score(assignmentId: string, value: number | null, exempt = false): StudentScore {
  return { assignmentId, score: value, exempt };
}

test('computeGrade: points', (t) => {
  // (8 + 15) / (10 + 20) = 23 / 30 = 76.666... -> 76.67
  const grade = computeGrade({
    assignments: [assignment('a1', 10), assignment('a2', 20)],
    scores: [score('a1', 8), score('a2', 15)],
    categories: [],
    options: POINTS,
  });
  t.is(grade, 76.67);
});

test('computeGrade: score percent', (t) => {
  // (8/10 = 80% + 15/20 = 75%) / 2 = 77.5
  const grade = computeGrade({
    assignments: [assignment('a1', 10), assignment('a2', 20)],
    scores: [score('a1', 8), score('a2', 15)],
    categories: [],
    options: PERCENT,
  });
  t.is(grade, 77.5);
});

test('computeGrade: exempt not counted', (t) => {
  // a2 is exempt, so only a1 counts: 8 / 10 = 80
  const grade = computeGrade({
    assignments: [assignment('a1', 10), assignment('a2', 20)],
    scores: [score('a1', 8), score('a2', 2, true)],
    categories: [],
    options: POINTS,
  });
  t.is(grade, 80);
});

test('computeGrade: unscored not counted', (t) => {
  // a2 has no score yet and a3 has none at all: 8 / 10 = 80
  const grade = computeGrade({
    assignments: [assignment('a1', 10), assignment('a2', 20), assignment('a3', 5)],
    scores: [score('a1', 8), score('a2', null)],
    categories: [],
    options: POINTS,
  });
  t.is(grade, 80);
});

test('computeGrade: nothing scored is null', (t) => {
  const assignments = [assignment('a1', 10)];
  t.is(computeGrade({ assignments, scores: [], categories: [], options: POINTS }), null);
  t.is(
    computeGrade({ assignments, scores: [score('a1', 5, true)], categories: [], options: POINTS }),
    null,
  );
  t.is(
    computeGrade({ assignments: [], scores: [score('a1', 5)], categories: [], options: POINTS }),
    null,
  );
});

test('computeGrade: last score of an assignment counts', (t) => {
  // The second score replaces the first: 9 / 10 = 90
  const grade = computeGrade({
    assignments: [assignment('a1', 10)],
    scores: [score('a1', 4), score('a1', 9)],
    categories: [],
    options: POINTS,
  });
  t.is(grade, 90);
});

const dated = [
  assignment('a1', 10, null, '2024-09-02'),
  assignment('a2', 10, null, '2024-09-09'),
  assignment('a3', 10, null, '2024-09-16'),
  assignment('a4', 10, null, null),
];

test('computeGrade: limit to last N', (t) => {
  // The 2 latest are a3 (8) and a2 (10): 18 / 20 = 90
  const grade = computeGrade({
    assignments: dated,
    scores: [score('a1', 5), score('a2', 10), score('a3', 8)],
    categories: [],
    options: { ...POINTS, limitToLastN: 2 },
  });
  t.is(grade, 90);
});

test('computeGrade: last N skips unscored', (t) => {
  // a3 is not scored, so the 2 latest scored are a2 (10) and a1 (5): 15 / 20 = 75
  const grade = computeGrade({
    assignments: dated,
    scores: [score('a1', 5), score('a2', 10), score('a3', null)],
    categories: [],
    options: { ...POINTS, limitToLastN: 2 },
  });
  t.is(grade, 75);
});

test('computeGrade: last N drops undated first', (t) => {
  // a4 has no due date, so it counts as oldest: the 3 latest are a1, a2, a3 = 23 / 30 = 76.67
  const grade = computeGrade({
    assignments: dated,
    scores: [score('a1', 5), score('a2', 10), score('a3', 8), score('a4', 0)],
    categories: [],
    options: { ...POINTS, limitToLastN: 3 },
  });
  t.is(grade, 76.67);
});

test('computeGrade: last N above count keeps all', (t) => {
  // (5 + 10) / 20 = 75
  const grade = computeGrade({
    assignments: dated,
    scores: [score('a1', 5), score('a2', 10)],
    categories: [],
    options: { ...POINTS, limitToLastN: 10 },
  });
  t.is(grade, 75);
});

const weightedAssignments = [
  assignment('t1', 50, 'tests'),
  assignment('h1', 4, 'hw'),
  assignment('h2', 6, 'hw'),
  assignment('q1', 10, 'quizzes'),
];
const weightedScores = [score('t1', 45), score('h1', 4), score('h2', 3)];
const weightedCategories = [
  { id: 'tests', weight: 2 },
  { id: 'hw', weight: 1 },
  { id: 'quizzes', weight: 3 },
];

test('computeGrade: weighted with empty category', (t) => {
  // Tests 45/50 = 90%, Homework (4+3)/(4+6) = 70%, Quizzes has no score and drops out:
  // (90 x 2 + 70 x 1) / (2 + 1) = 250 / 3 = 83.333... -> 83.33
  const grade = computeGrade({
    assignments: weightedAssignments,
    scores: weightedScores,
    categories: weightedCategories,
    options: WEIGHTED,
  });
  t.is(grade, 83.33);
});

test('computeGrade: weights ignored when off', (t) => {
  // (45 + 4 + 3) / (50 + 4 + 6) = 52 / 60 = 86.666... -> 86.67
  const grade = computeGrade({
    assignments: weightedAssignments,
    scores: weightedScores,
    categories: weightedCategories,
    options: POINTS,
  });
  t.is(grade, 86.67);
});

test('computeGrade: weighted score percent', (t) => {
  // Tests 90%, Homework (4/4 = 100% + 3/6 = 50%) / 2 = 75%:
  // (90 x 2 + 75 x 1) / 3 = 255 / 3 = 85
  const grade = computeGrade({
    assignments: weightedAssignments,
    scores: weightedScores,
    categories: weightedCategories,
    options: { ...WEIGHTED, useScorePercent: true },
  });
  t.is(grade, 85);
});

test('computeGrade: weighted leaves out uncategorized', (t) => {
  // x1 has no category and x2's category is unknown, so only Tests counts: 45/50 = 90
  const grade = computeGrade({
    assignments: [
      assignment('t1', 50, 'tests'),
      assignment('x1', 10),
      assignment('x2', 10, 'removed'),
    ],
    scores: [score('t1', 45), score('x1', 0), score('x2', 0)],
    categories: weightedCategories,
    options: WEIGHTED,
  });
  t.is(grade, 90);
});

test('computeGrade: weighted zero weights is null', (t) => {
  const grade = computeGrade({
    assignments: [assignment('t1', 50, 'tests')],
    scores: [score('t1', 45)],
    categories: [{ id: 'tests', weight: 0 }],
    options: WEIGHTED,
  });
  t.is(grade, null);
});

test('computeGrade: zero-point assignment', (t) => {
  // Points: (10 + 2) / (10 + 0) = 120. Score percent leaves out a 0-point assignment: 100
  const input = {
    assignments: [assignment('a1', 10), assignment('bonus', 0)],
    scores: [score('a1', 10), score('bonus', 2)],
    categories: [],
  };
  t.is(computeGrade({ ...input, options: POINTS }), 120);
  t.is(computeGrade({ ...input, options: PERCENT }), 100);
});

test('roundPercent: two decimals half up', (t) => {
  t.is(roundPercent(1.005), 1.01);
  t.is(roundPercent(200 / 3), 66.67);
  t.is(roundPercent(80), 80);
  t.is(roundPercent(1e-7), 0);
});

function option(overrides: Partial<GradeCalcOption> = {}): GradeCalcOption {
  return {
    termId: 'q2',
    calculationType: 'inProgress',
    gradingScale: null,
    weightCategories: false,
    useScorePercent: false,
    limitToLastN: null,
    cumulativeStartTermId: null,
    ...overrides,
  };
}

function category(id: string, weight: number): SectionCategory {
  return { id, name: id, weight, sequence: 0, locked: true, courseCategoryId: id };
}

function termAssignment(
  id: string,
  termId: string | null,
  possiblePoints: number,
  categoryId: string | null = null,
): TermAssignment {
  return { id, termId, categoryId, dueDate: null, possiblePoints };
}

function sectionScore(studentId: string, assignmentId: string, value: number): SectionScore {
  return { studentId, assignmentId, score: value, exempt: false };
}

const termAssignments = [
  termAssignment('q1-a', 'q1', 10),
  termAssignment('q2-a', 'q2', 10),
  termAssignment('any', null, 10),
];
const termScores = [
  sectionScore('s2', 'q1-a', 2),
  sectionScore('s2', 'q2-a', 6),
  sectionScore('s1', 'q2-a', 8),
  sectionScore('s1', 'any', 10),
  sectionScore('s3', 'q1-a', 10),
];

test('computeSectionGrades: one term', (t) => {
  // s1: q2-a and the assignment without a term, (8 + 10) / 20 = 90; s2: q2-a only, 6/10 = 60.
  // s3 has scores in q1 only and is not listed.
  const grades = computeSectionGrades(
    { categories: [], gradeCalcOptions: [option()] },
    'q2',
    termAssignments,
    termScores,
  );
  t.deepEqual(grades, [
    { studentId: 's1', grade: 90 },
    { studentId: 's2', grade: 60 },
  ]);
});

test('computeSectionGrades: cumulative from q1', (t) => {
  // s1: 90 as in q2 alone; s2: (2 + 6) / 20 = 40; s3: 10/10 = 100
  const grades = computeSectionGrades(
    { categories: [], gradeCalcOptions: [option({ cumulativeStartTermId: 'q1' })] },
    'q2',
    termAssignments,
    termScores,
    ['q1', 'q2', 'q3'],
  );
  t.deepEqual(grades, [
    { studentId: 's1', grade: 90 },
    { studentId: 's2', grade: 40 },
    { studentId: 's3', grade: 100 },
  ]);
});

test('computeSectionGrades: cumulative needs term order', (t) => {
  const grades = computeSectionGrades(
    { categories: [], gradeCalcOptions: [option({ cumulativeStartTermId: 'q1' })] },
    'q2',
    termAssignments,
    termScores,
  );
  t.is(grades.length, 2);
});

test('computeSectionGrades: no in-progress option', (t) => {
  for (const gradeCalcOptions of [[], [option({ calculationType: 'none' })]]) {
    const grades = computeSectionGrades(
      { categories: [], gradeCalcOptions },
      'q2',
      termAssignments,
      termScores,
    );
    t.deepEqual(
      grades.map((entry) => entry.grade),
      [null, null],
    );
  }
});

test('gradeImpact: weight change', (t) => {
  const assignments = [termAssignment('t', 'q2', 10, 'tests'), termAssignment('h', 'q2', 10, 'hw')];
  const scores = [
    sectionScore('s1', 't', 9),
    sectionScore('s1', 'h', 7),
    sectionScore('s2', 't', 8),
    sectionScore('s2', 'h', 8),
  ];
  const gradeCalcOptions = [option({ weightCategories: true })];
  const before: GradeSetup = {
    categories: [category('tests', 1), category('hw', 1)],
    gradeCalcOptions,
  };
  const after: GradeSetup = {
    categories: [category('tests', 3), category('hw', 1)],
    gradeCalcOptions,
  };
  // s1 before: (90 + 70) / 2 = 80; after: (90 x 3 + 70) / 4 = 340 / 4 = 85.
  // s2: 80 under both, because both categories are at 80%.
  const impact = gradeImpact(before, after, 'q2', assignments, scores);
  t.deepEqual(impact.students, [
    { studentId: 's1', before: 80, after: 85, changed: true },
    { studentId: 's2', before: 80, after: 80, changed: false },
  ]);
  t.is(impact.changedCount, 1);
});

test('gradeImpact: removed category', (t) => {
  // After the push the "extra" category is gone, so its assignment has no weight:
  // before (100 + 50) / 2 = 75; after only Tests counts = 100
  const assignments = [
    termAssignment('t', 'q2', 10, 'tests'),
    termAssignment('x', 'q2', 10, 'extra'),
  ];
  const scores = [sectionScore('s1', 't', 10), sectionScore('s1', 'x', 5)];
  const gradeCalcOptions = [option({ weightCategories: true })];
  const impact = gradeImpact(
    { categories: [category('tests', 1), category('extra', 1)], gradeCalcOptions },
    { categories: [category('tests', 1)], gradeCalcOptions },
    'q2',
    assignments,
    scores,
  );
  t.deepEqual(impact.students, [{ studentId: 's1', before: 75, after: 100, changed: true }]);
  t.is(impact.changedCount, 1);
});

test('gradeImpact: cumulative start added', (t) => {
  // s3 has q1 scores only, so it gets a grade only after the push: null -> 100
  const impact = gradeImpact(
    { categories: [], gradeCalcOptions: [option()] },
    { categories: [], gradeCalcOptions: [option({ cumulativeStartTermId: 'q1' })] },
    'q2',
    termAssignments,
    termScores,
    ['q1', 'q2'],
  );
  t.deepEqual(impact.students, [
    { studentId: 's1', before: 90, after: 90, changed: false },
    { studentId: 's2', before: 60, after: 40, changed: true },
    { studentId: 's3', before: null, after: 100, changed: true },
  ]);
  t.is(impact.changedCount, 2);
});
