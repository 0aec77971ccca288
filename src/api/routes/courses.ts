import { Hono } from 'hono';
import { checkSetupAgainstTerms, gradingSetupUpdateSchema } from '../../domain/setup.js';
import { updateCourseSetup } from '../../db/course-repository.js';
import { requireSchoolAdmin } from '../auth.js';
import type { ApiDependencies, AppEnv } from '../context.js';
import { apiError } from '../errors.js';
import { jsonBody } from '../validation.js';

export function courseRoutes({ collections, logger }: ApiDependencies) {
  const app = new Hono<AppEnv>();

  app.put('/courses/:courseId/grading-setup', jsonBody(gradingSetupUpdateSchema), async (c) => {
    const courseId = c.req.param('courseId');
    const claims = c.get('claims');
    const course = await collections.courses.findOne(
      { _id: courseId },
      { projection: { schoolId: 1, calendarId: 1 } },
    );
    if (!course) {
      throw apiError(
        404,
        'not_found',
        `course "${courseId}" not found; GET /calendars/:calendarId/courses lists them`,
      );
    }
    requireSchoolAdmin(claims, course.schoolId, `change the grading setup of course "${courseId}"`);

    const update = c.req.valid('json');
    const calendar = await collections.calendars.findOne({ _id: course.calendarId });
    const problems = checkSetupAgainstTerms(
      update,
      calendar?.terms.map((term) => term.id) ?? [],
      course.calendarId,
    );
    if (problems.length > 0) {
      throw apiError(400, 'invalid_request', `invalid request: ${problems.join('; ')}`, problems);
    }
    const result = await updateCourseSetup(collections, courseId, update);
    logger.info(
      {
        courseId,
        changedItems: result.changedItems,
        versions: result.course.versions,
        by: claims.sub,
      },
      'Course grading setup updated',
    );
    return c.json({ changedItems: result.changedItems, course: result.course });
  });

  return app;
}
