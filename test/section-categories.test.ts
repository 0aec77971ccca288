import anyTest, { type TestFn } from 'ava';
import type { SectionCategories } from '../src/db/section-repository.js';
import type { SectionCategory } from '../src/domain/setup.js';
import { hasServices, startHarness, type Harness } from './helpers/integration.js';
import {
  insertCourse,
  insertSchoolAndCalendar,
  insertSection,
  lockedCategory,
  SCHOOL_ID,
  teacherCategory,
} from './helpers/fixtures.js';

interface Context {
  harness: Harness;
  teacher: string;
  otherTeacher: string;
}

const test = anyTest as TestFn<Context>;
const run = hasServices ? test : test.skip;

const COURSE_ID = 'algebra';
const TESTS = { id: 'tests', name: 'Tests', weight: 2, sequence: 1 };
const HOMEWORK = { id: 'homework', name: 'Homework', weight: 1, sequence: 2 };

type CategoryBody = SectionCategories & { category: SectionCategory };
type ErrorBody = { error: string; message: string; details?: Record<string, unknown> };

test.before(async (t) => {
  if (!hasServices) return;
  const harness = await startHarness('section_categories');
  const { collections } = harness.runtime.database;
  await insertSchoolAndCalendar(collections);
  await insertCourse(collections, COURSE_ID, [TESTS, HOMEWORK]);
  t.context = {
    harness,
    teacher: await harness.token({ sub: 'teacher-a', role: 'teacher' }),
    otherTeacher: await harness.token({ sub: 'teacher-b', role: 'teacher' }),
  };
});

test.after.always(async (t) => {
  await t.context.harness?.close();
});

let sectionCount = 0;

/**
 * Inserts a section of teacher-a with the course's two locked categories and the teacher's own
 * "Labs" (id `labs`), so every test edits a section of its own.
 */
async function newSection(harness: Harness): Promise<string> {
  sectionCount += 1;
  const sectionId = `section-${sectionCount}`;
  await insertSection(harness.runtime.database.collections, {
    _id: sectionId,
    courseId: COURSE_ID,
    teacherIds: ['teacher-a'],
    categories: [
      lockedCategory(TESTS),
      lockedCategory(HOMEWORK),
      teacherCategory('labs', 'Labs', 3),
    ],
  });
  return sectionId;
}

async function call<T>(
  harness: Harness,
  method: string,
  url: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T; etag: string | null }> {
  const response = await harness.request(method, url, options);
  return {
    status: response.status,
    body: (await response.json()) as T,
    etag: response.headers.get('etag'),
  };
}

async function storedSection(harness: Harness, sectionId: string) {
  const section = await harness.runtime.database.collections.sections.findOne({ _id: sectionId });
  if (!section) throw new Error(`section ${sectionId} vanished`);
  return section;
}

function names(categories: SectionCategory[]): string[] {
  return categories.map((category) => category.name);
}

run('list returns ordered categories and version', async (t) => {
  const { harness, teacher } = t.context;
  const sectionId = await newSection(harness);

  const { status, body, etag } = await call<SectionCategories>(
    harness,
    'GET',
    `/sections/${sectionId}/categories`,
    { token: teacher },
  );

  t.is(status, 200);
  t.is(body.sectionId, sectionId);
  t.is(body.version, 1);
  t.is(etag, '"1"');
  t.deepEqual(names(body.categories), ['Tests', 'Homework', 'Labs']);
  t.true(body.categories[0]?.locked);
  t.false(body.categories[2]?.locked);
});

