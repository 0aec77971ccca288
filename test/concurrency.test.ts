import anyTest, { type TestFn } from 'ava';
import { findCourseSnapshot, pushSection } from '../src/db/push-repository.js';
import {
  addSectionCategory,
  CategoryEditError,
  updateSectionCategory,
} from '../src/db/section-repository.js';
import type { Collections } from '../src/db/mongo.js';
import { DEFAULT_PUSH_OPTIONS } from '../src/domain/push-rules.js';
import type { CourseCategory, SectionCategory } from '../src/domain/setup.js';
import {
  insertCourse,
  insertSchoolAndCalendar,
  insertSection,
  isFerretDb,
  teacherCategory,
} from './helpers/fixtures.js';
import { hasServices, startHarness, waitForPushEnd, type Harness } from './helpers/integration.js';

interface Context {
  harness: Harness;
  admin: string;
}

const test = anyTest as TestFn<Context>;
const run = hasServices ? test.serial : test.serial.skip;

// With FerretDB 1.24, which the local test services run, several concurrent updates guarded by
// the same version can all match, so a stress test there would lose edits that MongoDB keeps.
// The deterministic tests interleave one writer at a time, so they run on both.
const onFerretDb = hasServices ? await isFerretDb(process.env.MONGODB_URI!) : false;
const stress = hasServices && !onFerretDb ? test.serial : test.serial.skip;
const stressTitle = 'pushes with concurrent edits lose nothing';

const TESTS = { id: 'tests', name: 'Tests', weight: 2, sequence: 1 };
const HOMEWORK = { id: 'homework', name: 'Homework', weight: 1, sequence: 2 };

test.before(async (t) => {
  if (!hasServices) return;
  const harness = await startHarness('concurrency');
  await insertSchoolAndCalendar(harness.runtime.database.collections);
  t.context = {
    harness,
    admin: await harness.token({ sub: 'district-admin', role: 'districtAdmin' }),
  };
});

test.after.always(async (t) => {
  await t.context.harness?.close();
});

async function storedCategories(
  collections: Collections,
  sectionId: string,
): Promise<{ version: number; categories: SectionCategory[] }> {
  const section = await collections.sections.findOne({ _id: sectionId });
  if (!section) throw new Error(`section ${sectionId} vanished`);
  return { version: section.version, categories: section.setup.categories };
}

function byId(categories: SectionCategory[], id: string): SectionCategory | undefined {
  return categories.find((category) => category.id === id);
}

run('push keeps teacher edit made mid-push', async (t) => {
  const { harness } = t.context;
  const { collections } = harness.runtime.database;
  await insertCourse(collections, 'interleave-course', [TESTS, HOMEWORK]);
  await insertSection(collections, {
    _id: 'interleave-section',
    courseId: 'interleave-course',
    teacherIds: ['teacher-a'],
    categories: [teacherCategory('labs', 'Labs', 5)],
  });
  const teacher = await harness.token({ sub: 'teacher-a', role: 'teacher' });
  const course = await findCourseSnapshot(collections, 'interleave-course');
  const conflicts: number[] = [];
  let reads = 0;
  let addedId: string | undefined;

  const outcome = await pushSection(collections, {
    pushId: 'push-interleave',
    course: course!,
    sectionId: 'interleave-section',
    options: DEFAULT_PUSH_OPTIONS,
    onConflict: (attempt) => conflicts.push(attempt),
    afterRead: async () => {
      reads += 1;
      if (reads > 1) return;
      const added = await harness.request('POST', '/sections/interleave-section/categories', {
        token: teacher,
        body: { name: 'Quizzes', weight: 1 },
      });
      t.is(added.status, 201);
      addedId = ((await added.json()) as { category: SectionCategory }).category.id;
      const renamed = await harness.request(
        'PATCH',
        '/sections/interleave-section/categories/labs',
        {
          token: teacher,
          body: { name: 'Lab Reports' },
        },
      );
      t.is(renamed.status, 200);
    },
  });

  const { version, categories } = await storedCategories(collections, 'interleave-section');
  t.like(byId(categories, addedId!), { name: 'Quizzes', locked: false });
  t.like(byId(categories, 'labs'), { name: 'Lab Reports', locked: false });
  t.like(byId(categories, 'course:tests'), { name: 'Tests', locked: true });
  t.like(byId(categories, 'course:homework'), { name: 'Homework', locked: true });
  t.is(categories.length, 4);
  t.is(outcome.outcome, 'updated');
  t.deepEqual(conflicts, [1]);
  t.is(reads, 2);
  t.is(version, 4);
});

