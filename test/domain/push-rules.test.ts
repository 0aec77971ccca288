import test from 'ava';

import {
  DEFAULT_PUSH_OPTIONS,
  planSectionPush,
  sectionCategoryIdFor,
  type CategoryChange,
  type CourseSnapshot,
  type PushOptions,
  type SectionPushPlan,
  type SectionState,
} from '../../src/domain/push-rules.js';
import {
  CATEGORY_NAME_MAX,
  EMPTY_SECTION_SETUP,
  EMPTY_SETUP,
  PUSH_ITEMS,
  categoryNameKey,
  type Composite,
  type CourseCategory,
  type GradeCalcOption,
  type GradingSetup,
  type ItemVersions,
  type PushItem,
  type SectionCategory,
  type SectionSetup,
} from '../../src/domain/setup.js';

const VERSIONS: ItemVersions = { categories: 3, gradeCalcOptions: 2, composites: 5, advisory: 1 };
const CATEGORIES_ONLY: PushOptions = { items: ['categories'], overwriteCategories: false };
const OVERWRITE: PushOptions = { items: ['categories'], overwriteCategories: true };

function courseCategory(id: string, name: string, sequence: number, weight = 1): CourseCategory {
  return { id, name, weight, sequence };
}

function makeCourse(
  categories: CourseCategory[],
  setup: Partial<GradingSetup> = {},
): CourseSnapshot {
  return { courseId: 'c1', setup: { ...EMPTY_SETUP, categories, ...setup }, versions: VERSIONS };
}

/** Builds the locked copy that a push makes of a course category. */
function copyOf(category: CourseCategory): SectionCategory {
  return {
    id: sectionCategoryIdFor(category.id),
    name: category.name,
    weight: category.weight,
    sequence: category.sequence,
    locked: true,
    courseCategoryId: category.id,
  };
}

function teacherCategory(id: string, name: string, sequence = 10, weight = 1): SectionCategory {
  return { id, name, weight, sequence, locked: false, courseCategoryId: null };
}

function makeSection(
  categories: SectionCategory[],
  assignmentCounts: Record<string, number> = {},
  setup: Partial<SectionSetup> = {},
  received: SectionState['received'] = {},
): SectionState {
  return {
    setup: { ...EMPTY_SECTION_SETUP, categories, ...setup },
    received,
    assignmentCounts,
  };
}

/** Builds received versions that match every item of the course. */
function allReceived(course: CourseSnapshot): SectionState['received'] {
  const received: SectionState['received'] = {};
  for (const item of PUSH_ITEMS) {
    received[item] = { version: course.versions[item] };
  }
  return received;
}

/** Returns the section as it is after the plan is written. */
function applyPlan(
  course: CourseSnapshot,
  section: SectionState,
  plan: SectionPushPlan,
): SectionState {
  const received = { ...section.received };
  for (const item of plan.receivedItems) {
    received[item] = { version: course.versions[item] };
  }
  return { setup: plan.setup, received, assignmentCounts: section.assignmentCounts };
}

function withoutResidual(changes: CategoryChange[]): CategoryChange[] {
  return changes.filter((change) => change.kind !== 'residual');
}

function nameKeys(categories: SectionCategory[]): string[] {
  return categories.map((category) => categoryNameKey(category.name));
}

const homework = courseCategory('hw', 'Homework', 1);
const tests = courseCategory('tests', 'Tests', 2, 2);

test('DEFAULT_PUSH_OPTIONS selects all items', (t) => {
  t.deepEqual(DEFAULT_PUSH_OPTIONS.items, [...PUSH_ITEMS]);
  t.false(DEFAULT_PUSH_OPTIONS.overwriteCategories);
});

test('sectionCategoryIdFor is deterministic', (t) => {
  t.is(sectionCategoryIdFor('hw'), 'course:hw');
  t.is(sectionCategoryIdFor('hw'), sectionCategoryIdFor('hw'));
});

interface LinkCase {
  name: string;
  course: CourseCategory[];
  section: SectionCategory[];
  categories: SectionCategory[];
  changes: CategoryChange[];
}

