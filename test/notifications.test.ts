import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { workflowIdPrefix } from '../src/config.js';
import anyTest, { type TestFn } from 'ava';
import { importOneRoster } from '../src/import/index.js';
import { storeNotification } from '../src/db/notification-repository.js';
import {
  notificationsStatsQuery,
  notificationsWorkflowId,
  pushEndedSignal,
  workflowTypes,
} from '../src/workflows/definitions.js';
import type {
  NotificationsInput,
  NotificationsStats,
  PushEndedNotice,
} from '../src/workflows/notification-types.js';
import { createLogger } from '../src/logger.js';
import { createPushWorker } from '../src/worker/worker.js';
import {
  hasServices,
  hasSharedData,
  sharedOneRoster,
  startHarness,
  waitForPushEnd,
  type Harness,
} from './helpers/integration.js';

const test = anyTest as TestFn<{ harness: Harness }>;
const run = hasServices && hasSharedData ? test.serial : test.serial.skip;

/**
 * The imported calendar or0001-2021 under an id of this file. Temporal allows one push workflow
 * per calendar in the whole namespace, so pushes of or0001-2021 by other test files running at
 * the same time would be rejected as conflicts.
 */
const calendarId = 'notify-or0001-2021';

/** An inbox entry as GET /notifications returns it. */
interface NotificationView extends Omit<PushEndedNotice, 'requestedBy'> {
  id: string;
  type: string;
  createdAt: string;
  read: boolean;
  readAt: string | null;
  delivery: {
    state: 'pending' | 'delivered' | 'failed';
    attempts: number;
    lastStatus: number | null;
    lastError: string | null;
    at: string;
  } | null;
}

interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  close: () => Promise<void>;
}

test.before(async (t) => {
  if (!hasServices || !hasSharedData) return;
  const harness = await startHarness('notify');
  const report = await importOneRoster(
    harness.runtime.database.collections,
    path.join(sharedOneRoster, 'roster-hub-en'),
  );
  t.is(report.counts.sections.rejected, 0);
  const { calendars, courses, sections } = harness.runtime.database.collections;
  const imported = await calendars.findOne({ _id: 'or0001-2021' });
  await calendars.insertOne({ ...imported!, _id: calendarId });
  await courses.updateMany({ calendarId: 'or0001-2021' }, { $set: { calendarId } });
  await sections.updateMany({ calendarId: 'or0001-2021' }, { $set: { calendarId } });
  t.context = { harness };
});

test.after.always(async (t) => {
  await t.context.harness?.close();
});

