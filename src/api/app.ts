import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { authentication } from './auth.js';
import type { ApiDependencies, AppEnv } from './context.js';
import { apiError, createErrorHandler } from './errors.js';
import { catalogRoutes } from './routes/catalogs.js';
import { courseMasterRoutes } from './routes/course-masters.js';
import { courseRoutes } from './routes/courses.js';
import { healthRoutes } from './routes/health.js';
import { notificationRoutes } from './routes/notifications.js';
import { pushRoutes } from './routes/pushes.js';
import { previewRoutes } from './routes/preview.js';
import { reportRoutes } from './routes/reports.js';
import { rosterRoutes } from './routes/roster.js';
import { sectionCategoryRoutes } from './routes/section-categories.js';

/** Largest request body the API reads; a full grading setup is a few KiB. */
const MAX_BODY_BYTES = 512 * 1024;

/** Builds the HTTP API. Only the server entry calls `serve`; tests call `app.request()`. */
export function createApp(deps: ApiDependencies) {
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    const requestId = c.req.header('x-request-id') ?? randomUUID();
    c.set('requestId', requestId);
    const started = performance.now();

    await next();

    c.header('x-request-id', requestId);
    deps.logger.info(
      {
        requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
        sub: c.get('claims')?.sub,
      },
      'Request handled',
    );
  });

  app.route('/', healthRoutes(deps));
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw apiError(
          413,
          'payload_too_large',
          `the request body is larger than ${MAX_BODY_BYTES / 1024} KiB; send a smaller setup`,
        );
      },
    }),
  );
  app.use('*', authentication(deps.jwtSecret));
  app.route('/', rosterRoutes(deps));
  app.route('/', courseRoutes(deps));
  app.route('/', catalogRoutes(deps));
  app.route('/', courseMasterRoutes(deps));
  app.route('/', reportRoutes(deps));
  app.route('/', pushRoutes(deps));
  app.route('/', notificationRoutes(deps));
  app.route('/', sectionCategoryRoutes(deps));
  app.route('/', previewRoutes(deps));

  app.notFound((c) =>
    c.json({ error: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` }, 404),
  );
  app.onError(createErrorHandler(deps.logger));
  return app;
}

export type App = ReturnType<typeof createApp>;