run('push renames clashing category added mid-push', async (t) => {
  const { harness } = t.context;
  const { collections } = harness.runtime.database;
  await insertCourse(collections, 'clash-course', [TESTS, HOMEWORK]);
  await insertSection(collections, {
    _id: 'clash-section',
    courseId: 'clash-course',
    teacherIds: ['teacher-a'],
  });
  const course = await findCourseSnapshot(collections, 'clash-course');
  const conflicts: number[] = [];
  let addedId: string | undefined;

  await pushSection(collections, {
    pushId: 'push-clash',
    course: course!,
    sectionId: 'clash-section',
    options: DEFAULT_PUSH_OPTIONS,
    onConflict: (attempt) => conflicts.push(attempt),
    afterRead: async () => {
      if (addedId !== undefined) return;
      const added = await addSectionCategory(collections, 'clash-section', {
        name: 'tests',
        weight: 1,
      });
      addedId = added.category.id;
    },
  });

  const { categories } = await storedCategories(collections, 'clash-section');
  t.like(byId(categories, addedId!), { name: 'tests (1)', locked: false, courseCategoryId: null });
  t.like(byId(categories, 'course:tests'), { name: 'Tests', locked: true });
  t.is(categories.length, 3);
  t.deepEqual(conflicts, [1]);
});

run('teacher edit survives push mid-edit', async (t) => {
  const { harness } = t.context;
  const { collections } = harness.runtime.database;
  await insertCourse(collections, 'edit-course', [TESTS, HOMEWORK]);
  await insertSection(collections, {
    _id: 'edit-section',
    courseId: 'edit-course',
    teacherIds: ['teacher-a'],
    categories: [teacherCategory('labs', 'Labs', 5)],
  });
  const course = await findCourseSnapshot(collections, 'edit-course');
  let reads = 0;

  const result = await updateSectionCategory(
    collections,
    'edit-section',
    'labs',
    { weight: 4 },
    {
      afterRead: async () => {
        reads += 1;
        if (reads > 1) return;
        const pushed = await pushSection(collections, {
          pushId: 'push-during-edit',
          course: course!,
          sectionId: 'edit-section',
          options: DEFAULT_PUSH_OPTIONS,
        });
        t.is(pushed.outcome, 'updated');
      },
    },
  );

  const { version, categories } = await storedCategories(collections, 'edit-section');
  t.like(byId(categories, 'labs'), { weight: 4, locked: false });
  t.like(byId(categories, 'course:tests'), { locked: true });
  t.like(byId(categories, 'course:homework'), { locked: true });
  t.is(categories.length, 3);
  t.is(reads, 2);
  t.is(result.version, 3);
  t.is(version, 3);
});

run('teacher edit revalidated after push lands', async (t) => {
  const { harness } = t.context;
  const { collections } = harness.runtime.database;
  await insertCourse(collections, 'recheck-course', [TESTS, HOMEWORK]);
  await insertSection(collections, {
    _id: 'recheck-section',
    courseId: 'recheck-course',
    teacherIds: ['teacher-a'],
  });
  const course = await findCourseSnapshot(collections, 'recheck-course');
  let pushed = false;

  const error = await t.throwsAsync(
    addSectionCategory(
      collections,
      'recheck-section',
      { name: 'Homework', weight: 1 },
      {
        afterRead: async () => {
          if (pushed) return;
          pushed = true;
          await pushSection(collections, {
            pushId: 'push-before-add',
            course: course!,
            sectionId: 'recheck-section',
            options: DEFAULT_PUSH_OPTIONS,
          });
        },
      },
    ),
    { instanceOf: CategoryEditError },
  );

  t.is(error?.reason, 'duplicateName');
  t.regex(error?.message ?? '', /already has category "Homework"/);
  const { version, categories } = await storedCategories(collections, 'recheck-section');
  t.is(version, 2);
  t.deepEqual(
    categories.map((category) => [category.name, category.locked]),
    [
      ['Tests', true],
      ['Homework', true],
    ],
  );
});

const STRESS_COURSES = ['stress-1', 'stress-2', 'stress-3'];
const SECTIONS_PER_COURSE = 2;
const PUSH_ROUNDS = 3;
/** Concurrent edit loops per section, and the maximum number of edits one loop makes. */
const EDITORS_PER_SECTION = 2;
const MAX_EDITS_PER_EDITOR = 40;

/** One teacher category a stress editor created, with the name it must have in the end. */
interface TeacherEdit {
  sectionId: string;
  categoryId: string;
  name: string;
}