/** Starts an HTTP receiver on 127.0.0.1 that responds to the nth request (from 0) with status(n). */
async function startReceiver(status: (index: number) => number): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const code = status(requests.length);
      requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(code, { 'content-type': 'text/plain' });
      response.end(code < 300 ? 'ok' : 'bad hook');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/gradepush`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  label: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${label}: ${JSON.stringify(value)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function inbox(harness: Harness, token: string, query = ''): Promise<NotificationView[]> {
  const response = await harness.request('GET', `/notifications${query}`, { token });
  if (response.status !== 200) {
    throw new Error(`GET /notifications returned ${response.status}: ${await response.text()}`);
  }
  return ((await response.json()) as { notifications: NotificationView[] }).notifications;
}

/** Runs a push of the calendar as the token's user and waits for it to end. */
async function pushAndWait(harness: Harness, token: string): Promise<string> {
  const response = await harness.request('POST', `/calendars/${calendarId}/pushes`, {
    token,
    body: { items: ['advisory'], confirm: true },
  });
  const body = (await response.json()) as { pushId: string };
  if (response.status !== 202) throw new Error(`push returned ${response.status}`);
  await waitForPushEnd(harness, token, body.pushId);
  return body.pushId;
}

async function setWebhook(harness: Harness, token: string, body: unknown) {
  const response = await harness.request('PUT', '/me/webhook', { token, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function noticeOf(entry: NotificationView, sub: string): PushEndedNotice {
  return {
    pushId: entry.pushId,
    kind: entry.kind,
    state: entry.state,
    requestedBy: { sub, role: 'districtAdmin' },
    scope: entry.scope,
    progress: entry.progress,
    failuresCount: entry.failuresCount,
    error: entry.error,
    startedAt: entry.startedAt,
    endedAt: entry.endedAt,
  };
}

function handledCount(counts: NotificationsStats): number {
  return counts.ignoredRepeats + counts.stored + counts.alreadyStored;
}

async function stats(harness: Harness, sub: string): Promise<NotificationsStats> {
  return harness.runtime.client.workflow
    .getHandle(notificationsWorkflowId(sub, workflowIdPrefix()))
    .query(notificationsStatsQuery);
}

/** Sends the notice again to the running notification workflow and waits until it is ignored. */
async function resendToRunningWorkflow(harness: Harness, notice: PushEndedNotice) {
  const sub = notice.requestedBy.sub;
  const before = await stats(harness, sub);
  await harness.runtime.client.workflow
    .getHandle(notificationsWorkflowId(sub, workflowIdPrefix()))
    .signal(pushEndedSignal, notice);
  return waitFor(
    () => stats(harness, sub),
    (after) => handledCount(after) > handledCount(before),
    'the repeated notice to be handled',
  );
}

/**
 * Terminates the user's notification workflow, so nothing of its memory survives, and sends the
 * notice again with signal-with-start, as a retried notifyPushEnded activity would.
 */
async function resendToNewRun(harness: Harness, notice: PushEndedNotice) {
  const sub = notice.requestedBy.sub;
  const { client } = harness.runtime;
  await client.workflow
    .getHandle(notificationsWorkflowId(sub, workflowIdPrefix()))
    .terminate('drop the run memory');
  const input: NotificationsInput = { sub };
  await client.workflow.signalWithStart(workflowTypes.notifications, {
    workflowId: notificationsWorkflowId(sub, workflowIdPrefix()),
    taskQueue: harness.runtime.taskQueue,
    args: [input],
    signal: pushEndedSignal,
    signalArgs: [notice],
  });
  return waitFor(
    () => stats(harness, sub),
    (after) => handledCount(after) === 1 && after.deliveriesInFlight === 0,
    'the new run to handle the notice',
  );
}

function verifySignature(request: ReceivedRequest, secret: string): boolean {
  const timestamp = String(request.headers['x-gradepush-timestamp']);
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex')}`,
  );
  const actual = Buffer.from(String(request.headers['x-gradepush-signature']));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

run('push end stores one inbox entry', async (t) => {
  const { harness } = t.context;
  const sub = 'notify-inbox';
  const token = await harness.token({ sub, role: 'districtAdmin' });

  const pushId = await pushAndWait(harness, token);
  const [entry] = await waitFor(
    () => inbox(harness, token),
    (entries) => entries.length > 0,
    'the inbox entry',
  );

  t.is(entry?.id, `${sub}:${pushId}`);
  t.is(entry?.pushId, pushId);
  t.is(entry?.type, 'push.ended');
  t.is(entry?.kind, 'calendar');
  t.is(entry?.state, 'completed');
  t.deepEqual(entry?.scope, { calendarId, schoolId: 'or0001', courseIds: null });
  t.like(entry?.progress, { coursesTotal: 2, coursesDone: 2, coursesFailed: 0 });
  t.is(entry?.failuresCount, 0);
  t.false(entry?.read);
  t.is(entry?.delivery, null);
  t.is((await inbox(harness, token, '?unread=true')).length, 1);

  const firstRead = await harness.request('POST', `/notifications/${entry!.id}/read`, { token });
  const secondRead = await harness.request('POST', `/notifications/${entry!.id}/read`, { token });
  const firstReadBody = (await firstRead.json()) as NotificationView;
  const secondReadBody = (await secondRead.json()) as NotificationView;
  t.is(firstRead.status, 200);
  t.is(secondRead.status, 200);
  t.true(firstReadBody.read);
  t.is(secondReadBody.readAt, firstReadBody.readAt);
  t.is((await inbox(harness, token, '?unread=true')).length, 0);

  const notice = noticeOf(entry!, sub);
  const sameRun = await resendToRunningWorkflow(harness, notice);
  t.is(sameRun.ignoredRepeats, 1);
  t.is(sameRun.stored, 1);
  t.is((await inbox(harness, token)).length, 1);

  const newRun = await resendToNewRun(harness, notice);
  t.is(newRun.alreadyStored, 1);
  t.is(newRun.stored, 0);
  const after = await inbox(harness, token);
  t.is(after.length, 1);
  t.is(after[0]?.readAt, firstReadBody.readAt);
});