run('teacher adds a category', async (t) => {
  const { harness, teacher } = t.context;
  const sectionId = await newSection(harness);

  const { status, body, etag } = await call<CategoryBody>(
    harness,
    'POST',
    `/sections/${sectionId}/categories`,
    { token: teacher, body: { name: '  Quizzes ', weight: 1.5 } },
  );

  t.is(status, 201);
  t.regex(body.category.id, /^t-[0-9a-f]+$/);
  t.like(body.category, {
    name: 'Quizzes',
    weight: 1.5,
    sequence: 4,
    locked: false,
    courseCategoryId: null,
  });
  t.is(body.version, 2);
  t.is(etag, '"2"');
  t.deepEqual(names(body.categories), ['Tests', 'Homework', 'Labs', 'Quizzes']);
  const stored = await storedSection(harness, sectionId);
  t.is(stored.version, 2);
  t.deepEqual(
    stored.setup.categories.find((category) => category.id === body.category.id),
    body.category,
  );
});

run('teacher adds a category at a given sequence', async (t) => {
  const { harness, teacher } = t.context;
  const sectionId = await newSection(harness);

  const { status, body } = await call<CategoryBody>(
    harness,
    'POST',
    `/sections/${sectionId}/categories`,
    { token: teacher, body: { name: 'Warm-ups', weight: 0, sequence: 0 } },
  );

  t.is(status, 201);
  t.is(body.category.sequence, 0);
  t.deepEqual(names(body.categories), ['Warm-ups', 'Tests', 'Homework', 'Labs']);
});

run('teacher renames and reweights own category', async (t) => {
  const { harness, teacher } = t.context;
  const sectionId = await newSection(harness);

  const { status, body } = await call<CategoryBody>(
    harness,
    'PATCH',
    `/sections/${sectionId}/categories/labs`,
    { token: teacher, body: { name: 'Lab Reports', weight: 3, sequence: 0 } },
  );

  t.is(status, 200);
  t.like(body.category, { id: 'labs', name: 'Lab Reports', weight: 3, sequence: 0, locked: false });
  t.is(body.version, 2);
  t.deepEqual(names(body.categories), ['Lab Reports', 'Tests', 'Homework']);
  const stored = await storedSection(harness, sectionId);
  t.like(
    stored.setup.categories.find((category) => category.id === 'labs'),
    { name: 'Lab Reports', weight: 3, sequence: 0 },
  );
});

run('unchanged patch writes nothing', async (t) => {
  const { harness, teacher } = t.context;
  const sectionId = await newSection(harness);

  const { status, body } = await call<CategoryBody>(
    harness,
    'PATCH',
    `/sections/${sectionId}/categories/labs`,
    { token: teacher, body: { name: 'Labs', weight: 1 } },
  );

  t.is(status, 200);
  t.is(body.version, 1);
  t.is((await storedSection(harness, sectionId)).version, 1);
});

run('teacher deletes own category', async (t) => {
  const { harness, teacher } = t.context;
  const sectionId = await newSection(harness);

  const { status, body } = await call<CategoryBody>(
    harness,
    'DELETE',
    `/sections/${sectionId}/categories/labs`,
    { token: teacher },
  );

  t.is(status, 200);
  t.is(body.category.id, 'labs');
  t.is(body.version, 2);
  t.deepEqual(names(body.categories), ['Tests', 'Homework']);
  const stored = await storedSection(harness, sectionId);
  t.deepEqual(names(stored.setup.categories), ['Tests', 'Homework']);
});

run('locked category cannot be changed or deleted', async (t) => {
  const { harness, teacher } = t.context;
  const sectionId = await newSection(harness);
  const url = `/sections/${sectionId}/categories/course:tests`;

  const patched = await call<ErrorBody>(harness, 'PATCH', url, {
    token: teacher,
    body: { weight: 5 },
  });
  const deleted = await call<ErrorBody>(harness, 'DELETE', url, { token: teacher });

  for (const answer of [patched, deleted]) {
    t.is(answer.status, 409);
    t.is(answer.body.error, 'category_locked');
    t.regex(answer.body.message, /"Tests" comes from course "algebra" and is locked/);
    t.regex(answer.body.message, /on the course and push/);
  }
  const stored = await storedSection(harness, sectionId);
  t.is(stored.version, 1);
  t.like(stored.setup.categories[0], { id: 'course:tests', weight: 2 });
});

