import test from 'ava';

import type { CourseLink } from '../../src/db/types.js';
import {
  NO_LOCKS,
  decideCourseSetupEdit,
  differingItems,
  pickItems,
  sameItemContent,
  type CourseEditDecision,
  type MasterControl,
} from '../../src/domain/master-rules.js';
import { EMPTY_SETUP, type GradingSetup } from '../../src/domain/setup.js';

const tests = { id: 'tests', name: 'Tests', weight: 2, sequence: 1 };
const homework = { id: 'hw', name: 'Homework', weight: 1, sequence: 2 };
const labs = { id: 'labs', name: 'Labs', weight: 1, sequence: 3 };

const master: MasterControl = {
  masterId: 'm1',
  setup: { ...EMPTY_SETUP, categories: [tests, homework], advisory: true },
  locks: { ...NO_LOCKS, categories: true },
};

interface EditCase {
  name: string;
  link: CourseLink;
  master: MasterControl | null;
  changes: Partial<GradingSetup>;
  expected: CourseEditDecision;
}

const editCases: EditCase[] = [
  {
    name: 'locked item on linked course is rejected',
    link: 'linked',
    master,
    changes: { categories: [tests] },
    expected: { allowed: false, masterId: 'm1', lockedItems: ['categories'] },
  },
  {
    name: 'locked item on desynced course is rejected',
    link: 'desynced',
    master,
    changes: { categories: [tests], advisory: false },
    expected: { allowed: false, masterId: 'm1', lockedItems: ['categories'] },
  },
  {
    name: 'unlocked item differing from master desyncs',
    link: 'linked',
    master,
    changes: { advisory: false },
    expected: { allowed: true, link: 'desynced', differingItems: ['advisory'] },
  },
  {
    name: 'unlocked item equal to master stays linked',
    link: 'linked',
    master,
    changes: { advisory: true },
    expected: { allowed: true, link: 'linked', differingItems: [] },
  },
  {
    name: 'desynced course stays desynced when equal',
    link: 'desynced',
    master,
    changes: { advisory: true },
    expected: { allowed: true, link: 'desynced', differingItems: [] },
  },
  {
    name: 'course controlled course edits locked item',
    link: 'courseControlled',
    master,
    changes: { categories: [labs] },
    expected: { allowed: true, link: 'courseControlled', differingItems: [] },
  },
  {
    name: 'course without master edits anything',
    link: 'linked',
    master: null,
    changes: { categories: [labs], advisory: false },
    expected: { allowed: true, link: 'linked', differingItems: [] },
  },
  {
    name: 'no changes keep the link',
    link: 'linked',
    master,
    changes: {},
    expected: { allowed: true, link: 'linked', differingItems: [] },
  },
];

for (const editCase of editCases) {
  test(`course edit: ${editCase.name}`, (t) => {
    t.deepEqual(
      decideCourseSetupEdit(editCase.link, editCase.master, editCase.changes),
      editCase.expected,
    );
  });
}

test('course edit: reordered categories equal master', (t) => {
  const unlocked = { ...master, locks: NO_LOCKS };

  const decision = decideCourseSetupEdit('linked', unlocked, { categories: [homework, tests] });

  t.deepEqual(decision, { allowed: true, link: 'linked', differingItems: [] });
});

test('sameItemContent ignores list order', (t) => {
  t.true(sameItemContent('categories', [tests, homework], [homework, tests]));
  t.false(sameItemContent('categories', [tests], [tests, homework]));
  t.false(sameItemContent('categories', [tests], [{ ...tests, weight: 3 }]));
  t.true(sameItemContent('advisory', true, true));
  t.false(sameItemContent('advisory', true, false));
});

test('differingItems lists changed items', (t) => {
  const course: GradingSetup = { ...master.setup, categories: [homework, tests], advisory: false };

  t.deepEqual(differingItems(course, master.setup), ['advisory']);
});

test('pickItems keeps only named items', (t) => {
  const picked = pickItems({ categories: [tests], advisory: false }, ['advisory', 'composites']);

  t.deepEqual(picked, { advisory: false });
});