const linkCases: LinkCase[] = [
  {
    name: 'first push adds locked copies',
    course: [homework, tests],
    section: [],
    categories: [copyOf(homework), copyOf(tests)],
    changes: [
      { kind: 'added', categoryId: 'course:hw', name: 'Homework', weight: 1 },
      { kind: 'added', categoryId: 'course:tests', name: 'Tests', weight: 2 },
    ],
  },
  {
    name: 'course rename renames copy',
    course: [courseCategory('hw', 'Practice', 1)],
    section: [copyOf(homework)],
    categories: [{ ...copyOf(homework), name: 'Practice' }],
    changes: [
      {
        kind: 'updated',
        categoryId: 'course:hw',
        name: 'Practice',
        fields: [{ field: 'name', before: 'Homework', after: 'Practice' }],
      },
    ],
  },
  {
    name: 'weight and sequence follow course',
    course: [courseCategory('hw', 'Homework', 4, 3)],
    section: [copyOf(homework)],
    categories: [{ ...copyOf(homework), weight: 3, sequence: 4 }],
    changes: [
      {
        kind: 'updated',
        categoryId: 'course:hw',
        name: 'Homework',
        fields: [
          { field: 'weight', before: 1, after: 3 },
          { field: 'sequence', before: 1, after: 4 },
        ],
      },
    ],
  },
  {
    name: 'copy with other id keeps it',
    course: [homework],
    section: [{ ...copyOf(homework), id: 'legacy-7', name: 'HW' }],
    categories: [{ ...copyOf(homework), id: 'legacy-7' }],
    changes: [
      {
        kind: 'updated',
        categoryId: 'legacy-7',
        name: 'Homework',
        fields: [{ field: 'name', before: 'HW', after: 'Homework' }],
      },
    ],
  },
  {
    name: 'unlocked copy is locked again',
    course: [homework],
    section: [{ ...copyOf(homework), locked: false }],
    categories: [copyOf(homework)],
    changes: [
      {
        kind: 'updated',
        categoryId: 'course:hw',
        name: 'Homework',
        fields: [{ field: 'locked', before: false, after: true }],
      },
    ],
  },
  {
    name: 'same name is not a link',
    course: [homework],
    section: [teacherCategory('t1', 'Homework', 1)],
    categories: [copyOf(homework), teacherCategory('t1', 'Homework (1)', 1)],
    changes: [
      { kind: 'added', categoryId: 'course:hw', name: 'Homework', weight: 1 },
      { kind: 'renamed', categoryId: 't1', from: 'Homework', to: 'Homework (1)' },
    ],
  },
  {
    name: 'teacher categories stay beside copies',
    course: [homework, tests],
    section: [teacherCategory('t1', 'Participation', 0)],
    categories: [teacherCategory('t1', 'Participation', 0), copyOf(homework), copyOf(tests)],
    changes: [
      { kind: 'added', categoryId: 'course:hw', name: 'Homework', weight: 1 },
      { kind: 'added', categoryId: 'course:tests', name: 'Tests', weight: 2 },
    ],
  },
];

for (const testCase of linkCases) {
  test(`categories link: ${testCase.name}`, (t) => {
    const plan = planSectionPush(
      makeCourse(testCase.course),
      makeSection(testCase.section),
      CATEGORIES_ONLY,
    );
    t.deepEqual(plan.setup.categories, testCase.categories);
    t.deepEqual(plan.categoryChanges, testCase.changes);
    t.deepEqual(plan.residual, []);
    t.deepEqual(plan.changedItems, ['categories']);
  });
}

test('categories link: new copy id avoids taken id', (t) => {
  // A category detached from an earlier course category "hw" still has the id course:hw.
  const detached = teacherCategory('course:hw', 'Old homework', 5);
  const plan = planSectionPush(
    makeCourse([homework]),
    makeSection([detached], { 'course:hw': 4 }),
    CATEGORIES_ONLY,
  );
  const copy = plan.setup.categories.find((category) => category.courseCategoryId === 'hw');
  t.is(copy?.id, 'course:hw#2');
  t.true(plan.setup.categories.some((category) => category.id === 'course:hw'));
});

