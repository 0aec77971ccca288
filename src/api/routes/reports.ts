import { Hono } from 'hono';
import { findCourseStatus, findCoursesAwaitingPush } from '../../db/report-repository.js';
import { requireAdmin, requireSchoolAdmin } from '../auth.js';
import type { ApiDependencies, AppEnv } from '../context.js';
import { apiError } from '../errors.js';

/**
 * Reports computed at request time from the versions and link fields that courses and sections
 * record: Course Awaiting Push (per calendar) and Course Status (per course master).
 */
export function reportRoutes({ collections }: ApiDependencies) {
  const app = new Hono<AppEnv>();

  app.get('/calendars/:calendarId/awaiting-push', async (c) => {
    const calendarId = c.req.param('calendarId');
    const calendar = await collections.calendars.findOne(
      { _id: calendarId },
      { projection: { schoolId: 1 } },
    );
    if (!calendar) {
      throw apiError(
        404,
        'not_found',
        `calendar "${calendarId}" not found; GET /calendars lists them`,
      );
    }
    requireSchoolAdmin(
      c.get('claims'),
      calendar.schoolId,
      `read the Course Awaiting Push report of calendar "${calendarId}"`,
    );

    const courses = await findCoursesAwaitingPush(collections, calendarId);
    return c.json({
      calendarId,
      generatedAt: new Date().toISOString(),
      coursesAwaiting: courses.length,
      courses,
    });
  });

  app.get('/course-masters/:masterId/status', async (c) => {
    const claims = c.get('claims');
    requireAdmin(claims);
    const masterId = c.req.param('masterId');
    const master = await collections.courseMasters.findOne({ _id: masterId });
    if (!master) {
      throw apiError(
        404,
        'not_found',
        `course master "${masterId}" not found; GET /catalogs/:catalogId lists a catalog's masters`,
      );
    }

    // A school admin gets only the courses of the schools they administer.
    const schoolIds = claims.role === 'districtAdmin' ? null : claims.schools;
    const report = await findCourseStatus(collections, master, schoolIds);
    return c.json({
      ...report,
      title: master.title,
      catalogId: master.catalogId,
      generatedAt: new Date().toISOString(),
    });
  });

  return app;
}
