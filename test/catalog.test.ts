import path from 'node:path';
import anyTest, { type ExecutionContext, type TestFn } from 'ava';
import { importOneRoster } from '../src/import/index.js';
import { createLogger } from '../src/logger.js';
import { createPushService } from '../src/pushes/service.js';
import type { CourseDoc } from '../src/db/types.js';
import {
  hasServices,
  hasSharedData,
  sharedOneRoster,
  startHarness,
  waitForPushEnd,
  type Harness,
} from './helpers/integration.js';

interface Context {
  harness: Harness;
  admin: string;
}

const test = anyTest as TestFn<Context>;
const run = hasServices && hasSharedData ? test.serial : test.serial.skip;

const calendarId = 'or0001-2021';
const catalogId = 'district-catalog';
const masterId = 'info-processing';
const tests = { id: 'tests', name: 'Tests', weight: 2, sequence: 1 };
const homework = { id: 'homework', name: 'Homework', weight: 1, sequence: 2 };
const labs = { id: 'labs', name: 'Labs', weight: 1, sequence: 3 };
const quizzes = { id: 'quizzes', name: 'Quizzes', weight: 1, sequence: 1 };

const masterSetup = {
  categories: [tests, homework],
  composites: [
    {
      taskId: 'year',
      name: 'Year',
      children: [
        { taskId: 'as0001', weight: 1 },
        { taskId: 'as0002', weight: 1 },
      ],
    },
  ],
  advisory: true,
};

test.before(async (t) => {
  if (!hasServices || !hasSharedData) return;
  const harness = await startHarness('catalog');
  const report = await importOneRoster(
    harness.runtime.database.collections,
    path.join(sharedOneRoster, 'roster-hub-en'),
  );
  t.is(report.counts.sections.rejected, 0);
  const admin = await harness.token({ sub: 'district-admin', role: 'districtAdmin' });
  t.context = { harness, admin };

  // co0001 has its own setup before it is aligned; co0002 starts empty.
  await expectStatus(t, 'PUT', '/courses/co0001/grading-setup', 200, {
    categories: [quizzes],
    advisory: false,
  });
  await expectStatus(t, 'POST', '/catalogs', 201, { id: catalogId, name: 'District catalog' });
  await expectStatus(t, 'POST', `/catalogs/${catalogId}/course-masters`, 201, {
    id: masterId,
    title: 'Information Processing',
    setup: masterSetup,
    locks: { categories: true },
  });
  for (const courseId of ['co0001', 'co0002']) {
    await expectStatus(t, 'PUT', `/courses/${courseId}/course-master`, 200, {
      courseMasterId: masterId,
    });
  }
});

test.after.always(async (t) => {
  await t.context.harness?.close();
});

async function call(
  t: ExecutionContext<Context>,
  method: string,
  url: string,
  body?: unknown,
  token = t.context.admin,
) {
  const response = await t.context.harness.request(method, url, { token, body });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
  };
}

async function expectStatus(
  t: ExecutionContext<Context>,
  method: string,
  url: string,
  status: number,
  body?: unknown,
) {
  const response = await call(t, method, url, body);
  t.is(response.status, status, `${method} ${url}: ${JSON.stringify(response.body)}`);
  return response.body;
}

async function pushCatalog(t: ExecutionContext<Context>, body: Record<string, unknown>) {
  const started = await expectStatus(t, 'POST', `/catalogs/${catalogId}/pushes`, 202, {
    calendarIds: [calendarId],
    pushToSections: false,
    confirm: true,
    ...body,
  });
  return waitForPushEnd(t.context.harness, t.context.admin, String(started.pushId));
}

async function course(t: ExecutionContext<Context>, courseId: string): Promise<CourseDoc> {
  const found = await t.context.harness.runtime.database.collections.courses.findOne({
    _id: courseId,
  });
  if (!found) throw new Error(`course ${courseId} is missing`);
  return found;
}

