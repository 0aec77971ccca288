import path from 'node:path';
import anyTest, { type ExecutionContext, type TestFn } from 'ava';
import { importOneRoster } from '../src/import/index.js';
import { EMPTY_SETUP, ZERO_VERSIONS } from '../src/domain/setup.js';
import type { AwaitingPushCourse, CourseStatusReport } from '../src/db/report-repository.js';
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
const awaitingPushUrl = `/calendars/${calendarId}/awaiting-push`;
const masterId = 'info-processing';
const tests = { id: 'tests', name: 'Tests', weight: 2, sequence: 1 };

test.before(async (t) => {
  if (!hasServices || !hasSharedData) return;
  const harness = await startHarness('reports');
  const { collections } = harness.runtime.database;
  const report = await importOneRoster(collections, path.join(sharedOneRoster, 'roster-hub-en'));
  t.is(report.counts.sections.rejected, 0);
  // A third course, without sections, so that Course Status has one course per link.
  await collections.courses.insertOne({
    _id: 'co0003',
    calendarId,
    schoolId: 'or0001',
    title: 'Office Systems',
    courseCode: null,
    courseMasterId: null,
    link: 'courseControlled',
    setup: EMPTY_SETUP,
    versions: ZERO_VERSIONS,
    changedAt: { categories: null, gradeCalcOptions: null, composites: null, advisory: null },
    importedAt: new Date(),
  });
  const admin = await harness.token({ sub: 'district-admin', role: 'districtAdmin' });
  t.context = { harness, admin };
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
  t.true(response.status < 300, `${method} ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as unknown;
}

async function awaitingPush(t: ExecutionContext<Context>): Promise<AwaitingPushCourse[]> {
  const body = (await call(t, 'GET', awaitingPushUrl)) as { courses: AwaitingPushCourse[] };
  return body.courses;
}

async function pushCalendar(t: ExecutionContext<Context>, items: string[]): Promise<void> {
  const started = (await call(t, 'POST', `/calendars/${calendarId}/pushes`, {
    items,
    confirm: true,
  })) as { pushId: string };
  const result = await waitForPushEnd(t.context.harness, t.context.admin, started.pushId);
  t.is(result.state, 'completed');
}

run('awaiting push is empty after import', async (t) => {
  t.deepEqual(await awaitingPush(t), []);
});

run('awaiting push lists a changed course', async (t) => {
  await call(t, 'PUT', '/courses/co0001/grading-setup', { categories: [tests] });

  const courses = await awaitingPush(t);

  t.is(courses.length, 1);
  t.like(courses[0], {
    courseId: 'co0001',
    sectionsTotal: 4,
    sectionsBehind: 4,
    items: [{ item: 'categories', courseVersion: 1, sectionsBehind: 4 }],
  });
  t.truthy(courses[0]?.changedAt);
  t.is(courses[0]?.changedAt, courses[0]?.items[0]?.changedAt);
});

run('awaiting push drops a pushed course', async (t) => {
  await pushCalendar(t, ['categories']);

  t.deepEqual(await awaitingPush(t), []);
});

run('awaiting push lists only lagging items', async (t) => {
  await call(t, 'PUT', '/courses/co0001/grading-setup', { advisory: true });

  const courses = await awaitingPush(t);

  t.is(courses.length, 1);
  t.like(courses[0], { courseId: 'co0001', sectionsBehind: 4 });
  t.deepEqual(
    courses[0]?.items.map((entry) => [entry.item, entry.courseVersion, entry.sectionsBehind]),
    [['advisory', 1, 4]],
  );
});

run('awaiting push counts lagging sections', async (t) => {
  await pushCalendar(t, ['advisory']);
  const { sections } = t.context.harness.runtime.database.collections;
  // A section that a later push did not reach, for example one added after it.
  await sections.updateOne({ _id: 'cl0002' }, { $unset: { 'received.advisory': '' } });

  const courses = await awaitingPush(t);

  t.is(courses.length, 1);
  t.like(courses[0], {
    courseId: 'co0001',
    sectionsTotal: 4,
    sectionsBehind: 1,
    items: [{ item: 'advisory', courseVersion: 1, sectionsBehind: 1 }],
  });
});

run('awaiting push needs an admin of the school', async (t) => {
  const { harness } = t.context;
  const teacher = await harness.token({ sub: 'us0001', role: 'teacher' });
  const otherAdmin = await harness.token({ sub: 'x', role: 'schoolAdmin', schools: ['or9999'] });
  const schoolAdmin = await harness.token({ sub: 'y', role: 'schoolAdmin', schools: ['or0001'] });

  const asTeacher = await harness.request('GET', awaitingPushUrl, { token: teacher });
  const asOtherAdmin = await harness.request('GET', awaitingPushUrl, { token: otherAdmin });
  const asSchoolAdmin = await harness.request('GET', awaitingPushUrl, { token: schoolAdmin });
  const unknown = await harness.request('GET', '/calendars/nowhere/awaiting-push', {
    token: t.context.admin,
  });

  t.is(asTeacher.status, 403);
  t.is(asOtherAdmin.status, 403);
  t.is(asSchoolAdmin.status, 200);
  t.is(unknown.status, 404);
});

run('course status groups courses by link', async (t) => {
  await call(t, 'POST', '/catalogs', { id: 'catalog', name: 'Catalog' });
  await call(t, 'POST', '/catalogs/catalog/course-masters', {
    id: masterId,
    title: 'Information Processing',
    setup: { categories: [tests], advisory: true },
    locks: { categories: true },
  });
  for (const courseId of ['co0001', 'co0002', 'co0003']) {
    await call(t, 'PUT', `/courses/${courseId}/course-master`, { courseMasterId: masterId });
  }
  await call(t, 'POST', '/courses/co0002/unlink');
  await call(t, 'PUT', '/courses/co0003/grading-setup', {
    composites: [{ taskId: 'year', name: 'Year', children: [{ taskId: 'as0003', weight: 1 }] }],
  });

  const report = (await call(t, 'GET', `/course-masters/${masterId}/status`)) as CourseStatusReport;

  t.deepEqual(report.counts, { linked: 1, courseControlled: 1, desynced: 1, total: 3 });
  t.deepEqual(
    report.courses.linked.map((entry) => entry.courseId),
    ['co0001'],
  );
  t.deepEqual(
    report.courses.courseControlled.map((entry) => entry.courseId),
    ['co0002'],
  );
  t.deepEqual(
    report.courses.desynced.map((entry) => entry.courseId),
    ['co0003'],
  );
  t.deepEqual(report.courses.desynced[0]?.differingItems, ['categories', 'composites', 'advisory']);
  t.deepEqual(report.courses.linked[0]?.differingItems, []);
});

run('course status follows a relink', async (t) => {
  await call(t, 'POST', '/courses/co0003/relink');

  const report = (await call(t, 'GET', `/course-masters/${masterId}/status`)) as CourseStatusReport;

  t.deepEqual(report.counts, { linked: 2, courseControlled: 1, desynced: 0, total: 3 });
  t.deepEqual(report.courses.linked.find((entry) => entry.courseId === 'co0003')?.differingItems, [
    'composites',
    'advisory',
  ]);
});

run('course status shows a school admin their schools', async (t) => {
  const { harness } = t.context;
  const otherAdmin = await harness.token({ sub: 'x', role: 'schoolAdmin', schools: ['or9999'] });
  const teacher = await harness.token({ sub: 'us0001', role: 'teacher' });

  const report = (await call(
    t,
    'GET',
    `/course-masters/${masterId}/status`,
    undefined,
    otherAdmin,
  )) as CourseStatusReport;
  const asTeacher = await harness.request('GET', `/course-masters/${masterId}/status`, {
    token: teacher,
  });

  t.deepEqual(report.counts, { linked: 0, courseControlled: 0, desynced: 0, total: 0 });
  t.is(asTeacher.status, 403);
});