run('inbox is private to its user', async (t) => {
  const { harness } = t.context;
  const owner = await harness.token({ sub: 'notify-owner', role: 'districtAdmin' });
  const teacher = await harness.token({ sub: 'notify-teacher', role: 'teacher' });
  const { entry } = await storeNotification(harness.runtime.database.collections, {
    pushId: 'calendar-private-1',
    kind: 'calendar',
    state: 'completed',
    requestedBy: { sub: 'notify-owner', role: 'districtAdmin' },
    scope: { calendarId, schoolId: 'or0001', courseIds: null },
    progress: {
      coursesTotal: 0,
      coursesDone: 0,
      coursesFailed: 0,
      sectionsUpdated: 0,
      sectionsUnchanged: 0,
      sectionsFailed: 0,
      currentPage: 0,
    },
    failuresCount: 0,
    error: null,
    startedAt: new Date().toISOString(),
    endedAt: new Date().toISOString(),
  });

  const teacherInbox = await inbox(harness, teacher);
  const teacherRead = await harness.request('POST', `/notifications/${entry._id}/read`, {
    token: teacher,
  });
  const ownerInbox = await inbox(harness, owner);
  const unknown = await harness.request('POST', '/notifications/notify-owner:nope/read', {
    token: owner,
  });
  const anonymous = await harness.request('GET', '/notifications');

  t.deepEqual(teacherInbox, []);
  t.is(teacherRead.status, 404);
  t.deepEqual(
    ownerInbox.map((view) => [view.id, view.read]),
    [[entry._id, false]],
  );
  t.is(unknown.status, 404);
  t.is(anonymous.status, 401);
});

run('webhook settings are validated and removable', async (t) => {
  const { harness } = t.context;
  const sub = 'notify-settings';
  const token = await harness.token({ sub, role: 'teacher' });
  const { webhooks } = harness.runtime.database.collections;

  const ftp = await setWebhook(harness, token, { url: 'ftp://127.0.0.1/hook' });
  const relative = await setWebhook(harness, token, { url: '/hook' });
  const shortSecret = await setWebhook(harness, token, {
    url: 'http://127.0.0.1:9/hook',
    secret: 'short',
  });
  const unknownField = await setWebhook(harness, token, {
    url: 'http://127.0.0.1:9/hook',
    events: ['push.ended'],
  });
  const generated = await setWebhook(harness, token, { url: 'https://127.0.0.1:9/hook' });
  const stored = await webhooks.findOne({ _id: sub });
  const withOwnSecret = await setWebhook(harness, token, {
    url: 'http://127.0.0.1:9/other',
    secret: 'a-secret-of-the-receiver',
  });
  const replaced = await webhooks.findOne({ _id: sub });
  const deleted = await harness.request('DELETE', '/me/webhook', { token });
  const deletedAgain = await harness.request('DELETE', '/me/webhook', { token });

  t.is(ftp.status, 400);
  t.regex(String(ftp.body.message), /url/);
  t.is(relative.status, 400);
  t.is(shortSecret.status, 400);
  t.regex(String(shortSecret.body.message), /secret/);
  t.is(unknownField.status, 400);
  t.is(generated.status, 200);
  t.regex(String(generated.body.secret), /^[0-9a-f]{64}$/);
  t.is(stored?.secret, String(generated.body.secret));
  t.is(withOwnSecret.status, 200);
  t.false('secret' in withOwnSecret.body);
  t.is(replaced?.url, 'http://127.0.0.1:9/other');
  t.is(replaced?.secret, 'a-secret-of-the-receiver');
  t.is(deleted.status, 204);
  t.is(deletedAgain.status, 204);
  t.is(await webhooks.findOne({ _id: sub }), null);
});

