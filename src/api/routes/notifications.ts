import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import {
  deleteWebhook,
  listNotifications,
  markNotificationRead,
  notificationContent,
  saveWebhook,
} from '../../db/notification-repository.js';
import type { NotificationDoc } from '../../db/types.js';
import type { ApiDependencies, AppEnv } from '../context.js';
import { apiError } from '../errors.js';
import { jsonBody, queryParams } from '../validation.js';

const listQuerySchema = z.object({
  unread: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const webhookRequestSchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/, error: 'url must be an absolute http:// or https:// URL' })
      .max(2048),
    /** HMAC key of the signatures; the server generates one when it is absent. */
    secret: z.string().min(16, 'secret must have at least 16 characters').max(256).optional(),
  })
  .strict();

/**
 * Builds the routes of the caller's inbox and webhook. Every route acts on the token's subject
 * only, whatever the role, so no user can read or change another user's notifications.
 */
export function notificationRoutes({ collections, logger }: ApiDependencies) {
  const app = new Hono<AppEnv>();

  app.get('/notifications', queryParams(listQuerySchema), async (c) => {
    const { sub } = c.get('claims');
    const query = c.req.valid('query');
    const entries = await listNotifications(collections, sub, {
      unreadOnly: query.unread === 'true',
      limit: query.limit,
    });
    return c.json({ notifications: entries.map(notificationView) });
  });

  app.post('/notifications/:id/read', async (c) => {
    const { sub } = c.get('claims');
    const id = c.req.param('id');
    const entry = await markNotificationRead(collections, sub, id);
    if (!entry) {
      throw apiError(
        404,
        'not_found',
        `notification "${id}" not found; GET /notifications lists yours`,
      );
    }
    return c.json(notificationView(entry));
  });

  app.put('/me/webhook', jsonBody(webhookRequestSchema), async (c) => {
    const { sub } = c.get('claims');
    const body = c.req.valid('json');
    const generated = body.secret === undefined;
    const secret = body.secret ?? randomBytes(32).toString('hex');
    await saveWebhook(collections, sub, { url: body.url, secret });
    logger.info(
      { sub, origin: new URL(body.url).origin, secretGenerated: generated },
      'Webhook set',
    );
    // A generated secret is returned here only; the API never shows it again.
    return c.json(generated ? { url: body.url, secret } : { url: body.url });
  });

  app.delete('/me/webhook', async (c) => {
    const { sub } = c.get('claims');
    const deleted = await deleteWebhook(collections, sub);
    logger.info({ sub, deleted }, 'Webhook removed');
    return c.body(null, 204);
  });

  return app;
}

function notificationView(entry: NotificationDoc) {
  return {
    ...notificationContent(entry),
    read: entry.readAt !== null,
    readAt: entry.readAt?.toISOString() ?? null,
    delivery: entry.delivery && { ...entry.delivery, at: entry.delivery.at.toISOString() },
  };
}
