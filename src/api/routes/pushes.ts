import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { PUSH_ITEMS, pushItemSchema } from '../../domain/setup.js';
import type { Claims } from '../../auth/claims.js';
import { PUSH_STATES } from '../../workflows/types.js';
import {
  IdempotencyKeyReusedError,
  requestFingerprint,
  startOnce,
} from '../../pushes/idempotency.js';
import type { PushView, StartedPush } from '../../pushes/service.js';
import { requireAdmin, requireSchoolAdmin } from '../auth.js';
import type { Collections } from '../../db/mongo.js';
import type { ApiDependencies, AppEnv } from '../context.js';
import { apiError } from '../errors.js';
import { jsonBody, queryParams } from '../validation.js';

export const pushRequestSchema = z
  .object({
    items: z
      .array(pushItemSchema)
      .min(1, `select at least one item: ${PUSH_ITEMS.join(', ')}`)
      .refine((items) => new Set(items).size === items.length, 'list each item once')
      .default([...PUSH_ITEMS]),
    overwriteCategories: z.boolean().default(false),
    confirm: z.boolean().optional(),
  })
  .strict();

const listQuerySchema = z
  .object({
    calendarId: z.string().min(1).optional(),
    schoolId: z.string().min(1).optional(),
    courseId: z.string().min(1).optional(),
    catalogId: z.string().min(1).optional(),
    kind: z.enum(['calendar', 'course', 'catalog']).optional(),
    requestedBy: z.string().min(1).optional(),
    status: z.enum(PUSH_STATES).optional(),
    since: z.iso.datetime({ offset: true }).optional(),
    before: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(200, 'an Idempotency-Key has at most 200 characters');

/** Starts a push, once per Idempotency-Key when the client sends one. */
export async function startWithKey(
  collections: Collections,
  c: Context<AppEnv>,
  scope: string,
  body: unknown,
  start: () => Promise<StartedPush>,
) {
  const header = c.req.header('idempotency-key');
  if (header === undefined) return { started: await start(), replayed: false };
  const key = idempotencyKeySchema.safeParse(header);
  if (!key.success) {
    throw apiError(
      400,
      'invalid_request',
      `invalid Idempotency-Key header: ${key.error.issues[0]?.message}`,
    );
  }
  try {
    return await startOnce(
      collections,
      {
        requester: c.get('claims').sub,
        key: key.data,
        fingerprint: requestFingerprint(scope, body),
      },
      start,
    );
  } catch (error) {
    if (error instanceof IdempotencyKeyReusedError)
      throw apiError(422, 'idempotency_key_reused', error.message);
    throw error;
  }
}

export function pushRoutes({ collections, pushes }: ApiDependencies) {
  const app = new Hono<AppEnv>();

  app.post('/calendars/:calendarId/pushes', jsonBody(pushRequestSchema), async (c) => {
    const calendarId = c.req.param('calendarId');
    const claims = c.get('claims');
    const body = c.req.valid('json');
    const calendar = await collections.calendars.findOne({ _id: calendarId });
    if (!calendar) {
      throw apiError(
        404,
        'not_found',
        `calendar "${calendarId}" not found; GET /calendars lists them`,
      );
    }
    requireSchoolAdmin(claims, calendar.schoolId, `push grading setup in calendar "${calendarId}"`);
    if (body.confirm !== true) {
      throw confirmationRequired(
        `calendar "${calendarId}"`,
        `/calendars/${calendarId}/pushes/preview`,
      );
    }

    const { started, replayed } = await startWithKey(
      collections,
      c,
      `calendar:${calendarId}`,
      body,
      () =>
        pushes.startCalendarPush({
          calendarId,
          items: body.items,
          overwriteCategories: body.overwriteCategories,
          requestedBy: requesterOf(claims),
        }),
    );
    if (replayed) c.header('Idempotent-Replayed', 'true');
    return c.json(
      acceptedBody(started, `/pushes?calendarId=${encodeURIComponent(calendarId)}`),
      202,
    );
  });

  app.post('/courses/:courseId/pushes', jsonBody(pushRequestSchema), async (c) => {
    const courseId = c.req.param('courseId');
    const claims = c.get('claims');
    const body = c.req.valid('json');
    const course = await collections.courses.findOne(
      { _id: courseId },
      { projection: { schoolId: 1 } },
    );
    if (!course) {
      throw apiError(
        404,
        'not_found',
        `course "${courseId}" not found; GET /calendars/:calendarId/courses lists them`,
      );
    }
    requireSchoolAdmin(claims, course.schoolId, `push the grading setup of course "${courseId}"`);
    if (body.confirm !== true) {
      throw confirmationRequired(`course "${courseId}"`, `/courses/${courseId}/pushes/preview`);
    }

    const { started, replayed } = await startWithKey(
      collections,
      c,
      `course:${courseId}`,
      body,
      () =>
        pushes.startCoursePush({
          courseId,
          items: body.items,
          overwriteCategories: body.overwriteCategories,
          requestedBy: requesterOf(claims),
        }),
    );
    if (replayed) c.header('Idempotent-Replayed', 'true');
    return c.json(acceptedBody(started, `/pushes?courseId=${encodeURIComponent(courseId)}`), 202);
  });

  app.get('/pushes', queryParams(listQuerySchema), async (c) => {
    const claims = c.get('claims');
    requireAdmin(claims);
    const query = c.req.valid('query');
    const page = await pushes.listPushes({
      calendarId: query.calendarId,
      schoolId: query.schoolId,
      schoolIds: claims.role === 'schoolAdmin' ? claims.schools : undefined,
      courseId: query.courseId,
      catalogId: query.catalogId,
      kind: query.kind,
      requestedBy: query.requestedBy,
      state: query.status,
      startedAfter: query.since ? new Date(query.since) : undefined,
      startedBefore: query.before ? new Date(query.before) : undefined,
      limit: query.limit,
    });
    const next = page.nextBefore ? nextPageLink(c.req.url, page.nextBefore) : null;
    return c.json({ pushes: page.pushes.filter((view) => canSee(claims, view)), next });
  });

  app.get('/pushes/:pushId', async (c) => {
    const view = await visiblePush(c);
    return c.json(view);
  });

  app.post('/pushes/:pushId/cancel', async (c) => {
    const view = await visiblePush(c);
    await pushes.cancelPush(view.pushId, requesterOf(c.get('claims')));
    return c.json(
      { pushId: view.pushId, state: 'cancelling', links: { self: pushLink(view.pushId) } },
      202,
    );
  });

  app.post('/pushes/:pushId/retry', async (c) => {
    const view = await visiblePush(c);
    const started = await pushes.retryPush(view.pushId, requesterOf(c.get('claims')));
    return c.json({ ...acceptedBody(started, '/pushes'), retryOf: view.pushId }, 202);
  });

  async function visiblePush(c: Context<AppEnv>): Promise<PushView> {
    const pushId = c.req.param('pushId') ?? '';
    const claims = c.get('claims');
    requireAdmin(claims);
    const view = await pushes.getPush(pushId);
    if (!view || !canSee(claims, view)) {
      throw apiError(404, 'not_found', `push "${pushId}" not found; GET /pushes lists pushes`);
    }
    return view;
  }

  return app;
}

function confirmationRequired(scope: string, previewPath: string) {
  return apiError(
    422,
    'confirmation_required',
    `a push replaces the selected items on every section of ${scope} and can change live grades; ` +
      `preview it with POST ${previewPath}, then send the request again with "confirm": true`,
  );
}

function pushLink(pushId: string): string {
  return `/pushes/${encodeURIComponent(pushId)}`;
}

function nextPageLink(requestUrl: string, before: string): string {
  const url = new URL(requestUrl);
  url.searchParams.set('before', before);
  return `${url.pathname}${url.search}`;
}

function acceptedBody(started: StartedPush, listPath: string) {
  return {
    pushId: started.pushId,
    state: 'queued',
    workflowId: started.workflowId,
    runId: started.runId,
    links: { self: pushLink(started.pushId), list: listPath },
  };
}

export function requesterOf(claims: Claims) {
  return { sub: claims.sub, role: claims.role, ...(claims.name ? { name: claims.name } : {}) };
}

function canSee(claims: Claims, view: PushView): boolean {
  if (claims.role === 'districtAdmin') return true;
  return view.schoolId !== null && claims.schools.includes(view.schoolId);
}
