import anyTest, { type TestFn } from 'ava';
import type { Collections } from '../src/db/mongo.js';
import { createApp } from '../src/api/app.js';
import { createLogger } from '../src/logger.js';
import { pushWorkflowId } from '../src/pushes/ids.js';
import { createPushService, type PushView } from '../src/pushes/service.js';
import {
  CALENDAR_ID,
  insertCourse,
  insertSchoolAndCalendar,
  insertSection,
} from './helpers/fixtures.js';
import { hasServices, startHarness, waitForPushEnd, type Harness } from './helpers/integration.js';

const test = anyTest as TestFn<{ harness: Harness; admin: string }>;
const run = hasServices ? test.serial : test.serial.skip;

const COURSES = 40;
const category = { id: 'tests', name: 'Tests', weight: 1, sequence: 1 };

test.before(async (t) => {
  if (!hasServices) return;
  const harness = await startHarness('queue');
  const { collections } = harness.runtime.database;
  await insertSchoolAndCalendar(collections);
  for (let i = 0; i < COURSES; i++) {
    const courseId = `course-${String(i).padStart(3, '0')}`;
    await insertCourse(collections, courseId, [category]);
    await insertSection(collections, {
      _id: `${courseId}-s1`,
      courseId,
      teacherIds: ['teacher-1'],
    });
  }
  const admin = await harness.token({ sub: 'district-admin', role: 'districtAdmin' });
  t.context = { harness, admin };
});

test.after.always(async (t) => {
  await t.context.harness?.close();
});

async function post(
  harness: Harness,
  token: string,
  url: string,
  body: unknown,
  key?: string,
): Promise<Response> {
  return await harness.app.request(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: JSON.stringify(body),
  });
}

async function workflowRunsOf(harness: Harness, pushId: string): Promise<number> {
  let count = 0;
  const runs = harness.runtime.client.workflow.list({ query: `PushId = '${pushId}'` });
  for await (const execution of runs) if (execution.runId) count++;
  return count;
}

run('concurrent requests with one Idempotency-Key start one push', async (t) => {
  const { harness, admin } = t.context;
  const body = { items: ['advisory'], confirm: true };

  const responses = await Promise.all(
    Array.from({ length: 6 }, () =>
      post(harness, admin, `/calendars/${CALENDAR_ID}/pushes`, body, 'key-1'),
    ),
  );
  const bodies = (await Promise.all(responses.map((r) => r.json()))) as { pushId: string }[];
  const pushIds = new Set(bodies.map((b) => b.pushId));
  const pushId = [...pushIds][0] ?? '';
  await waitForPushEnd(harness, admin, pushId);
  const again = await post(harness, admin, `/calendars/${CALENDAR_ID}/pushes`, body, 'key-1');
  const againBody = (await again.json()) as { pushId: string };

  t.deepEqual(
    responses.map((r) => r.status),
    [202, 202, 202, 202, 202, 202],
  );
  t.is(pushIds.size, 1);
  t.is(await workflowRunsOf(harness, pushId), 1);
  t.is(again.status, 202);
  t.is(again.headers.get('idempotent-replayed'), 'true');
  t.is(againBody.pushId, pushId);
});

run('Idempotency-Key reused for another request answers 422', async (t) => {
  const { harness, admin } = t.context;

  const response = await post(
    harness,
    admin,
    `/calendars/${CALENDAR_ID}/pushes`,
    { items: ['categories'], confirm: true },
    'key-1',
  );
  const body = (await response.json()) as { error: string; message: string };

  t.is(response.status, 422);
  t.is(body.error, 'idempotency_key_reused');
  t.regex(body.message, /key-1/);
});