stress(
  onFerretDb ? `${stressTitle} (skipped: FerretDB updates are not atomic)` : stressTitle,
  async (t) => {
    t.timeout(300_000);
    const { harness, admin } = t.context;
    const { collections } = harness.runtime.database;
    const sectionIds: string[] = [];
    for (const courseId of STRESS_COURSES) {
      await insertCourse(collections, courseId, [TESTS, HOMEWORK]);
      for (let index = 1; index <= SECTIONS_PER_COURSE; index++) {
        const sectionId = `${courseId}-section-${index}`;
        await insertSection(collections, {
          _id: sectionId,
          courseId,
          teacherIds: [`teacher-${sectionId}`],
        });
        sectionIds.push(sectionId);
      }
    }
    const edits: TeacherEdit[] = [];

    for (let round = 1; round <= PUSH_ROUNDS; round++) {
      const categories: CourseCategory[] = [TESTS, HOMEWORK];
      for (let unit = 1; unit <= round; unit++) {
        categories.push({
          id: `unit-${unit}`,
          name: `Unit ${unit}`,
          weight: 1,
          sequence: 2 + unit,
        });
      }
      for (const courseId of STRESS_COURSES) {
        const updated = await harness.request('PUT', `/courses/${courseId}/grading-setup`, {
          token: admin,
          body: { categories },
        });
        t.is(updated.status, 200, await updated.clone().text());
      }

      let pushesRunning = true;
      const pushes = settleAll(
        STRESS_COURSES.map((courseId) => pushCourse(harness, admin, courseId)),
      ).finally(() => {
        pushesRunning = false;
      });
      const editors = sectionIds.flatMap((sectionId) =>
        Array.from({ length: EDITORS_PER_SECTION }, (_, editor) =>
          editUntil(harness, sectionId, `r${round}e${editor}`, () => pushesRunning),
        ),
      );
      // Both lists settle before either error is raised, so nothing still runs at teardown.
      const [pushed, edited] = await Promise.allSettled([pushes, settleAll(editors)]);
      if (pushed.status === 'rejected') throw pushed.reason;
      if (edited.status === 'rejected') throw edited.reason;
      const states = pushed.value;
      const editLists = edited.value;

      t.deepEqual(states, ['completed', 'completed', 'completed'], `round ${round}`);
      edits.push(...editLists.flat());
    }

    t.true(edits.length >= sectionIds.length * EDITORS_PER_SECTION * PUSH_ROUNDS);
    for (const sectionId of sectionIds) {
      const section = await collections.sections.findOne({ _id: sectionId });
      const course = await collections.courses.findOne({ _id: section!.courseId });
      const categories = section!.setup.categories;
      for (const edit of edits.filter((candidate) => candidate.sectionId === sectionId)) {
        t.like(
          byId(categories, edit.categoryId),
          { name: edit.name, locked: false },
          `${sectionId}: ${edit.name}`,
        );
      }
      for (const courseCategory of course!.setup.categories) {
        t.like(
          categories.find((category) => category.courseCategoryId === courseCategory.id),
          { name: courseCategory.name, locked: true },
          `${sectionId}: course category ${courseCategory.id}`,
        );
      }
      t.is(
        categories.length,
        course!.setup.categories.length + edits.filter((e) => e.sectionId === sectionId).length,
        sectionId,
      );
      t.is(section!.received.categories?.version, course!.versions.categories, sectionId);
    }
  },
);

/** Starts a categories push of one course and returns the state it ends in. */
async function pushCourse(harness: Harness, admin: string, courseId: string): Promise<unknown> {
  const started = await harness.request('POST', `/courses/${courseId}/pushes`, {
    token: admin,
    body: { items: ['categories'], confirm: true },
  });
  const body = (await started.json()) as { pushId?: string; message?: string };
  if (started.status !== 202 || body.pushId === undefined) {
    throw new Error(`push of ${courseId} returned ${started.status}: ${body.message}`);
  }
  const ended = await waitForPushEnd(harness, admin, body.pushId);
  return ended.state;
}

/**
 * Adds teacher categories to a section, renaming every other one right after, until `keepGoing`
 * turns false after at least one edit or the edit limit is reached. Returns the categories created.
 */
async function editUntil(
  harness: Harness,
  sectionId: string,
  prefix: string,
  keepGoing: () => boolean,
): Promise<TeacherEdit[]> {
  const token = await harness.token({ sub: `teacher-${sectionId}`, role: 'teacher' });
  const created: TeacherEdit[] = [];
  for (let index = 0; index < MAX_EDITS_PER_EDITOR; index++) {
    if (index > 0 && !keepGoing()) break;
    const name = `${prefix} item ${index}`;
    const added = await sendEdit(harness, token, 'POST', `/sections/${sectionId}/categories`, {
      name,
      weight: 1,
    });
    const categoryId = added.category.id;
    if (index % 2 === 0) {
      created.push({ sectionId, categoryId, name });
    } else {
      const renamed = `${name} renamed`;
      await sendEdit(harness, token, 'PATCH', `/sections/${sectionId}/categories/${categoryId}`, {
        name: renamed,
      });
      created.push({ sectionId, categoryId, name: renamed });
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return created;
}

/** Sends one teacher edit, retrying while the section is busy, and throws on any other error. */
async function sendEdit(
  harness: Harness,
  token: string,
  method: string,
  url: string,
  body: unknown,
): Promise<{ category: SectionCategory }> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const response = await harness.request(method, url, { token, body });
    if (response.status === 200 || response.status === 201) {
      return (await response.json()) as { category: SectionCategory };
    }
    const text = await response.text();
    if (response.status !== 409 || !text.includes('section_busy')) {
      throw new Error(`${method} ${url} returned ${response.status}: ${text}`);
    }
  }
  throw new Error(`${method} ${url} was still busy after 5 attempts`);
}

/** Waits for every promise to settle, then returns their values or throws every reason. */
async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const reasons = results.flatMap((result) =>
    result.status === 'rejected' ? [String(result.reason)] : [],
  );
  if (reasons.length > 0) throw new Error(reasons.join('\n'));
  return results.map((result) => (result as PromiseFulfilledResult<T>).value);
}