interface RenameCase {
  name: string;
  course: CourseCategory[];
  section: SectionCategory[];
  /** Expected name of each renamed section category, by id. */
  renamed: Record<string, string>;
}

const longName = 'A'.repeat(CATEGORY_NAME_MAX);
const renameCases: RenameCase[] = [
  {
    name: 'clash gives (1)',
    course: [tests],
    section: [teacherCategory('t1', 'Tests')],
    renamed: { t1: 'Tests (1)' },
  },
  {
    name: 'second clash gives (2)',
    course: [tests],
    section: [teacherCategory('t1', 'Tests'), teacherCategory('t2', 'Tests (1)')],
    renamed: { t1: 'Tests (2)' },
  },
  {
    name: 'course name (1) gives (2)',
    course: [tests, courseCategory('tests1', 'Tests (1)', 3)],
    section: [teacherCategory('t1', 'Tests')],
    renamed: { t1: 'Tests (2)' },
  },
  {
    name: 'case and spaces clash',
    course: [tests],
    section: [teacherCategory('t1', '  tESTS ')],
    renamed: { t1: 'tESTS (1)' },
  },
  {
    name: 'free (n) is the smallest',
    course: [tests],
    section: [
      teacherCategory('t1', 'Tests'),
      teacherCategory('t2', 'Tests (1)'),
      teacherCategory('t3', 'Tests (3)'),
    ],
    renamed: { t1: 'Tests (2)' },
  },
  {
    name: 'two clashes rename both',
    course: [homework, tests],
    section: [teacherCategory('t1', 'Tests'), teacherCategory('t2', 'homework')],
    renamed: { t1: 'Tests (1)', t2: 'homework (1)' },
  },
  {
    name: 'long name is shortened',
    course: [courseCategory('long', longName, 1)],
    section: [teacherCategory('t1', longName)],
    renamed: { t1: `${'A'.repeat(CATEGORY_NAME_MAX - 4)} (1)` },
  },
  {
    name: 'shortened name clash gives (2)',
    course: [courseCategory('long', longName, 1)],
    section: [
      teacherCategory('t1', longName),
      teacherCategory('t2', `${'A'.repeat(CATEGORY_NAME_MAX - 4)} (1)`),
    ],
    renamed: { t1: `${'A'.repeat(CATEGORY_NAME_MAX - 4)} (2)` },
  },
  {
    name: 'shortening drops trailing space',
    course: [courseCategory('long', `${'B'.repeat(45)} CCCC`, 1)],
    section: [teacherCategory('t1', `${'B'.repeat(45)} CCCC`)],
    renamed: { t1: `${'B'.repeat(45)} (1)` },
  },
];

for (const testCase of renameCases) {
  test(`categories rename: ${testCase.name}`, (t) => {
    const plan = planSectionPush(
      makeCourse(testCase.course),
      makeSection(testCase.section),
      CATEGORIES_ONLY,
    );
    for (const [id, expected] of Object.entries(testCase.renamed)) {
      const category = plan.setup.categories.find((candidate) => candidate.id === id);
      t.is(category?.name, expected, id);
      t.true((category?.name.length ?? 0) <= CATEGORY_NAME_MAX, id);
      t.false(category?.locked ?? true, id);
    }
    const renames = plan.categoryChanges.filter((change) => change.kind === 'renamed');
    t.is(renames.length, Object.keys(testCase.renamed).length);
    const keys = nameKeys(plan.setup.categories);
    t.is(new Set(keys).size, keys.length, 'names are unique');
  });
}

interface OverwriteCase {
  name: string;
  section: SectionCategory[];
  counts: Record<string, number>;
  overwrite: boolean;
  /** Ids of the section's categories after the push, in order. */
  ids: string[];
  changes: CategoryChange[];
}