run('catalog routes need a district admin', async (t) => {
  const { harness } = t.context;
  const schoolAdmin = await harness.token({ sub: 'sa', role: 'schoolAdmin', schools: ['or0001'] });
  const teacher = await harness.token({ sub: 'us0001', role: 'teacher' });

  const asSchoolAdmin = await call(t, 'POST', '/catalogs', { name: 'Mine' }, schoolAdmin);
  const asTeacher = await call(t, 'GET', `/catalogs/${catalogId}`, undefined, teacher);
  const pushAsSchoolAdmin = await call(
    t,
    'POST',
    `/catalogs/${catalogId}/pushes`,
    { calendarIds: [calendarId], mode: 'lockedOnly', pushToSections: false, confirm: true },
    schoolAdmin,
  );

  t.is(asSchoolAdmin.status, 403);
  t.is(asTeacher.status, 403);
  t.is(pushAsSchoolAdmin.status, 403);
});

run('catalog lists its course masters', async (t) => {
  const body = await expectStatus(t, 'GET', `/catalogs/${catalogId}`, 200);

  t.is(body.name, 'District catalog');
  t.deepEqual(
    (body.courseMasters as { _id: string }[]).map((master) => master._id),
    [masterId],
  );
});

run('duplicate catalog id answers 409', async (t) => {
  const { status, body } = await call(t, 'POST', '/catalogs', { id: catalogId, name: 'Again' });

  t.is(status, 409);
  t.regex(String(body.message), /district-catalog/);
});

run('catalog push needs confirm', async (t) => {
  const { status, body } = await call(t, 'POST', `/catalogs/${catalogId}/pushes`, {
    calendarIds: [calendarId],
    mode: 'lockedOnly',
    pushToSections: false,
  });

  t.is(status, 422);
  t.is(body.error, 'confirmation_required');
});

run('catalog push rejects invalid bodies', async (t) => {
  const noMode = await call(t, 'POST', `/catalogs/${catalogId}/pushes`, {
    calendarIds: [calendarId],
    pushToSections: false,
    confirm: true,
  });
  const noCalendars = await call(t, 'POST', `/catalogs/${catalogId}/pushes`, {
    calendarIds: [],
    mode: 'overwrite',
    pushToSections: false,
    confirm: true,
  });
  const unknownCalendar = await call(t, 'POST', `/catalogs/${catalogId}/pushes`, {
    calendarIds: ['nowhere'],
    mode: 'overwrite',
    pushToSections: false,
    confirm: true,
  });

  t.is(noMode.status, 400);
  t.regex(String(noMode.body.message), /mode/);
  t.is(noCalendars.status, 400);
  t.regex(String(noCalendars.body.message), /calendarIds/);
  t.is(unknownCalendar.status, 404);
  t.regex(String(unknownCalendar.body.message), /"nowhere"/);
});

run('course edit of a locked item answers 409', async (t) => {
  const { status, body } = await call(t, 'PUT', '/courses/co0001/grading-setup', {
    categories: [labs],
  });

  t.is(status, 409);
  t.is(body.error, 'item_locked');
  t.deepEqual(body.items, ['categories']);
  t.regex(String(body.message), /course master "info-processing"/);
  t.is((await course(t, 'co0001')).link, 'linked');
});

run('lockedOnly push replaces only locked items', async (t) => {
  const before = await course(t, 'co0001');

  const result = await pushCatalog(t, { mode: 'lockedOnly' });

  t.is(result.state, 'completed');
  t.is(result.kind, 'catalog');
  t.is(result.catalogId, catalogId);
  t.like(result.progress, { coursesTotal: 2, coursesDone: 2, coursesFailed: 0, coursesUpdated: 2 });
  const after = await course(t, 'co0001');
  t.deepEqual(after.setup.categories, [tests, homework]);
  t.false(after.setup.advisory);
  t.deepEqual(after.setup.composites, []);
  t.is(after.versions.categories, before.versions.categories + 1);
  t.is(after.versions.advisory, before.versions.advisory);
  t.is(after.versions.composites, before.versions.composites);
  t.is(after.link, 'linked');
});

