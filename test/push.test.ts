import path from 'node:path';
import anyTest, { type TestFn } from 'ava';
import { importOneRoster } from '../src/import/index.js';
import type { SectionDoc } from '../src/db/types.js';
import { createLogger } from '../src/logger.js';
import { createPushService } from '../src/pushes/service.js';
import {
  hasServices,
  hasSharedData,
  sharedOneRoster,
  startHarness,
  waitForPushEnd,
  type Harness,
} from './helpers/integration.js';

const test = anyTest as TestFn<{ harness: Harness; admin: string }>;
const run = hasServices && hasSharedData ? test.serial : test.serial.skip;

const calendarId = 'or0001-2021';
const setup = {
  categories: [
    { id: 'tests', name: 'Tests', weight: 2, sequence: 1 },
    { id: 'homework', name: 'Homework', weight: 1, sequence: 2 },
  ],
  gradeCalcOptions: [
    {
      termId: 'as0001',
      calculationType: 'inProgress',
      gradingScale: 'A-F',
      weightCategories: true,
      useScorePercent: false,
      limitToLastN: null,
      cumulativeStartTermId: null,
    },
  ],
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
  const harness = await startHarness('push');
  const report = await importOneRoster(
    harness.runtime.database.collections,
    path.join(sharedOneRoster, 'roster-hub-en'),
  );
  t.is(report.counts.sections.rejected, 0);
  const admin = await harness.token({ sub: 'district-admin', role: 'districtAdmin' });
  for (const courseId of ['co0001', 'co0002']) {
    const response = await harness.request('PUT', `/courses/${courseId}/grading-setup`, {
      token: admin,
      body: setup,
    });
    t.is(response.status, 200, await response.clone().text());
  }
  t.context = { harness, admin };
});

test.after.always(async (t) => {
  await t.context.harness?.close();
});

