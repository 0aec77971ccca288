import { Hono } from 'hono';
import { z } from 'zod';
import { PUSH_ITEMS, pushItemSchema } from '../../domain/setup.js';
import type { Claims } from '../../auth/claims.js';
import { PUSH_STATES } from '../../workflows/types.js';
import type { PushView, StartedPush } from '../../pushes/service.js';
import { requireAdmin, requireSchoolAdmin } from '../auth.js';
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

const listQuerySchema = z.object({
  calendarId: z.string().min(1).optional(),
  status: z.enum(PUSH_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

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

    const started = await pushes.startCalendarPush({
      calendarId,
      items: body.items,
      overwriteCategories: body.overwriteCategories,
      requestedBy: requesterOf(claims),
    });
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

    const started = await pushes.startCoursePush({
      courseId,
      items: body.items,
      overwriteCategories: body.overwriteCategories,
      requestedBy: requesterOf(claims),
    });
    return c.json(acceptedBody(started, `/pushes?courseId=${encodeURIComponent(courseId)}`), 202);
  });

  app.get('/pushes', queryParams(listQuerySchema), async (c) => {
    const claims = c.get('claims');
    requireAdmin(claims);
    const query = c.req.valid('query');
    const views = await pushes.listPushes({
      calendarId: query.calendarId,
      state: query.status,
      limit: query.limit,
    });
    return c.json({ pushes: views.filter((view) => canSee(claims, view)) });
  });

  app.get('/pushes/:pushId', async (c) => {
    const pushId = c.req.param('pushId');
    const claims = c.get('claims');
    requireAdmin(claims);
    const view = await pushes.getPush(pushId);
    if (!view || !canSee(claims, view)) {
      throw apiError(404, 'not_found', `push "${pushId}" not found; GET /pushes lists pushes`);
    }
    return c.json(view);
  });

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

function acceptedBody(started: StartedPush, listPath: string) {
  return {
    pushId: started.pushId,
    state: 'queued',
    workflowId: started.workflowId,
    runId: started.runId,
    links: { self: `/pushes/${encodeURIComponent(started.pushId)}`, list: listPath },
  };
}

function requesterOf(claims: Claims) {
  return { sub: claims.sub, role: claims.role, ...(claims.name ? { name: claims.name } : {}) };
}

function canSee(claims: Claims, view: PushView): boolean {
  if (claims.role === 'districtAdmin') return true;
  return view.schoolId !== null && claims.schools.includes(view.schoolId);
}