run('admins cannot edit locked categories', async (t) => {
  const { harness } = t.context;
  const sectionId = await newSection(harness);
  const districtAdmin = await harness.token({ sub: 'district-admin', role: 'districtAdmin' });

  const { status, body } = await call<ErrorBody>(
    harness,
    'DELETE',
    `/sections/${sectionId}/categories/course:homework`,
    { token: districtAdmin },
  );

  t.is(status, 409);
  t.is(body.error, 'category_locked');
});

run('category with assignments cannot be deleted', async (t) => {
  const { harness, teacher } = t.context;
  const sectionId = await newSection(harness);
  const { assignments } = harness.runtime.database.collections;
  for (const number of [1, 2]) {
    await assignments.insertOne({
      _id: `${sectionId}-lab-${number}`,
      sectionId,
      categoryId: 'labs',
      title: `Lab ${number}`,
      dueDate: null,
      termId: null,
      possiblePoints: 10,
      importedAt: new Date(),
    });
  }

  const { status, body } = await call<ErrorBody>(
    harness,
    'DELETE',
    `/sections/${sectionId}/categories/labs`,
    { token: teacher },
  );

  t.is(status, 409);
  t.is(body.error, 'category_has_assignments');
  t.regex(body.message, /"Labs" cannot be deleted because 2 assignments use it/);
  t.is(body.details?.assignmentCount, 2);
  const stored = await storedSection(harness, sectionId);
  t.true(stored.setup.categories.some((category) => category.id === 'labs'));
  t.is(stored.version, 1);
});

run('assignments elsewhere do not block deletion', async (t) => {
  const { harness, teacher } = t.context;
  const sectionId = await newSection(harness);
  await harness.runtime.database.collections.assignments.insertOne({
    _id: `${sectionId}-elsewhere`,
    sectionId: 'another-section',
    categoryId: 'labs',
    title: 'Lab elsewhere',
    dueDate: null,
    termId: null,
    possiblePoints: 10,
    importedAt: new Date(),
  });

  const { status } = await call(harness, 'DELETE', `/sections/${sectionId}/categories/labs`, {
    token: teacher,
  });

  t.is(status, 200);
});

run('duplicate names rejected ignoring case', async (t) => {
  const { harness, teacher } = t.context;
  const sectionId = await newSection(harness);

  const addedLocked = await call<ErrorBody>(harness, 'POST', `/sections/${sectionId}/categories`, {
    token: teacher,
    body: { name: '  tESTs ', weight: 1 },
  });
  const addedOwn = await call<ErrorBody>(harness, 'POST', `/sections/${sectionId}/categories`, {
    token: teacher,
    body: { name: 'LABS', weight: 1 },
  });
  const renamed = await call<ErrorBody>(
    harness,
    'PATCH',
    `/sections/${sectionId}/categories/labs`,
    {
      token: teacher,
      body: { name: 'homework ' },
    },
  );

  t.is(addedLocked.status, 409);
  t.is(addedLocked.body.error, 'duplicate_category_name');
  t.regex(addedLocked.body.message, /already has category "Tests"/);
  t.is(addedLocked.body.details?.categoryId, 'course:tests');
  t.is(addedOwn.status, 409);
  t.regex(addedOwn.body.message, /already has category "Labs"/);
  t.is(renamed.status, 409);
  t.regex(renamed.body.message, /already has category "Homework"/);
  t.is((await storedSection(harness, sectionId)).version, 1);
});

run('rename may change only case', async (t) => {
  const { harness, teacher } = t.context;
  const sectionId = await newSection(harness);

  const { status, body } = await call<CategoryBody>(
    harness,
    'PATCH',
    `/sections/${sectionId}/categories/labs`,
    { token: teacher, body: { name: 'LABS' } },
  );

  t.is(status, 200);
  t.is(body.category.name, 'LABS');
});