async function startPush(t: { context: { harness: Harness; admin: string } }, body: unknown) {
  const response = await t.context.harness.request('POST', `/calendars/${calendarId}/pushes`, {
    token: t.context.admin,
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function sections(harness: Harness): Promise<SectionDoc[]> {
  return harness.runtime.database.collections.sections.find({}).sort({ _id: 1 }).toArray();
}

run('push without confirm answers 422', async (t) => {
  const { status, body } = await startPush(t, {});

  t.is(status, 422);
  t.is(body.error, 'confirmation_required');
  t.regex(String(body.message), /pushes\/preview/);
});

run('push needs a token and an admin of the school', async (t) => {
  const { harness } = t.context;
  const teacher = await harness.token({ sub: 'us0001', role: 'teacher' });
  const otherSchool = await harness.token({ sub: 'x', role: 'schoolAdmin', schools: ['or9999'] });

  const anonymous = await harness.request('POST', `/calendars/${calendarId}/pushes`, {
    body: { confirm: true },
  });
  const asTeacher = await harness.request('POST', `/calendars/${calendarId}/pushes`, {
    token: teacher,
    body: { confirm: true },
  });
  const asOtherAdmin = await harness.request('POST', `/calendars/${calendarId}/pushes`, {
    token: otherSchool,
    body: { confirm: true },
  });

  t.is(anonymous.status, 401);
  t.is(asTeacher.status, 403);
  t.is(asOtherAdmin.status, 403);
});

run('push with an unknown item answers 400 naming it', async (t) => {
  const { status, body } = await startPush(t, { items: ['categories', 'grades'], confirm: true });

  t.is(status, 400);
  t.regex(String(body.message), /items\.1/);
});

run('push updates every section of the calendar', async (t) => {
  const { harness, admin } = t.context;

  const { status, body } = await startPush(t, { confirm: true });
  t.is(status, 202);
  const result = await waitForPushEnd(harness, admin, String(body.pushId));

  t.is(result.state, 'completed');
  t.like(result.progress, {
    coursesTotal: 2,
    coursesDone: 2,
    coursesFailed: 0,
    sectionsUpdated: 5,
  });
  const all = await sections(harness);
  t.is(all.length, 5);
  for (const section of all) {
    t.deepEqual(
      section.setup.categories.map((c) => [c.name, c.weight, c.locked, c.courseCategoryId]),
      [
        ['Tests', 2, true, 'tests'],
        ['Homework', 1, true, 'homework'],
      ],
      section._id,
    );
    t.is(section.setup.gradeCalcOptions[0]?.gradingScale, 'A-F');
    t.is(section.setup.composites[0]?.taskId, 'year');
    t.true(section.setup.advisory);
    t.is(section.received.categories?.version, 1);
    t.is(section.received.categories?.pushId, String(body.pushId));
    t.is(section.lastPush?.outcome, 'updated');
  }
  const viaApi = await harness.request('GET', '/sections/cl0001', { token: admin });
  const viaApiBody = (await viaApi.json()) as SectionDoc;
  t.is(viaApiBody.setup.categories.length, 2);
});

run('second push changes nothing', async (t) => {
  const { harness, admin } = t.context;
  const before = await sections(harness);

  const { body } = await startPush(t, { confirm: true });
  const result = await waitForPushEnd(harness, admin, String(body.pushId));

  t.is(result.state, 'completed');
  t.like(result.progress, { sectionsUpdated: 0, sectionsUnchanged: 5 });
  t.deepEqual(await sections(harness), before);
});

run('second push of the same calendar while one runs answers 409', async (t) => {
  const { harness } = t.context;
  // A push started on a task queue that no worker polls stays running until terminated, so the
  // second request meets it for certain.
  const stalled = createPushService({
    client: harness.runtime.client,
    collections: harness.runtime.database.collections,
    taskQueue: `${harness.runtime.taskQueue}-without-worker`,
    logger: createLogger('test-push'),
  });
  const running = await stalled.startCalendarPush({
    calendarId,
    items: ['advisory'],
    overwriteCategories: false,
    requestedBy: { sub: 'district-admin', role: 'districtAdmin' },
  });

  const second = await startPush(t, { confirm: true });
  await harness.runtime.client.workflow.getHandle(running.workflowId).terminate('test done');

  t.is(second.status, 409);
  t.is(second.body.error, 'push_running');
  t.is(second.body.runningPushId, running.pushId);
});

run('overwrite keeps teacher categories with assignments as residual', async (t) => {
  const { harness, admin } = t.context;
  const { sections: sectionCollection, assignments } = harness.runtime.database.collections;
  const section = await sectionCollection.findOne({ _id: 'cl0001' });
  const teacherCategories = [
    { id: 'labs', name: 'Labs', weight: 1, sequence: 5, locked: false, courseCategoryId: null },
    { id: 'extra', name: 'Extra', weight: 1, sequence: 6, locked: false, courseCategoryId: null },
  ];
  await sectionCollection.updateOne(
    { _id: 'cl0001' },
    {
      $set: { 'setup.categories': [...section!.setup.categories, ...teacherCategories] },
      $inc: { version: 1 },
    },
  );
  await assignments.insertOne({
    _id: 'lab-1',
    sectionId: 'cl0001',
    categoryId: 'labs',
    title: 'Lab 1',
    dueDate: '2020-09-01',
    termId: 'as0001',
    possiblePoints: 10,
    importedAt: new Date(),
  });

  const { body } = await startPush(t, {
    items: ['categories'],
    overwriteCategories: true,
    confirm: true,
  });
  const result = await waitForPushEnd(harness, admin, String(body.pushId));

  t.is(result.state, 'completed');
  t.like(result.progress, { sectionsUpdated: 1, sectionsUnchanged: 4 });
  t.deepEqual(result.residual, [
    {
      courseId: 'co0001',
      sectionId: 'cl0001',
      categories: [
        { categoryId: 'labs', name: 'Labs', assignmentCount: 1, reason: 'teacherCategory' },
      ],
    },
  ]);
  const after = await sectionCollection.findOne({ _id: 'cl0001' });
  t.deepEqual(
    after!.setup.categories.map((c) => c.id).sort(),
    ['course:homework', 'course:tests', 'labs'].sort(),
  );
});

run('missing course fails the push with errors naming it', async (t) => {
  const { harness, admin } = t.context;

  const started = await harness.runtime.pushes.startCalendarPush({
    calendarId,
    items: ['advisory'],
    overwriteCategories: false,
    requestedBy: { sub: 'district-admin', role: 'districtAdmin' },
    courseIds: ['co0002', 'co-removed'],
  });
  const result = await waitForPushEnd(harness, admin, started.pushId);

  t.is(result.state, 'completedWithErrors');
  t.like(result.progress, { coursesTotal: 2, coursesDone: 2, coursesFailed: 1 });
  t.deepEqual(
    (result.failures as { courseId: string; type: string }[]).map((f) => [f.courseId, f.type]),
    [['co-removed', 'CourseNotFound']],
  );
});

run('pushes are listed by calendar and state', async (t) => {
  const { harness, admin } = t.context;

  const response = await harness.request(
    'GET',
    `/pushes?calendarId=${calendarId}&status=completedWithErrors`,
    {
      token: admin,
    },
  );
  const body = (await response.json()) as { pushes: { state: string; calendarId: string }[] };

  t.is(response.status, 200);
  t.true(body.pushes.length >= 1);
  for (const push of body.pushes) {
    t.is(push.state, 'completedWithErrors');
    t.is(push.calendarId, calendarId);
  }
});

run('setup with an unknown term answers 400 naming it', async (t) => {
  const { harness, admin } = t.context;
  const body = {
    gradeCalcOptions: [{ termId: 'no-such-term', calculationType: 'inProgress' }],
    composites: [{ taskId: 'year', name: 'Year', children: [{ taskId: 'year', weight: 1 }] }],
  };

  const response = await harness.request('PUT', '/courses/co0001/grading-setup', {
    token: admin,
    body,
  });
  const answer = (await response.json()) as { message: string };
  const course = await harness.runtime.database.collections.courses.findOne({ _id: 'co0001' });

  t.is(response.status, 400);
  t.regex(answer.message, /"no-such-term" is not a term of calendar "or0001-2021"/);
  t.regex(answer.message, /lists itself/);
  t.is(course?.setup.gradeCalcOptions[0]?.termId, 'as0001');
});

run('oversized setup answers 413', async (t) => {
  const { harness, admin } = t.context;
  const categories = Array.from({ length: 20_000 }, (_, i) => ({
    id: `c${i}`,
    name: `Category ${i}`,
    weight: 1,
    sequence: i,
  }));

  const response = await harness.request('PUT', '/courses/co0001/grading-setup', {
    token: admin,
    body: { categories },
  });
  const answer = (await response.json()) as { error: string };

  t.is(response.status, 413);
  t.is(answer.error, 'payload_too_large');
});

run('bad token and malformed body answer JSON', async (t) => {
  const { harness, admin } = t.context;

  const badToken = await harness.request('GET', '/calendars', { token: 'not-a-token' });
  const malformed = await harness.app.request('/courses/co0001/grading-setup', {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: '{"advisory":',
  });

  t.is(badToken.status, 401);
  t.is(((await badToken.json()) as { error: string }).error, 'invalid_token');
  t.is(malformed.status, 400);
  t.is(((await malformed.json()) as { error: string }).error, 'invalid_request');
});

run('teacher cannot read a course outside their sections', async (t) => {
  const { harness } = t.context;
  await harness.runtime.database.collections.courses.insertOne({
    ...(await harness.runtime.database.collections.courses.findOne({ _id: 'co0002' }))!,
    _id: 'co-other',
  });
  const teacher = await harness.token({ sub: 'us0001', role: 'teacher' });

  const own = await harness.request('GET', '/courses/co0001', { token: teacher });
  const other = await harness.request('GET', '/courses/co-other', { token: teacher });

  t.is(own.status, 200);
  t.is(other.status, 404);
});