run('concurrent requests without a key start one push and reject the rest', async (t) => {
  const { harness, admin } = t.context;
  // An earlier push reports its end once its summary is stored, a moment before its workflow
  // closes; the requests below must meet only the push they start.
  await waitUntilClosed(harness, pushWorkflowId('calendar', CALENDAR_ID));
  // The app's pushes go to a task queue that no worker polls, so the push that starts stays
  // running while every request arrives, however slow the machine.
  const logger = createLogger('test-queue');
  const stalledApp = createApp({
    collections: harness.runtime.database.collections,
    pushes: createPushService({
      client: harness.runtime.client,
      collections: harness.runtime.database.collections,
      taskQueue: `${harness.runtime.taskQueue}-without-worker`,
      logger,
    }),
    jwtSecret: harness.secret,
    logger,
    checkReadiness: () => harness.runtime.checkReadiness(),
  });

  const responses = await Promise.all(
    Array.from({ length: 4 }, async () =>
      stalledApp.request(`/calendars/${CALENDAR_ID}/pushes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ items: ['advisory'], confirm: true }),
      }),
    ),
  );
  const bodies = (await Promise.all(responses.map((r) => r.json()))) as {
    pushId?: string;
    workflowId?: string;
    runningPushId?: string;
  }[];
  const started = bodies.filter((_, i) => responses[i]?.status === 202);
  const rejected = bodies.filter((_, i) => responses[i]?.status === 409);
  await harness.runtime.client.workflow
    .getHandle(started[0]?.workflowId ?? '')
    .terminate('test done');

  t.is(started.length, 1);
  t.is(rejected.length, 3);
  for (const body of rejected) t.is(body.runningPushId, started[0]?.pushId);
});

run('cancel stops a running push between sections', async (t) => {
  const { harness, admin } = t.context;
  const { collections } = harness.runtime.database;
  await collections.courses.updateMany(
    {},
    { $set: { 'setup.advisory': true }, $inc: { 'versions.advisory': 1 } },
  );
  const started = await harness.runtime.pushes.startCalendarPush({
    calendarId: CALENDAR_ID,
    items: ['advisory'],
    overwriteCategories: false,
    requestedBy: { sub: 'district-admin', role: 'districtAdmin' },
    tuning: { pageSize: 5, maxConcurrentCourses: 1 },
  });
  const running = await waitUntil(
    harness,
    admin,
    started.pushId,
    (view) => (view.progress?.coursesDone ?? 0) >= 2,
  );

  const response = await post(harness, admin, `/pushes/${started.pushId}/cancel`, {});
  const ended = await waitForPushEnd(harness, admin, started.pushId);
  const again = await post(harness, admin, `/pushes/${started.pushId}/cancel`, {});
  const summary = await collections.pushSummaries.findOne({ _id: started.pushId });

  t.is(running.state, 'running');
  t.is(response.status, 202);
  t.is(ended.state, 'cancelled');
  t.true((ended.progress as { coursesDone: number }).coursesDone < COURSES);
  t.is(again.status, 409);
  t.is(summary?.state, 'cancelled');
  t.true(await everySectionWholeOrUntouched(collections));
});

run('retry pushes only the failed courses', async (t) => {
  const { harness, admin } = t.context;
  const { collections } = harness.runtime.database;
  const failed = await harness.runtime.pushes.startCalendarPush({
    calendarId: CALENDAR_ID,
    items: ['categories'],
    overwriteCategories: false,
    requestedBy: { sub: 'district-admin', role: 'districtAdmin' },
    courseIds: ['course-001', 'course-late'],
  });
  const failedView = await waitForPushEnd(harness, admin, failed.pushId);
  await insertCourse(collections, 'course-late', [category]);
  await insertSection(collections, {
    _id: 'course-late-s1',
    courseId: 'course-late',
    teacherIds: ['teacher-1'],
  });

  const response = await post(harness, admin, `/pushes/${failed.pushId}/retry`, {});
  const body = (await response.json()) as { pushId: string; retryOf: string };
  const retried = await waitForPushEnd(harness, admin, body.pushId);
  const section = await collections.sections.findOne({ _id: 'course-late-s1' });

  t.is(failedView.state, 'completedWithErrors');
  t.is(response.status, 202);
  t.is(body.retryOf, failed.pushId);
  t.is(retried.state, 'completed');
  t.deepEqual(retried.courseIds, ['course-late']);
  t.like(retried.progress, { coursesTotal: 1, coursesDone: 1, sectionsUpdated: 1 });
  t.is(section?.setup.categories[0]?.name, 'Tests');
});

run('retry of a push without failures answers 409', async (t) => {
  const { harness, admin } = t.context;
  const started = await harness.runtime.pushes.startCalendarPush({
    calendarId: CALENDAR_ID,
    items: ['advisory'],
    overwriteCategories: false,
    requestedBy: { sub: 'district-admin', role: 'districtAdmin' },
    courseIds: ['course-002'],
  });
  await waitForPushEnd(harness, admin, started.pushId);

  const response = await post(harness, admin, `/pushes/${started.pushId}/retry`, {});

  t.is(response.status, 409);
});

run('list merges summaries and visibility without duplicates', async (t) => {
  const { harness, admin } = t.context;
  const { collections } = harness.runtime.database;
  const old = {
    _id: 'calendar-old-push',
    kind: 'calendar' as const,
    state: 'completed' as const,
    calendarId: CALENDAR_ID,
    schoolId: 'school-1',
    catalogId: null,
    courseIds: null,
    requestedBy: { sub: 'someone', role: 'districtAdmin' },
    items: ['advisory' as const],
    overwriteCategories: false,
    progress: {
      coursesTotal: 1,
      coursesDone: 1,
      coursesFailed: 0,
      sectionsUpdated: 1,
      sectionsUnchanged: 0,
      sectionsFailed: 0,
      currentPage: 1,
    },
    failures: [],
    residual: [],
    residualTotal: 0,
    retryOf: null,
    startedAt: new Date('2020-01-01T00:00:00Z'),
    endedAt: new Date('2020-01-01T00:01:00Z'),
    workflowId: 'push-calendar-calendar-1',
    runId: 'expired-run',
  };
  await collections.pushSummaries.insertOne(old);

  const response = await harness.request('GET', `/pushes?calendarId=${CALENDAR_ID}&limit=200`, {
    token: admin,
  });
  const body = (await response.json()) as { pushes: PushView[] };
  const ids = body.pushes.map((push) => push.pushId);
  const summaries = await collections.pushSummaries.countDocuments({ calendarId: CALENDAR_ID });

  t.is(response.status, 200);
  t.is(new Set(ids).size, ids.length);
  t.true(ids.includes('calendar-old-push'));
  t.is(ids[ids.length - 1], 'calendar-old-push');
  t.true(ids.length >= summaries);
});

run('list pages with the next link', async (t) => {
  const { harness, admin } = t.context;

  const seen: string[] = [];
  let url: string | null = `/pushes?calendarId=${CALENDAR_ID}&limit=2`;
  while (url) {
    const response = await harness.request('GET', url, { token: admin });
    const body = (await response.json()) as { pushes: PushView[]; next: string | null };
    seen.push(...body.pushes.map((push) => push.pushId));
    url = body.next;
  }
  const all = await harness.request('GET', `/pushes?calendarId=${CALENDAR_ID}&limit=200`, {
    token: admin,
  });
  const allBody = (await all.json()) as { pushes: PushView[] };

  t.deepEqual(
    seen,
    allBody.pushes.map((push) => push.pushId),
  );
});

run('list filters by kind, requester and state', async (t) => {
  const { harness, admin } = t.context;

  const response = await harness.request(
    'GET',
    '/pushes?kind=calendar&requestedBy=district-admin&status=cancelled',
    { token: admin },
  );
  const body = (await response.json()) as { pushes: PushView[] };
  const invalid = await harness.request('GET', '/pushes?status=done', { token: admin });

  t.is(response.status, 200);
  t.is(body.pushes.length, 1);
  t.is(body.pushes[0]?.state, 'cancelled');
  t.is(invalid.status, 400);
});

async function waitUntilClosed(harness: Harness, workflowId: string): Promise<void> {
  const handle = harness.runtime.client.workflow.getHandle(workflowId);
  while ((await handle.describe()).status.name === 'RUNNING') {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function waitUntil(
  harness: Harness,
  token: string,
  pushId: string,
  condition: (view: PushView) => boolean,
): Promise<PushView> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await harness.request('GET', `/pushes/${pushId}`, { token });
    if (response.status === 200) {
      const view = (await response.json()) as PushView;
      if (condition(view)) return view;
      if (view.state !== 'queued' && view.state !== 'running')
        throw new Error(`push ${pushId} ended as ${view.state} first`);
    }
    if (Date.now() > deadline)
      throw new Error(`push ${pushId} did not reach the condition in time`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * True when each section either received the course's current advisory version with its value,
 * or kept the value it had before the cancelled push.
 */
async function everySectionWholeOrUntouched(collections: Collections): Promise<boolean> {
  const sections = await collections.sections.find({}).toArray();
  return sections.every((section) =>
    section.received.advisory?.version === 1 ? section.setup.advisory : !section.setup.advisory,
  );
}