run('51-character names are rejected', async (t) => {
  const { harness, teacher } = t.context;
  const sectionId = await newSection(harness);

  const tooLong = await call<ErrorBody>(harness, 'POST', `/sections/${sectionId}/categories`, {
    token: teacher,
    body: { name: 'x'.repeat(51), weight: 1 },
  });
  const renamedTooLong = await call<ErrorBody>(
    harness,
    'PATCH',
    `/sections/${sectionId}/categories/labs`,
    { token: teacher, body: { name: 'y'.repeat(51) } },
  );
  const longest = await call<CategoryBody>(harness, 'POST', `/sections/${sectionId}/categories`, {
    token: teacher,
    body: { name: 'z'.repeat(50), weight: 1 },
  });

  t.is(tooLong.status, 400);
  t.is(tooLong.body.error, 'invalid_request');
  t.regex(tooLong.body.message, /name: a category name has at most 50 characters/);
  t.is(renamedTooLong.status, 400);
  t.is(longest.status, 201);
  t.is(longest.body.category.name.length, 50);
});

run('invalid bodies name the field', async (t) => {
  const { harness, teacher } = t.context;
  const sectionId = await newSection(harness);
  const url = `/sections/${sectionId}/categories`;

  const negativeWeight = await call<ErrorBody>(harness, 'POST', url, {
    token: teacher,
    body: { name: 'Quizzes', weight: -1 },
  });
  const blankName = await call<ErrorBody>(harness, 'POST', url, {
    token: teacher,
    body: { name: '   ', weight: 1 },
  });
  const unknownField = await call<ErrorBody>(harness, 'POST', url, {
    token: teacher,
    body: { name: 'Quizzes', weight: 1, locked: true },
  });
  const emptyPatch = await call<ErrorBody>(harness, 'PATCH', `${url}/labs`, {
    token: teacher,
    body: {},
  });
  const fractionalSequence = await call<ErrorBody>(harness, 'PATCH', `${url}/labs`, {
    token: teacher,
    body: { sequence: 1.5 },
  });

  t.is(negativeWeight.status, 400);
  t.regex(negativeWeight.body.message, /weight: a category weight cannot be negative/);
  t.is(blankName.status, 400);
  t.regex(blankName.body.message, /name: a category name is required/);
  t.is(unknownField.status, 400);
  t.regex(unknownField.body.message, /locked/);
  t.is(emptyPatch.status, 400);
  t.regex(emptyPatch.body.message, /name at least one of name, weight, sequence/);
  t.is(fractionalSequence.status, 400);
  t.regex(fractionalSequence.body.message, /sequence/);
  t.is((await storedSection(harness, sectionId)).version, 1);
});

run('unknown category answers 404', async (t) => {
  const { harness, teacher } = t.context;
  const sectionId = await newSection(harness);

  const patched = await call<ErrorBody>(
    harness,
    'PATCH',
    `/sections/${sectionId}/categories/nope`,
    { token: teacher, body: { weight: 2 } },
  );
  const deleted = await call<ErrorBody>(
    harness,
    'DELETE',
    `/sections/${sectionId}/categories/nope`,
    { token: teacher },
  );

  for (const answer of [patched, deleted]) {
    t.is(answer.status, 404);
    t.regex(answer.body.message, /category "nope" not found in section/);
  }
});

run("another teacher's section is not visible", async (t) => {
  const { harness, otherTeacher } = t.context;
  const sectionId = await newSection(harness);
  const url = `/sections/${sectionId}/categories`;

  const answers = [
    await call<ErrorBody>(harness, 'GET', url, { token: otherTeacher }),
    await call<ErrorBody>(harness, 'POST', url, {
      token: otherTeacher,
      body: { name: 'Quizzes', weight: 1 },
    }),
    await call<ErrorBody>(harness, 'PATCH', `${url}/labs`, {
      token: otherTeacher,
      body: { weight: 4 },
    }),
    await call<ErrorBody>(harness, 'DELETE', `${url}/labs`, { token: otherTeacher }),
  ];

  for (const answer of answers) {
    t.is(answer.status, 404);
    t.regex(answer.body.message, /not found \(or not visible to you\)/);
  }
  const stored = await storedSection(harness, sectionId);
  t.is(stored.version, 1);
  t.deepEqual(names(stored.setup.categories), ['Tests', 'Homework', 'Labs']);
});