run('webhook gets one signed delivery', async (t) => {
  const { harness } = t.context;
  const sub = 'notify-webhook';
  const token = await harness.token({ sub, role: 'districtAdmin' });
  const receiver = await startReceiver(() => 200);
  t.teardown(receiver.close);

  const { status, body } = await setWebhook(harness, token, { url: receiver.url });
  t.is(status, 200);
  const secret = String(body.secret);
  const pushId = await pushAndWait(harness, token);
  const [entry] = await waitFor(
    () => inbox(harness, token),
    (entries) => entries[0]?.delivery?.state === 'delivered',
    'the delivered entry',
  );

  t.is(receiver.requests.length, 1);
  const request = receiver.requests[0]!;
  t.true(verifySignature(request, secret));
  t.false(verifySignature(request, 'another secret'));
  t.is(request.headers['idempotency-key'], `${sub}:${pushId}`);
  t.is(request.headers['content-type'], 'application/json');
  t.true(Math.abs(Number(request.headers['x-gradepush-timestamp']) - Date.now() / 1000) < 60);
  const payload = JSON.parse(request.body) as Record<string, unknown>;
  t.like(payload, { id: `${sub}:${pushId}`, type: 'push.ended', pushId, state: 'completed' });
  t.false(request.body.includes(secret));
  t.like(entry?.delivery, { state: 'delivered', attempts: 1, lastStatus: 200, lastError: null });

  const notice = noticeOf(entry!, sub);
  await resendToRunningWorkflow(harness, notice);
  await resendToNewRun(harness, notice);
  t.is(receiver.requests.length, 1);
  t.is((await inbox(harness, token)).length, 1);
});

run('webhook returning 500 is retried until delivered', async (t) => {
  const { harness } = t.context;
  const sub = 'notify-retry';
  const token = await harness.token({ sub, role: 'schoolAdmin', schools: ['or0001'] });
  const receiver = await startReceiver((index) => (index === 0 ? 500 : 200));
  t.teardown(receiver.close);
  const secret = 'a-secret-of-the-receiver';

  await setWebhook(harness, token, { url: receiver.url, secret });
  await pushAndWait(harness, token);
  const [entry] = await waitFor(
    () => inbox(harness, token),
    (entries) => entries[0]?.delivery?.state === 'delivered',
    'the delivered entry',
  );

  t.is(receiver.requests.length, 2);
  const [first, second] = receiver.requests;
  t.is(first?.body, second?.body);
  t.is(first?.headers['idempotency-key'], entry?.id);
  t.is(second?.headers['idempotency-key'], entry?.id);
  t.true(verifySignature(first!, secret));
  t.true(verifySignature(second!, secret));
  t.like(entry?.delivery, { state: 'delivered', attempts: 2, lastStatus: 200, lastError: null });
});

run('webhook returning 400 gets one attempt', async (t) => {
  const { harness } = t.context;
  const sub = 'notify-rejected';
  const token = await harness.token({ sub, role: 'districtAdmin' });
  const receiver = await startReceiver(() => 400);
  t.teardown(receiver.close);

  await setWebhook(harness, token, { url: receiver.url });
  await pushAndWait(harness, token);
  const [entry] = await waitFor(
    () => inbox(harness, token),
    (entries) => entries[0]?.delivery?.state === 'failed',
    'the failed delivery',
  );

  t.is(receiver.requests.length, 1);
  t.is(entry?.delivery?.attempts, 1);
  t.is(entry?.delivery?.lastStatus, 400);
  t.regex(String(entry?.delivery?.lastError), /returned HTTP 400: bad hook/);
  t.is(entry?.state, 'completed');
});

