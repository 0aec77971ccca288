import { Hono } from 'hono';
import { z } from 'zod';
import {
  DEFAULT_PREVIEW_LIMIT,
  MAX_PREVIEW_LIMIT,
  PreviewConflictError,
  previewCalendarPush,
  previewCoursePush,
  type PushPreview,
} from '../../preview/preview.js';
import { requireSchoolAdmin } from '../auth.js';
import type { ApiDependencies, AppEnv } from '../context.js';
import { apiError } from '../errors.js';
import { jsonBody, queryParams } from '../validation.js';
import { pushRequestSchema } from './pushes.js';

const previewQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PREVIEW_LIMIT).default(DEFAULT_PREVIEW_LIMIT),
  after: z.string().min(1).optional(),
});

/**
 * Push previews take the same body as the push routes (`confirm` is accepted and ignored) and
 * return what the push would do to each section, without writing anything.
 */
export function previewRoutes({ collections, logger }: ApiDependencies) {
  const app = new Hono<AppEnv>();

  app.post(
    '/calendars/:calendarId/pushes/preview',
    jsonBody(pushRequestSchema),
    queryParams(previewQuerySchema),
    async (c) => {
      const calendarId = c.req.param('calendarId');
      const claims = c.get('claims');
      const calendar = await collections.calendars.findOne({ _id: calendarId });
      if (!calendar) {
        throw apiError(
          404,
          'not_found',
          `calendar "${calendarId}" not found; GET /calendars lists them`,
        );
      }
      requireSchoolAdmin(
        claims,
        calendar.schoolId,
        `preview a push of grading setup in calendar "${calendarId}"`,
      );
      const body = c.req.valid('json');
      const query = c.req.valid('query');

      const preview = await withConflictAnswer(() =>
        previewCalendarPush(collections, calendar, {
          items: body.items,
          overwriteCategories: body.overwriteCategories,
          after: query.after ?? null,
          limit: query.limit,
        }),
      );
      logPreview(logger, preview, claims.sub);
      return c.json(preview);
    },
  );

  app.post(
    '/courses/:courseId/pushes/preview',
    jsonBody(pushRequestSchema),
    queryParams(previewQuerySchema),
    async (c) => {
      const courseId = c.req.param('courseId');
      const claims = c.get('claims');
      const course = await collections.courses.findOne(
        { _id: courseId },
        { projection: { calendarId: 1, schoolId: 1 } },
      );
      if (!course) {
        throw apiError(
          404,
          'not_found',
          `course "${courseId}" not found; GET /calendars/:calendarId/courses lists them`,
        );
      }
      requireSchoolAdmin(
        claims,
        course.schoolId,
        `preview a push of the grading setup of course "${courseId}"`,
      );
      const body = c.req.valid('json');
      const query = c.req.valid('query');

      const preview = await withConflictAnswer(() =>
        previewCoursePush(collections, course, {
          items: body.items,
          overwriteCategories: body.overwriteCategories,
          after: query.after ?? null,
          limit: query.limit,
        }),
      );
      logPreview(logger, preview, claims.sub);
      return c.json(preview);
    },
  );

  return app;
}

async function withConflictAnswer(run: () => Promise<PushPreview>): Promise<PushPreview> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PreviewConflictError) {
      throw apiError(409, 'conflict', error.message);
    }
    throw error;
  }
}

function logPreview(logger: ApiDependencies['logger'], preview: PushPreview, sub: string): void {
  logger.info(
    { scope: preview.scope, totals: preview.totals, nextAfter: preview.nextAfter, by: sub },
    'Push previewed',
  );
}
