import { Hono } from 'hono';
import { z } from 'zod';
import {
  alignCourse,
  applyMasterToCourse,
  findMasterControl,
  unlinkCourse,
  updateCourseMasterSetup,
} from '../../db/master-repository.js';
import type { CourseDoc } from '../../db/types.js';
import { gradingSetupUpdateSchema, PUSH_ITEMS } from '../../domain/setup.js';
import type { ApiDependencies, AppEnv } from '../context.js';
import { apiError } from '../errors.js';
import { jsonBody } from '../validation.js';
import { documentIdSchema, itemLocksSchema, requireDistrictAdmin } from './catalogs.js';

const masterSetupSchema = z
  .object({
    setup: gradingSetupUpdateSchema.optional(),
    locks: itemLocksSchema.optional(),
  })
  .strict()
  .refine((body) => body.setup !== undefined || body.locks !== undefined, {
    message: 'name "setup", "locks" or both',
  });

const alignSchema = z
  .object({
    /** A course master id, or null to remove the alignment. */
    courseMasterId: documentIdSchema.nullable(),
  })
  .strict();

/** Course masters and the link of courses to them: align, unlink and relink. */
export function courseMasterRoutes({ collections, logger }: ApiDependencies) {
  const app = new Hono<AppEnv>();

  app.get('/course-masters/:masterId', async (c) => {
    requireDistrictAdmin(c.get('claims'), 'read a course master');
    const masterId = c.req.param('masterId');
    const master = await collections.courseMasters.findOne({ _id: masterId });
    if (!master) throw masterNotFound(masterId);
    return c.json(master);
  });

  app.put('/course-masters/:masterId/grading-setup', jsonBody(masterSetupSchema), async (c) => {
    const claims = c.get('claims');
    requireDistrictAdmin(claims, 'change a course master');
    const masterId = c.req.param('masterId');

    const result = await updateCourseMasterSetup(collections, masterId, c.req.valid('json'));
    if (!result) throw masterNotFound(masterId);
    logger.info(
      {
        masterId,
        changedItems: result.changedItems,
        changedLocks: result.changedLocks,
        versions: result.master.versions,
        locks: result.master.locks,
        by: claims.sub,
      },
      'Course master grading setup updated',
    );
    return c.json(result);
  });

  app.put('/courses/:courseId/course-master', jsonBody(alignSchema), async (c) => {
    const claims = c.get('claims');
    requireDistrictAdmin(claims, 'align a course to a course master');
    const courseId = c.req.param('courseId');
    const { courseMasterId } = c.req.valid('json');
    if (courseMasterId !== null) {
      const master = await collections.courseMasters.countDocuments({ _id: courseMasterId });
      if (master === 0) throw masterNotFound(courseMasterId);
    }

    const course = await alignCourse(collections, courseId, courseMasterId);
    if (!course) throw courseNotFound(courseId);
    logger.info({ courseId, courseMasterId, by: claims.sub }, 'Course alignment set');
    return c.json(linkView(course));
  });

  app.post('/courses/:courseId/unlink', async (c) => {
    const claims = c.get('claims');
    requireDistrictAdmin(claims, 'unlink a course from its course master');
    const courseId = c.req.param('courseId');
    const course = await requireAlignedCourse(courseId);

    const unlinked = await unlinkCourse(collections, courseId);
    if (!unlinked) throw courseNotFound(courseId);
    logger.info(
      { courseId, courseMasterId: course.courseMasterId, by: claims.sub },
      'Course unlinked',
    );
    return c.json(linkView(unlinked));
  });

  app.post('/courses/:courseId/relink', async (c) => {
    const claims = c.get('claims');
    requireDistrictAdmin(claims, 'relink a course to its course master');
    const courseId = c.req.param('courseId');
    const course = await requireAlignedCourse(courseId);
    const masterId = course.courseMasterId ?? '';
    const master = await findMasterControl(collections, masterId);
    if (!master) {
      throw apiError(
        409,
        'master_missing',
        `course "${courseId}" is aligned to course master "${masterId}", which does not exist; ` +
          'align it to another master with PUT /courses/:courseId/course-master',
      );
    }

    // A relink is a push of the master's locked items to this one course.
    const result = await applyMasterToCourse(collections, {
      master,
      courseId,
      options: { mode: 'lockedOnly', items: [...PUSH_ITEMS] },
      pushId: null,
      relink: true,
    });
    if (result.outcome === 'notFound') throw courseNotFound(courseId);
    if (result.outcome !== 'updated' && result.outcome !== 'unchanged') {
      throw apiError(
        409,
        'conflict',
        `course "${courseId}" changed its course master during the relink; send the request again`,
      );
    }
    logger.info(
      {
        courseId,
        masterId,
        linkBefore: course.link,
        changedItems: result.changedItems,
        keptCategories: result.residual.map((category) => category.categoryId),
        by: claims.sub,
      },
      'Course relinked',
    );
    return c.json({
      ...linkView(result.course),
      changedItems: result.changedItems,
      keptCategories: result.residual,
      course: result.course,
    });
  });

  async function requireAlignedCourse(courseId: string): Promise<CourseDoc> {
    const course = await collections.courses.findOne({ _id: courseId });
    if (!course) throw courseNotFound(courseId);
    if (course.courseMasterId === null) {
      throw apiError(
        409,
        'not_aligned',
        `course "${courseId}" is not aligned to a course master; align it with ` +
          `PUT /courses/${courseId}/course-master`,
      );
    }
    return course;
  }

  return app;
}

function linkView(course: CourseDoc) {
  return { courseId: course._id, courseMasterId: course.courseMasterId, link: course.link };
}

function masterNotFound(masterId: string) {
  return apiError(
    404,
    'not_found',
    `course master "${masterId}" not found; GET /catalogs/:catalogId lists a catalog's masters`,
  );
}

function courseNotFound(courseId: string) {
  return apiError(
    404,
    'not_found',
    `course "${courseId}" not found; GET /calendars/:calendarId/courses lists them`,
  );
}