run('notification workflow continues as new without losing notices', async (t) => {
  const { harness } = t.context;
  const sub = 'notify-continue';
  const token = await harness.token({ sub, role: 'teacher' });
  const { client, namespace, database } = harness.runtime;
  // No worker polls this queue until every signal is in the first run's history, so that run
  // contains more notices than it may handle and has to carry the rest into the next run.
  const taskQueue = `${harness.runtime.taskQueue}-continue`;
  const input: NotificationsInput = { sub, tuning: { continueAsNewAfterNotices: 2 } };
  const handle = await client.workflow.start(workflowTypes.notifications, {
    workflowId: notificationsWorkflowId(sub, workflowIdPrefix()),
    taskQueue,
    args: [input],
  });
  const pushIds = ['calendar-can-1', 'calendar-can-2', 'calendar-can-3', 'calendar-can-4'];
  for (const pushId of pushIds) {
    await handle.signal(pushEndedSignal, {
      pushId,
      kind: 'calendar',
      state: 'completed',
      requestedBy: { sub, role: 'teacher' },
      scope: { calendarId, schoolId: 'or0001', courseIds: null },
      progress: {
        coursesTotal: 1,
        coursesDone: 1,
        coursesFailed: 0,
        sectionsUpdated: 1,
        sectionsUnchanged: 0,
        sectionsFailed: 0,
        currentPage: 1,
      },
      failuresCount: 0,
      error: null,
      startedAt: new Date().toISOString(),
      endedAt: new Date().toISOString(),
    });
  }
  const worker = await createPushWorker({
    temporalAddress: process.env.TEMPORAL_ADDRESS!,
    namespace,
    taskQueue,
    collections: database.collections,
    logger: createLogger('test-notify-continue'),
  });
  const running = worker.run();
  t.teardown(async () => {
    await worker.shutdown();
    await running.catch(() => undefined);
  });

  const entries = await waitFor(
    () => inbox(harness, token),
    (list) => list.length >= pushIds.length,
    'an entry per notice',
  );
  const firstRun = await client.workflow
    .getHandle(notificationsWorkflowId(sub, workflowIdPrefix()), handle.firstExecutionRunId)
    .fetchHistory();
  const events = firstRun.events ?? [];
  const signalsInFirstRun = events.filter(
    (event) => event.workflowExecutionSignaledEventAttributes,
  );
  const continuedAsNew = events.some(
    (event) => event.workflowExecutionContinuedAsNewEventAttributes,
  );
  const current = await client.workflow
    .getHandle(notificationsWorkflowId(sub, workflowIdPrefix()))
    .describe();

  t.deepEqual(entries.map((entry) => entry.pushId).sort(), pushIds);
  t.is(signalsInFirstRun.length, pushIds.length);
  t.true(continuedAsNew);
  t.not(current.runId, handle.firstExecutionRunId);
  t.is(current.status.name, 'RUNNING');
});

run('cancelled push notifies its requester', async (t) => {
  const { harness } = t.context;
  const sub = 'notify-cancel';
  const token = await harness.token({ sub, role: 'districtAdmin' });

  const response = await harness.request('POST', `/calendars/${calendarId}/pushes`, {
    token,
    body: { items: ['advisory'], confirm: true },
  });
  const started = (await response.json()) as { pushId: string; workflowId: string };
  await harness.runtime.client.workflow.getHandle(started.workflowId).cancel();
  const ended = await waitForPushEnd(harness, token, started.pushId);
  const [entry] = await waitFor(
    () => inbox(harness, token),
    (entries) => entries.length > 0,
    'the inbox entry',
  );

  t.is(ended.state, 'cancelled');
  t.is(entry?.pushId, started.pushId);
  t.is(entry?.state, 'cancelled');
  t.is(entry?.error, null);
});
