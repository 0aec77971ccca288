import { Hono } from 'hono';
import type { ApiDependencies, AppEnv } from '../context.js';
import { apiError } from '../errors.js';
import { scopeByField, sectionScope } from '../scope.js';

/** Read routes for calendars, courses and sections, limited to what the caller may see. */
export function rosterRoutes({ collections }: ApiDependencies) {
  const app = new Hono<AppEnv>();

  app.get('/calendars', async (c) => {
    const scope = await scopeByField(c.get('claims'), collections, 'calendarId');
    const calendars = await collections.calendars.find(scope).sort({ _id: 1 }).toArray();
    return c.json({ calendars });
  });

  app.get('/calendars/:calendarId/courses', async (c) => {
    const calendarId = c.req.param('calendarId');
    const calendar = await collections.calendars.findOne({ _id: calendarId });
    if (!calendar) throw notFound('calendar', calendarId, 'GET /calendars lists them');
    const scope = await scopeByField(c.get('claims'), collections, 'courseId');
    const courses = await collections.courses
      .find({ $and: [scope, { calendarId }] })
      .sort({ _id: 1 })
      .toArray();
    return c.json({ calendarId, courses });
  });

  app.get('/courses/:courseId', async (c) => {
    const courseId = c.req.param('courseId');
    const scope = await scopeByField(c.get('claims'), collections, 'courseId');
    const course = await collections.courses.findOne({ $and: [scope, { _id: courseId }] });
    if (!course)
      throw notFound('course', courseId, 'GET /calendars/:calendarId/courses lists them');
    return c.json(course);
  });

  app.get('/courses/:courseId/sections', async (c) => {
    const courseId = c.req.param('courseId');
    const course = await collections.courses.findOne({ _id: courseId });
    if (!course)
      throw notFound('course', courseId, 'GET /calendars/:calendarId/courses lists them');
    const sections = await collections.sections
      .find({ $and: [sectionScope(c.get('claims')), { courseId }] })
      .sort({ _id: 1 })
      .toArray();
    return c.json({ courseId, sections });
  });

  app.get('/sections/:sectionId', async (c) => {
    const sectionId = c.req.param('sectionId');
    const section = await collections.sections.findOne({
      $and: [sectionScope(c.get('claims')), { _id: sectionId }],
    });
    if (!section)
      throw notFound('section', sectionId, 'GET /courses/:courseId/sections lists them');
    return c.json(section);
  });

  return app;
}

function notFound(kind: string, id: string, hint: string) {
  return apiError(404, 'not_found', `${kind} "${id}" not found (or not visible to you); ${hint}`);
}
