import test from 'ava';

import {
  planMasterPush,
  type KeptCourseCategory,
  type MasterPushOptions,
} from '../../src/domain/master-push.js';
import { NO_LOCKS, type ItemLocks } from '../../src/domain/master-rules.js';
import {
  EMPTY_SETUP,
  PUSH_ITEMS,
  type CourseCategory,
  type GradeCalcOption,
  type GradingSetup,
  type PushItem,
} from '../../src/domain/setup.js';

function category(id: string, name: string, sequence: number, weight = 1): CourseCategory {
  return { id, name, weight, sequence };
}

const tests = category('tests', 'Tests', 1, 2);
const homework = category('hw', 'Homework', 2);
const labs = category('labs', 'Labs', 3);
const quizzes = category('quizzes', 'Quizzes', 4);

const option: GradeCalcOption = {
  termId: 't1',
  calculationType: 'inProgress',
  gradingScale: 'A-F',
  weightCategories: true,
  useScorePercent: false,
  limitToLastN: null,
  cumulativeStartTermId: null,
};

const masterSetup: GradingSetup = {
  categories: [tests, homework],
  gradeCalcOptions: [option],
  composites: [{ taskId: 'year', name: 'Year', children: [{ taskId: 't1', weight: 1 }] }],
  advisory: true,
};

const courseSetup: GradingSetup = {
  ...EMPTY_SETUP,
  categories: [category('tests', 'Exams', 1), quizzes],
  advisory: false,
};

const CATEGORIES_LOCKED: ItemLocks = { ...NO_LOCKS, categories: true };
const LOCKED_ONLY: MasterPushOptions = { mode: 'lockedOnly', items: [...PUSH_ITEMS] };
const OVERWRITE: MasterPushOptions = { mode: 'overwrite', items: [...PUSH_ITEMS] };

interface PlanCase {
  name: string;
  locks: ItemLocks;
  course: GradingSetup;
  options: MasterPushOptions;
  assignments?: Record<string, number>;
  pushedItems: PushItem[];
  changedItems: PushItem[];
  categories: CourseCategory[];
  advisory: boolean;
  residual: KeptCourseCategory[];
}