const overwriteCases: OverwriteCase[] = [
  {
    name: 'removes empty teacher category',
    section: [copyOf(homework), teacherCategory('t1', 'Extra', 5)],
    counts: {},
    overwrite: true,
    ids: ['course:hw'],
    changes: [{ kind: 'removed', categoryId: 't1', name: 'Extra', reason: 'teacherCategory' }],
  },
  {
    name: 'keeps teacher category with assignments',
    section: [copyOf(homework), teacherCategory('t1', 'Extra', 5)],
    counts: { t1: 3 },
    overwrite: true,
    ids: ['course:hw', 't1'],
    changes: [
      {
        kind: 'residual',
        categoryId: 't1',
        name: 'Extra',
        assignmentCount: 3,
        reason: 'teacherCategory',
      },
    ],
  },
  {
    name: 'renames kept clashing category',
    section: [teacherCategory('t1', 'Homework', 5)],
    counts: { t1: 1 },
    overwrite: true,
    ids: ['course:hw', 't1'],
    changes: [
      { kind: 'added', categoryId: 'course:hw', name: 'Homework', weight: 1 },
      { kind: 'renamed', categoryId: 't1', from: 'Homework', to: 'Homework (1)' },
      {
        kind: 'residual',
        categoryId: 't1',
        name: 'Homework (1)',
        assignmentCount: 1,
        reason: 'teacherCategory',
      },
    ],
  },
  {
    name: 'removes clashing empty category',
    section: [teacherCategory('t1', 'Homework', 5)],
    counts: { t1: 0 },
    overwrite: true,
    ids: ['course:hw'],
    changes: [
      { kind: 'added', categoryId: 'course:hw', name: 'Homework', weight: 1 },
      { kind: 'removed', categoryId: 't1', name: 'Homework', reason: 'teacherCategory' },
    ],
  },
  {
    name: 'unlocks kept locked teacher category',
    section: [copyOf(homework), { ...teacherCategory('t1', 'Extra', 5), locked: true }],
    counts: { t1: 2 },
    overwrite: true,
    ids: ['course:hw', 't1'],
    changes: [
      {
        kind: 'updated',
        categoryId: 't1',
        name: 'Extra',
        fields: [{ field: 'locked', before: true, after: false }],
      },
      {
        kind: 'residual',
        categoryId: 't1',
        name: 'Extra',
        assignmentCount: 2,
        reason: 'teacherCategory',
      },
    ],
  },
  {
    name: 'off keeps empty teacher category',
    section: [copyOf(homework), teacherCategory('t1', 'Extra', 5)],
    counts: {},
    overwrite: false,
    ids: ['course:hw', 't1'],
    changes: [],
  },
];

for (const testCase of overwriteCases) {
  test(`categories overwrite: ${testCase.name}`, (t) => {
    const plan = planSectionPush(
      makeCourse([homework]),
      makeSection(testCase.section, testCase.counts),
      { items: ['categories'], overwriteCategories: testCase.overwrite },
    );
    t.deepEqual(
      plan.setup.categories.map((category) => category.id),
      testCase.ids,
    );
    t.deepEqual(plan.categoryChanges, testCase.changes);
    t.deepEqual(
      plan.residual,
      testCase.changes.filter((change) => change.kind === 'residual'),
    );
    const kept = plan.setup.categories.find((category) => category.id === 't1');
    if (kept !== undefined && testCase.overwrite) {
      t.false(kept.locked);
    }
  });
}

interface DeletedCase {
  name: string;
  overwrite: boolean;
  counts: Record<string, number>;
  expected: SectionCategory[];
  changes: CategoryChange[];
}

// The course had Homework and Tests; Tests was deleted before this push.
const staleTestsCopy = copyOf(tests);
const deletedCases: DeletedCase[] = [];
for (const overwrite of [false, true]) {
  deletedCases.push(
    {
      name: `removed when empty, overwrite ${overwrite ? 'on' : 'off'}`,
      overwrite,
      counts: {},
      expected: [copyOf(homework)],
      changes: [
        { kind: 'removed', categoryId: 'course:tests', name: 'Tests', reason: 'removedFromCourse' },
      ],
    },
    {
      name: `kept with assignments, overwrite ${overwrite ? 'on' : 'off'}`,
      overwrite,
      counts: { 'course:tests': 6 },
      expected: [copyOf(homework), { ...staleTestsCopy, locked: false, courseCategoryId: null }],
      changes: [
        {
          kind: 'residual',
          categoryId: 'course:tests',
          name: 'Tests',
          assignmentCount: 6,
          reason: 'removedFromCourse',
        },
      ],
    },
  );
}

