import { Hono } from 'hono';
import type { ApiDependencies, AppEnv } from '../context.js';

export function healthRoutes(deps: ApiDependencies) {
  const app = new Hono<AppEnv>();

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    const checks = await deps.checkReadiness();
    const ready = Object.values(checks).every((value) => value === 'ok');
    return c.json({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503);
  });

  return app;
}