const planCases: PlanCase[] = [
  {
    name: 'lockedOnly replaces only locked items',
    locks: CATEGORIES_LOCKED,
    course: courseSetup,
    options: LOCKED_ONLY,
    pushedItems: ['categories'],
    changedItems: ['categories'],
    categories: [tests, homework],
    advisory: false,
    residual: [],
  },
  {
    name: 'lockedOnly with nothing locked changes nothing',
    locks: NO_LOCKS,
    course: courseSetup,
    options: LOCKED_ONLY,
    pushedItems: [],
    changedItems: [],
    categories: courseSetup.categories,
    advisory: false,
    residual: [],
  },
  {
    name: 'lockedOnly skips unselected locked item',
    locks: { ...CATEGORIES_LOCKED, advisory: true },
    course: courseSetup,
    options: { mode: 'lockedOnly', items: ['advisory'] },
    pushedItems: ['advisory'],
    changedItems: ['advisory'],
    categories: courseSetup.categories,
    advisory: true,
    residual: [],
  },
  {
    name: 'overwrite replaces every selected item',
    locks: NO_LOCKS,
    course: courseSetup,
    options: OVERWRITE,
    pushedItems: [...PUSH_ITEMS],
    changedItems: [...PUSH_ITEMS],
    categories: [tests, homework],
    advisory: true,
    residual: [],
  },
  {
    name: 'overwrite limited to selected items',
    locks: NO_LOCKS,
    course: courseSetup,
    options: { mode: 'overwrite', items: ['advisory'] },
    pushedItems: ['advisory'],
    changedItems: ['advisory'],
    categories: courseSetup.categories,
    advisory: true,
    residual: [],
  },
  {
    name: 'overwrite keeps used course category',
    locks: NO_LOCKS,
    course: courseSetup,
    options: { mode: 'overwrite', items: ['categories'] },
    assignments: { quizzes: 4, tests: 9 },
    pushedItems: ['categories'],
    changedItems: ['categories'],
    categories: [tests, homework, quizzes],
    advisory: false,
    residual: [{ categoryId: 'quizzes', name: 'Quizzes', renamedFrom: null, assignmentCount: 4 }],
  },
  {
    name: 'lockedOnly keeps used course category',
    locks: CATEGORIES_LOCKED,
    course: courseSetup,
    options: LOCKED_ONLY,
    assignments: { quizzes: 1 },
    pushedItems: ['categories'],
    changedItems: ['categories'],
    categories: [tests, homework, quizzes],
    advisory: false,
    residual: [{ categoryId: 'quizzes', name: 'Quizzes', renamedFrom: null, assignmentCount: 1 }],
  },
  {
    name: 'kept category renamed on name clash',
    locks: CATEGORIES_LOCKED,
    course: { ...courseSetup, categories: [category('old-hw', 'homework', 5), labs] },
    options: LOCKED_ONLY,
    assignments: { 'old-hw': 2 },
    pushedItems: ['categories'],
    changedItems: ['categories'],
    categories: [tests, homework, category('old-hw', 'homework (1)', 5)],
    advisory: false,
    residual: [
      { categoryId: 'old-hw', name: 'homework (1)', renamedFrom: 'homework', assignmentCount: 2 },
    ],
  },
  {
    name: 'same content in another order is no change',
    locks: CATEGORIES_LOCKED,
    course: { ...courseSetup, categories: [homework, tests] },
    options: LOCKED_ONLY,
    pushedItems: ['categories'],
    changedItems: [],
    categories: [homework, tests],
    advisory: false,
    residual: [],
  },
];

for (const planCase of planCases) {
  test(`master push: ${planCase.name}`, (t) => {
    const plan = planMasterPush(
      { setup: masterSetup, locks: planCase.locks },
      planCase.course,
      planCase.options,
      planCase.assignments ?? {},
    );

    t.deepEqual(plan.pushedItems, planCase.pushedItems, 'pushedItems');
    t.deepEqual(plan.changedItems, planCase.changedItems, 'changedItems');
    t.deepEqual(plan.setup.categories, planCase.categories, 'categories');
    t.is(plan.setup.advisory, planCase.advisory, 'advisory');
    t.deepEqual(plan.residual, planCase.residual, 'residual');
  });
}

test('master push: overwrite copies calc options and composites', (t) => {
  const plan = planMasterPush({ setup: masterSetup, locks: NO_LOCKS }, courseSetup, OVERWRITE, {});

  t.deepEqual(plan.setup.gradeCalcOptions, masterSetup.gradeCalcOptions);
  t.deepEqual(plan.setup.composites, masterSetup.composites);
  t.not(plan.setup.composites[0], masterSetup.composites[0]);
});

test('master push: planning again changes nothing', (t) => {
  const master = { setup: masterSetup, locks: NO_LOCKS };
  const assignments = { quizzes: 3 };
  const first = planMasterPush(master, courseSetup, OVERWRITE, assignments);

  const second = planMasterPush(master, first.setup, OVERWRITE, assignments);

  t.deepEqual(second.changedItems, []);
  t.deepEqual(second.setup, first.setup);
  t.deepEqual(
    second.residual.map((kept) => kept.categoryId),
    ['quizzes'],
  );
});

test('master push: unpushed items keep course values', (t) => {
  const plan = planMasterPush(
    { setup: masterSetup, locks: CATEGORIES_LOCKED },
    courseSetup,
    LOCKED_ONLY,
    {},
  );

  t.is(plan.setup.gradeCalcOptions, courseSetup.gradeCalcOptions);
  t.is(plan.setup.composites, courseSetup.composites);
});