for (const testCase of deletedCases) {
  test(`categories deleted: ${testCase.name}`, (t) => {
    const plan = planSectionPush(
      makeCourse([homework]),
      makeSection([copyOf(homework), staleTestsCopy], testCase.counts),
      { items: ['categories'], overwriteCategories: testCase.overwrite },
    );
    t.deepEqual(plan.setup.categories, testCase.expected);
    t.deepEqual(plan.categoryChanges, testCase.changes);
    t.deepEqual(plan.changedItems, ['categories']);
    t.true(plan.needsWrite);
  });
}

test('categories deleted: recreated name renames old', (t) => {
  // Tests was deleted and a new course category with the same name and another id was added.
  const newTests = courseCategory('tests-2', 'Tests', 2);
  const plan = planSectionPush(
    makeCourse([homework, newTests]),
    makeSection([copyOf(homework), staleTestsCopy], { 'course:tests': 1 }),
    CATEGORIES_ONLY,
  );
  const old = plan.setup.categories.find((category) => category.id === 'course:tests');
  t.is(old?.name, 'Tests (1)');
  t.is(old?.courseCategoryId, null);
  t.deepEqual(
    plan.residual.map((change) => change.reason),
    ['removedFromCourse'],
  );
  t.true(plan.setup.categories.some((category) => category.courseCategoryId === 'tests-2'));
});

test('categories deleted: duplicate copy kept once', (t) => {
  const duplicate = { ...copyOf(homework), id: 'hw-dup', sequence: 9 };
  const plan = planSectionPush(
    makeCourse([homework]),
    makeSection([copyOf(homework), duplicate]),
    CATEGORIES_ONLY,
  );
  t.deepEqual(plan.setup.categories, [copyOf(homework)]);
  t.is(plan.categoryChanges[0]?.kind, 'removed');
});

test('categories order: sequence then name', (t) => {
  const plan = planSectionPush(
    makeCourse([courseCategory('b', 'Beta', 2), courseCategory('a', 'alpha', 2), homework]),
    makeSection([teacherCategory('t1', 'Zeta', 0)]),
    CATEGORIES_ONLY,
  );
  t.deepEqual(
    plan.setup.categories.map((category) => category.name),
    ['Zeta', 'Homework', 'alpha', 'Beta'],
  );
});

test('categories order: reorder alone is no change', (t) => {
  const course = makeCourse([homework, tests]);
  const section = makeSection(
    [copyOf(tests), teacherCategory('t1', 'Extra', 0), copyOf(homework)],
    {},
    {},
    allReceived(course),
  );
  const plan = planSectionPush(course, section, CATEGORIES_ONLY);
  t.false(plan.needsWrite);
  t.deepEqual(plan.setup.categories, section.setup.categories);
});

const gradeCalcOption: GradeCalcOption = {
  termId: 'q1',
  calculationType: 'inProgress',
  gradingScale: 'letter',
  weightCategories: true,
  useScorePercent: false,
  limitToLastN: null,
  cumulativeStartTermId: null,
};
const composite: Composite = {
  taskId: 's1',
  name: 'Semester 1',
  children: [
    { taskId: 'q1', weight: 2 },
    { taskId: 'exam', weight: 1 },
  ],
};
const fullCourse = makeCourse([homework], {
  gradeCalcOptions: [gradeCalcOption],
  composites: [composite],
  advisory: true,
});

test('items: unselected items untouched', (t) => {
  const section = makeSection([teacherCategory('t1', 'Homework')]);
  const plan = planSectionPush(fullCourse, section, {
    items: ['advisory'],
    overwriteCategories: true,
  });
  t.is(plan.setup.categories, section.setup.categories);
  t.is(plan.setup.gradeCalcOptions, section.setup.gradeCalcOptions);
  t.is(plan.setup.composites, section.setup.composites);
  t.true(plan.setup.advisory);
  t.deepEqual(plan.categoryChanges, []);
  t.is(plan.gradeCalcOptions, null);
  t.is(plan.composites, null);
  t.deepEqual(plan.changedItems, ['advisory']);
  t.deepEqual(plan.receivedItems, ['advisory']);
});

