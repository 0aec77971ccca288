import { MongoServerError } from 'mongodb';
import type { PushEndedNotice } from '../workflows/notification-types.js';
import type { Collections } from './mongo.js';
import type { NotificationDoc, WebhookDelivery, WebhookDoc } from './types.js';

/** Inbox entry id of a push's notification: one entry per requester and push. */
export function notificationId(sub: string, pushId: string): string {
  return `${sub}:${pushId}`;
}

/**
 * Stores a push's notice as an inbox entry unless one exists for that requester and push. The
 * `$setOnInsert` upsert leaves an existing entry untouched (read flag and delivery included), so
 * a repeated notice or a retried activity never adds or resets an entry.
 */
export async function storeNotification(
  collections: Collections,
  notice: PushEndedNotice,
  now = new Date(),
): Promise<{ entry: NotificationDoc; inserted: boolean }> {
  const { sub } = notice.requestedBy;
  const id = notificationId(sub, notice.pushId);
  const webhook = await collections.webhooks.findOne({ _id: sub }, { projection: { _id: 1 } });
  const entry: NotificationDoc = {
    _id: id,
    sub,
    type: 'push.ended',
    pushId: notice.pushId,
    kind: notice.kind,
    state: notice.state,
    scope: notice.scope,
    progress: notice.progress,
    failuresCount: notice.failuresCount,
    error: notice.error,
    startedAt: new Date(notice.startedAt),
    endedAt: new Date(notice.endedAt),
    createdAt: now,
    readAt: null,
    delivery: webhook
      ? { state: 'pending', attempts: 0, lastStatus: null, lastError: null, at: now }
      : null,
  };

  let inserted = false;
  try {
    const result = await collections.notifications.updateOne(
      { _id: id },
      { $setOnInsert: entry },
      { upsert: true },
    );
    inserted = result.upsertedCount === 1;
  } catch (error) {
    // Two concurrent upserts of one new id: the loser gets a duplicate key error, and the
    // winner's entry is the one to return.
    if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
  }
  const stored = await findNotification(collections, id);
  if (!stored) throw new Error(`notification "${id}" is missing right after its upsert`);
  return { entry: stored, inserted };
}

export async function findNotification(
  collections: Collections,
  id: string,
): Promise<NotificationDoc | null> {
  return withNullFields(await collections.notifications.findOne({ _id: id }));
}

/** Lists a user's inbox, newest first. */
export async function listNotifications(
  collections: Collections,
  sub: string,
  options: { unreadOnly: boolean; limit: number },
): Promise<NotificationDoc[]> {
  // `readAt: null` also matches a missing readAt (see withNullFields).
  const filter = options.unreadOnly ? { sub, readAt: null } : { sub };
  const entries = await collections.notifications
    .find(filter)
    .sort({ createdAt: -1, _id: -1 })
    .limit(options.limit)
    .toArray();
  return entries.map((entry) => withNullFields(entry) as NotificationDoc);
}

/**
 * Marks one of the user's entries read, keeping the first read time when it already is.
 * Returns null when the user has no entry with that id.
 */
export async function markNotificationRead(
  collections: Collections,
  sub: string,
  id: string,
  now = new Date(),
): Promise<NotificationDoc | null> {
  await collections.notifications.updateOne(
    { _id: id, sub, readAt: null },
    { $set: { readAt: now } },
  );
  return withNullFields(await collections.notifications.findOne({ _id: id, sub }));
}

/**
 * Restores the top-level null fields of an entry.
 * NOTE: FerretDB 1.24 drops top-level null fields from a `$setOnInsert` upsert (MongoDB keeps
 * them), so an entry stored there lacks readAt, delivery and error until they are set.
 */
function withNullFields(entry: NotificationDoc | null): NotificationDoc | null {
  if (!entry) return null;
  return {
    ...entry,
    readAt: entry.readAt ?? null,
    delivery: entry.delivery ?? null,
    error: entry.error ?? null,
  };
}

/** Replaces the entry's delivery state unless the entry is already delivered. */
export async function recordDelivery(
  collections: Collections,
  id: string,
  delivery: WebhookDelivery,
): Promise<void> {
  await collections.notifications.updateOne(
    { _id: id, 'delivery.state': { $ne: 'delivered' } },
    { $set: { delivery } },
  );
}

/** Marks a pending delivery failed after its last attempt, keeping its status and counts. */
export async function markDeliveryFailed(
  collections: Collections,
  id: string,
  error: string,
  now = new Date(),
): Promise<void> {
  await collections.notifications.updateOne(
    { _id: id, 'delivery.state': 'pending' },
    { $set: { 'delivery.state': 'failed', 'delivery.lastError': error, 'delivery.at': now } },
  );
}

export async function findWebhook(
  collections: Collections,
  sub: string,
): Promise<WebhookDoc | null> {
  return collections.webhooks.findOne({ _id: sub });
}

/** Sets the user's webhook URL and secret, replacing any earlier ones. */
export async function saveWebhook(
  collections: Collections,
  sub: string,
  webhook: { url: string; secret: string },
  now = new Date(),
): Promise<void> {
  await collections.webhooks.updateOne(
    { _id: sub },
    {
      $set: { url: webhook.url, secret: webhook.secret, updatedAt: now },
      $setOnInsert: { createdAt: now },
    },
    { upsert: true },
  );
}

/** Removes the user's webhook; returns whether there was one. */
export async function deleteWebhook(collections: Collections, sub: string): Promise<boolean> {
  const result = await collections.webhooks.deleteOne({ _id: sub });
  return result.deletedCount === 1;
}

/** Selects what the API and the webhook body show of an entry: all but owner, read and delivery. */
export function notificationContent(entry: NotificationDoc) {
  return {
    id: entry._id,
    type: entry.type,
    pushId: entry.pushId,
    kind: entry.kind,
    state: entry.state,
    scope: entry.scope,
    progress: entry.progress,
    failuresCount: entry.failuresCount,
    error: entry.error,
    startedAt: entry.startedAt.toISOString(),
    endedAt: entry.endedAt.toISOString(),
    createdAt: entry.createdAt.toISOString(),
  };
}