run('repeated lockedOnly push changes nothing', async (t) => {
  const before = await course(t, 'co0001');

  const result = await pushCatalog(t, { mode: 'lockedOnly' });

  t.is(result.state, 'completed');
  t.like(result.progress, { coursesDone: 2, coursesUpdated: 0 });
  t.deepEqual((await course(t, 'co0001')).versions, before.versions);
});

run('overwrite push keeps used category as residual', async (t) => {
  const { courses, sections, assignments } = t.context.harness.runtime.database.collections;
  // A course category the master lacks, whose copy on cl0001 has an assignment.
  await courses.updateOne(
    { _id: 'co0001' },
    { $set: { 'setup.categories': [tests, homework, quizzes] } },
  );
  await sections.updateOne(
    { _id: 'cl0001' },
    {
      $push: {
        'setup.categories': {
          id: 'course:quizzes',
          name: 'Quizzes',
          weight: 1,
          sequence: 1,
          locked: true,
          courseCategoryId: 'quizzes',
        },
      },
      $inc: { version: 1 },
    },
  );
  await assignments.insertOne({
    _id: 'quiz-1',
    sectionId: 'cl0001',
    categoryId: 'course:quizzes',
    title: 'Quiz 1',
    dueDate: '2020-09-01',
    termId: 'as0001',
    possiblePoints: 10,
    importedAt: new Date(),
  });
  const before = await course(t, 'co0001');

  const result = await pushCatalog(t, { mode: 'overwrite' });

  t.is(result.state, 'completed');
  t.deepEqual(result.residual, [
    {
      courseId: 'co0001',
      sectionId: 'cl0001',
      categories: [
        {
          categoryId: 'course:quizzes',
          name: 'Quizzes',
          assignmentCount: 1,
          reason: 'removedFromMaster',
        },
      ],
    },
  ]);
  const after = await course(t, 'co0001');
  t.deepEqual(after.setup.categories, [tests, homework, quizzes]);
  t.true(after.setup.advisory);
  t.deepEqual(after.setup.composites, masterSetup.composites);
  t.is(after.versions.categories, before.versions.categories);
  t.is(after.versions.advisory, before.versions.advisory + 1);
  t.is(after.versions.composites, before.versions.composites + 1);
});

run('desynced course fails with its reason', async (t) => {
  const edit = await expectStatus(t, 'PUT', '/courses/co0002/grading-setup', 200, {
    advisory: false,
  });
  t.like(edit, { course: { link: 'desynced' } });
  const before = await course(t, 'co0002');

  const result = await pushCatalog(t, { mode: 'overwrite' });

  t.is(result.state, 'completedWithErrors');
  t.like(result.progress, { coursesTotal: 2, coursesDone: 2, coursesFailed: 1 });
  const failures = result.failures as Record<string, string>[];
  t.is(failures.length, 1);
  t.like(failures[0], { courseId: 'co0002', masterId, type: 'CourseDesynced' });
  t.regex(String(failures[0]?.message), /POST \/courses\/co0002\/relink/);
  t.deepEqual((await course(t, 'co0002')).versions, before.versions);
});

run('relink restores linked', async (t) => {
  const { courses } = t.context.harness.runtime.database.collections;
  await courses.updateOne({ _id: 'co0002' }, { $set: { 'setup.categories': [labs] } });

  const body = await expectStatus(t, 'POST', '/courses/co0002/relink', 200);

  t.is(body.link, 'linked');
  t.deepEqual(body.changedItems, ['categories']);
  const after = await course(t, 'co0002');
  t.is(after.link, 'linked');
  t.deepEqual(after.setup.categories, [tests, homework]);
  // Advisory is not locked on the master, so the relink leaves the course's value.
  t.false(after.setup.advisory);
});

run('course controlled course is not touched', async (t) => {
  await expectStatus(t, 'POST', '/courses/co0002/unlink', 200);
  const before = await course(t, 'co0002');

  const result = await pushCatalog(t, { mode: 'overwrite' });

  t.is(result.state, 'completed');
  t.like(result.progress, { coursesTotal: 1, coursesDone: 1 });
  const after = await course(t, 'co0002');
  t.is(after.link, 'courseControlled');
  t.deepEqual(after.versions, before.versions);
  t.false(after.setup.advisory);
});