test('items: none selected writes nothing', (t) => {
  const section = makeSection([]);
  const plan = planSectionPush(fullCourse, section, { items: [], overwriteCategories: false });
  t.false(plan.needsWrite);
  t.deepEqual(plan.setup, section.setup);
  t.deepEqual(plan.receivedItems, []);
});

test('items: replaces values when selected', (t) => {
  const oldOption: GradeCalcOption = { ...gradeCalcOption, weightCategories: false };
  const section = makeSection(
    [copyOf(homework)],
    {},
    {
      gradeCalcOptions: [oldOption],
      composites: [],
      advisory: false,
    },
  );
  const plan = planSectionPush(fullCourse, section, DEFAULT_PUSH_OPTIONS);
  t.deepEqual(plan.setup.gradeCalcOptions, [gradeCalcOption]);
  t.deepEqual(plan.setup.composites, [composite]);
  t.true(plan.setup.advisory);
  t.deepEqual(plan.gradeCalcOptions, { before: [oldOption], after: [gradeCalcOption] });
  t.deepEqual(plan.composites, { before: [], after: [composite] });
  t.deepEqual(plan.advisory, { before: false, after: true });
  t.deepEqual(plan.changedItems, ['gradeCalcOptions', 'composites', 'advisory']);
  t.deepEqual(plan.receivedItems, [...PUSH_ITEMS]);
  t.true(plan.needsWrite);
});

test('items: output does not share course objects', (t) => {
  const plan = planSectionPush(fullCourse, makeSection([]), DEFAULT_PUSH_OPTIONS);
  t.not(plan.setup.gradeCalcOptions[0], fullCourse.setup.gradeCalcOptions[0]);
  t.not(plan.setup.composites[0]?.children, fullCourse.setup.composites[0]?.children);
});

test('items: key order does not matter', (t) => {
  const reordered = Object.fromEntries(
    Object.entries(gradeCalcOption).reverse(),
  ) as GradeCalcOption;
  const section = makeSection([], {}, { gradeCalcOptions: [reordered] });
  const plan = planSectionPush(fullCourse, section, {
    items: ['gradeCalcOptions'],
    overwriteCategories: false,
  });
  t.is(plan.gradeCalcOptions, null);
  t.deepEqual(plan.changedItems, []);
});

interface VersionCase {
  name: string;
  received: SectionState['received'];
  receivedItems: PushItem[];
}

const versionCases: VersionCase[] = [
  { name: 'never pushed', received: {}, receivedItems: ['gradeCalcOptions'] },
  {
    name: 'behind',
    received: { gradeCalcOptions: { version: 1 } },
    receivedItems: ['gradeCalcOptions'],
  },
  {
    name: 'ahead',
    received: { gradeCalcOptions: { version: 9 } },
    receivedItems: ['gradeCalcOptions'],
  },
  { name: 'current', received: { gradeCalcOptions: { version: 2 } }, receivedItems: [] },
];

for (const testCase of versionCases) {
  test(`versions: equal content, ${testCase.name}`, (t) => {
    const section = makeSection(
      [],
      {},
      { gradeCalcOptions: [{ ...gradeCalcOption }] },
      testCase.received,
    );
    const plan = planSectionPush(fullCourse, section, {
      items: ['gradeCalcOptions'],
      overwriteCategories: false,
    });
    t.deepEqual(plan.changedItems, []);
    t.deepEqual(plan.receivedItems, testCase.receivedItems);
    t.is(plan.needsWrite, testCase.receivedItems.length > 0);
    t.is(plan.gradeCalcOptions, null);
  });
}

interface RepushCase {
  name: string;
  course: CourseSnapshot;
  section: SectionState;
}