run('school and district admins may edit', async (t) => {
  const { harness } = t.context;
  const sectionId = await newSection(harness);
  const url = `/sections/${sectionId}/categories`;
  const schoolAdmin = await harness.token({
    sub: 'school-admin',
    role: 'schoolAdmin',
    schools: [SCHOOL_ID],
  });
  const otherSchoolAdmin = await harness.token({
    sub: 'other-admin',
    role: 'schoolAdmin',
    schools: ['school-2'],
  });
  const districtAdmin = await harness.token({ sub: 'district-admin', role: 'districtAdmin' });

  const bySchoolAdmin = await call(harness, 'POST', url, {
    token: schoolAdmin,
    body: { name: 'Projects', weight: 2 },
  });
  const byDistrictAdmin = await call(harness, 'PATCH', `${url}/labs`, {
    token: districtAdmin,
    body: { weight: 2 },
  });
  const byOtherSchoolAdmin = await call(harness, 'POST', url, {
    token: otherSchoolAdmin,
    body: { name: 'Essays', weight: 1 },
  });

  t.is(bySchoolAdmin.status, 201);
  t.is(byDistrictAdmin.status, 200);
  t.is(byOtherSchoolAdmin.status, 404);
  t.deepEqual(names((await storedSection(harness, sectionId)).setup.categories), [
    'Tests',
    'Homework',
    'Labs',
    'Projects',
  ]);
});

run('requests without a token answer 401', async (t) => {
  const { harness } = t.context;
  const sectionId = await newSection(harness);
  const url = `/sections/${sectionId}/categories`;

  const statuses = [
    (await harness.request('GET', url)).status,
    (await harness.request('POST', url, { body: { name: 'Quizzes', weight: 1 } })).status,
    (await harness.request('PATCH', `${url}/labs`, { body: { weight: 2 } })).status,
    (await harness.request('DELETE', `${url}/labs`)).status,
  ];

  t.deepEqual(statuses, [401, 401, 401, 401]);
  t.is((await storedSection(harness, sectionId)).version, 1);
});

run('stale If-Match answers 412', async (t) => {
  const { harness, teacher } = t.context;
  const sectionId = await newSection(harness);
  const url = `/sections/${sectionId}/categories/labs`;
  const headers = (etag: string) => ({ authorization: `Bearer ${teacher}`, 'if-match': etag });

  const first = await harness.app.request(url, {
    method: 'PATCH',
    headers: { ...headers('"1"'), 'content-type': 'application/json' },
    body: JSON.stringify({ weight: 2 }),
  });
  const stale = await harness.app.request(url, {
    method: 'PATCH',
    headers: { ...headers('"1"'), 'content-type': 'application/json' },
    body: JSON.stringify({ weight: 3 }),
  });
  const unparsable = await harness.app.request(url, {
    method: 'DELETE',
    headers: headers('version-two'),
  });
  const current = await harness.app.request(url, { method: 'DELETE', headers: headers('"2"') });

  t.is(first.status, 200);
  t.is(first.headers.get('etag'), '"2"');
  t.is(stale.status, 412);
  t.regex(((await stale.json()) as ErrorBody).message, /is at version 2, not 1/);
  t.is(unparsable.status, 412);
  t.is(current.status, 200);
  t.is(current.headers.get('etag'), '"3"');
  const stored = await storedSection(harness, sectionId);
  t.is(stored.version, 3);
  t.false(stored.setup.categories.some((category) => category.id === 'labs'));
});