run('master update raises versions on change only', async (t) => {
  const update = { setup: { categories: [tests, homework, labs] } };

  const first = await expectStatus(
    t,
    'PUT',
    `/course-masters/${masterId}/grading-setup`,
    200,
    update,
  );
  const second = await expectStatus(
    t,
    'PUT',
    `/course-masters/${masterId}/grading-setup`,
    200,
    update,
  );

  t.deepEqual(first.changedItems, ['categories']);
  t.like(first, { master: { versions: { categories: 2 } } });
  t.deepEqual(second.changedItems, []);
  t.like(second, { master: { versions: { categories: 2 } } });
});

run('pushToSections reaches the sections', async (t) => {
  const { sections } = t.context.harness.runtime.database.collections;

  const result = await pushCatalog(t, { mode: 'lockedOnly', pushToSections: true });

  t.is(result.state, 'completed', JSON.stringify(result.failures));
  t.like(result.progress, { coursesDone: 1, coursesUpdated: 1, sectionsUpdated: 4 });
  const courseAfter = await course(t, 'co0001');
  const sectionDocs = await sections.find({ courseId: 'co0001' }).sort({ _id: 1 }).toArray();
  t.is(sectionDocs.length, 4);
  for (const section of sectionDocs) {
    const copies = section.setup.categories.filter((category) => category.locked);
    t.deepEqual(
      copies.map((category) => category.courseCategoryId).sort(),
      ['homework', 'labs', 'quizzes', 'tests'],
      section._id,
    );
    t.is(section.received.categories?.version, courseAfter.versions.categories, section._id);
    t.is(section.received.categories?.pushId, String(result.pushId), section._id);
  }
  const untouched = await sections.findOne({ courseId: 'co0002' });
  t.is(untouched?.received.categories, undefined);
});

run('second catalog push while one runs answers 409', async (t) => {
  const { harness } = t.context;
  // A push started on a task queue that no worker polls stays running until terminated, so the
  // second request meets it for certain.
  const stalled = createPushService({
    client: harness.runtime.client,
    collections: harness.runtime.database.collections,
    taskQueue: `${harness.runtime.taskQueue}-without-worker`,
    logger: createLogger('test-catalog'),
  });
  const running = await stalled.startCatalogPush({
    catalogId,
    calendarIds: [calendarId],
    mode: 'lockedOnly',
    pushToSections: false,
    items: ['categories'],
    requestedBy: { sub: 'district-admin', role: 'districtAdmin' },
  });

  const second = await call(t, 'POST', `/catalogs/${catalogId}/pushes`, {
    calendarIds: [calendarId],
    mode: 'lockedOnly',
    pushToSections: false,
    confirm: true,
  });
  await harness.runtime.client.workflow.getHandle(running.workflowId).terminate('test done');

  t.is(second.status, 409);
  t.is(second.body.runningPushId, running.pushId);
});

run('catalog push with Idempotency-Key starts once', async (t) => {
  const { harness, admin } = t.context;
  const send = () =>
    harness.app.request(`/catalogs/${catalogId}/pushes`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${admin}`,
        'content-type': 'application/json',
        'idempotency-key': 'catalog-push-1',
      },
      body: JSON.stringify({
        calendarIds: [calendarId],
        mode: 'lockedOnly',
        pushToSections: false,
        confirm: true,
      }),
    });

  const first = await send();
  const firstBody = (await first.json()) as { pushId: string };
  const second = await send();
  const secondBody = (await second.json()) as { pushId: string };
  await waitForPushEnd(harness, admin, firstBody.pushId);

  t.is(first.status, 202);
  t.is(second.status, 202);
  t.is(secondBody.pushId, firstBody.pushId);
  t.is(second.headers.get('idempotent-replayed'), 'true');
});