const repushCases: RepushCase[] = [
  { name: 'empty section', course: fullCourse, section: makeSection([]) },
  {
    name: 'clashing teacher categories',
    course: makeCourse([homework, tests]),
    section: makeSection(
      [
        teacherCategory('t1', 'Tests'),
        teacherCategory('t2', 'Tests (1)'),
        teacherCategory('t3', 'x'),
      ],
      { t2: 1 },
    ),
  },
  {
    name: 'deleted course category',
    course: makeCourse([homework]),
    section: makeSection([copyOf(homework), staleTestsCopy], { 'course:tests': 2 }),
  },
  {
    name: 'long clashing name',
    course: makeCourse([courseCategory('long', longName, 1)]),
    section: makeSection([teacherCategory('t1', longName)], { t1: 1 }),
  },
  {
    name: 'renamed course category',
    course: makeCourse([courseCategory('hw', 'Tests', 1)]),
    section: makeSection([copyOf(homework), teacherCategory('t1', 'tests')], { t1: 4 }),
  },
];

for (const testCase of repushCases) {
  for (const overwrite of [false, true]) {
    const options: PushOptions = { items: [...PUSH_ITEMS], overwriteCategories: overwrite };
    test(`repush: ${testCase.name}, overwrite ${overwrite ? 'on' : 'off'}`, (t) => {
      const first = planSectionPush(testCase.course, testCase.section, options);
      const pushed = applyPlan(testCase.course, testCase.section, first);
      const second = planSectionPush(testCase.course, pushed, options);
      t.false(second.needsWrite);
      t.deepEqual(second.changedItems, []);
      t.deepEqual(second.receivedItems, []);
      t.deepEqual(withoutResidual(second.categoryChanges), []);
      t.deepEqual(second.setup, first.setup);
      t.is(second.gradeCalcOptions, null);
      t.is(second.composites, null);
      t.is(second.advisory, null);
      const keys = nameKeys(second.setup.categories);
      t.is(new Set(keys).size, keys.length, 'names are unique');
    });
  }
}

test('repush: residual is reported again', (t) => {
  const course = makeCourse([homework]);
  const section = makeSection([copyOf(homework), teacherCategory('t1', 'Extra')], { t1: 2 });
  const first = planSectionPush(course, section, OVERWRITE);
  const second = planSectionPush(course, applyPlan(course, section, first), OVERWRITE);
  t.deepEqual(second.residual, first.residual);
  t.false(second.needsWrite);
});

test('repush: pushed section needs nothing', (t) => {
  const section = makeSection(
    [copyOf(homework), teacherCategory('t1', 'Participation')],
    {},
    { gradeCalcOptions: [gradeCalcOption], composites: [composite], advisory: true },
    allReceived(fullCourse),
  );
  const plan = planSectionPush(fullCourse, section, DEFAULT_PUSH_OPTIONS);
  t.false(plan.needsWrite);
  t.deepEqual(plan.categoryChanges, []);
  t.deepEqual(plan.setup, section.setup);
});

test('link: imported category with the course id becomes its copy', (t) => {
  // The section's "Tests" came from an import with the course category's own id and has 4
  // assignments: the push links and locks it in place instead of renaming it and adding a copy.
  const course = makeCourse([homework, tests]);
  const section = makeSection([teacherCategory('tests', 'Tests', 7, 5)], { tests: 4 });

  const plan = planSectionPush(course, section, CATEGORIES_ONLY);
  const linked = plan.setup.categories.find((category) => category.id === 'tests');
  const again = planSectionPush(course, applyPlan(course, section, plan), CATEGORIES_ONLY);

  t.deepEqual(linked, { ...copyOf(tests), id: 'tests' });
  t.is(plan.setup.categories.length, 2);
  t.false(plan.categoryChanges.some((change) => change.kind === 'renamed'));
  t.false(again.needsWrite);
});

test('link: linked copy wins over a category with the course id', (t) => {
  const course = makeCourse([tests]);
  const section = makeSection([copyOf(tests), teacherCategory('tests', 'Tests', 7)]);

  const plan = planSectionPush(course, section, CATEGORIES_ONLY);

  t.deepEqual(
    plan.setup.categories.map((category) => [category.id, category.name, category.locked]),
    [
      ['course:tests', 'Tests', true],
      ['tests', 'Tests (1)', false],
    ],
  );
});
