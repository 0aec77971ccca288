import { ApplicationFailure, Context, log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { workflowIdPrefix } from '../config.js';
import type { Collections } from '../db/mongo.js';
import {
  findNotification,
  findWebhook,
  markDeliveryFailed,
  notificationContent,
  recordDelivery,
  storeNotification,
} from '../db/notification-repository.js';
import {
  notificationsWorkflowId,
  pushEndedSignal,
  workflowTypes,
} from '../workflows/definitions.js';
import type {
  NotificationsInput,
  PushEndedNotice,
  StoredNotification,
} from '../workflows/notification-types.js';
import {
  describeRequestError,
  isRetryableStatus,
  postWebhook,
  type WebhookResponse,
} from './webhook-request.js';

export interface NotificationActivityDependencies {
  collections: Collections;
  /** Client for signalling notification workflows in the activity's namespace. */
  client: Client;
}

/** Creates the activities that notify a push's requester: inbox entry and webhook. */
export function createNotificationActivities({
  collections,
  client,
}: NotificationActivityDependencies) {
  return {
    /**
     * Signals the requester's notification workflow, starting it when it is not running. A
     * workflow cannot signal-with-start, so the push calls this activity. A retry may signal
     * twice, and the notification workflow ignores the repeat.
     */
    async notifyPushEnded(notice: PushEndedNotice): Promise<void> {
      const { sub } = notice.requestedBy;
      const workflowId = notificationsWorkflowId(sub, workflowIdPrefix());
      const input: NotificationsInput = { sub };
      await client.workflow.signalWithStart(workflowTypes.notifications, {
        workflowId,
        taskQueue: Context.current().info.taskQueue,
        args: [input],
        signal: pushEndedSignal,
        signalArgs: [notice],
        staticSummary: `Notifications of ${sub}`,
      });
      log.info('Notified the requester that the push ended', {
        pushId: notice.pushId,
        state: notice.state,
        sub,
        workflowId,
      });
    },

    /** Stores the notice as an inbox entry once per requester and push. */
    async storeNotification(notice: PushEndedNotice): Promise<StoredNotification> {
      const { entry, inserted } = await storeNotification(collections, notice);
      log.info(inserted ? 'Stored a notification' : 'Notification already stored', {
        notificationId: entry._id,
        pushId: notice.pushId,
        delivery: entry.delivery?.state ?? 'none',
      });
      return {
        notificationId: entry._id,
        inserted,
        deliver: entry.delivery?.state === 'pending',
      };
    },

    /**
     * Sends the entry to the user's webhook once per attempt and records the outcome on the
     * entry. A 2xx response completes it. 5xx, 408, 429, network errors and timeouts raise a
     * retryable failure. Any other status raises the non-retryable WebhookRejected.
     */
    async deliverWebhook(input: { notificationId: string }): Promise<void> {
      const { notificationId } = input;
      const context = Context.current();
      const attempt = context.info.attempt;
      const entry = await findNotification(collections, notificationId);
      if (!entry) {
        throw ApplicationFailure.create({
          type: 'NotificationNotFound',
          message: `notification "${notificationId}" not found, so there is nothing to deliver`,
          nonRetryable: true,
        });
      }
      if (entry.delivery?.state === 'delivered') {
        log.info('Webhook already delivered', { notificationId });
        return;
      }
      const webhook = await findWebhook(collections, entry.sub);
      if (!webhook) {
        const lastError = 'the webhook was removed before delivery';
        await recordDelivery(collections, notificationId, {
          state: 'failed',
          attempts: attempt - 1,
          lastStatus: null,
          lastError,
          at: new Date(),
        });
        log.info('Webhook delivery dropped', { notificationId, sub: entry.sub, reason: lastError });
        return;
      }

      const target = { notificationId, sub: entry.sub, origin: new URL(webhook.url).origin };
      let response: WebhookResponse;
      try {
        response = await postWebhook({
          url: webhook.url,
          secret: webhook.secret,
          notificationId,
          body: JSON.stringify(notificationContent(entry)),
          signal: context.cancellationSignal,
        });
      } catch (error) {
        const lastError = describeRequestError(error);
        await recordAttempt(notificationId, attempt, null, lastError);
        log.warn('Webhook request failed; retrying', { ...target, attempt, error: lastError });
        throw ApplicationFailure.create({
          type: 'WebhookUnreachable',
          message: `webhook request failed: ${lastError}`,
        });
      }

      const { status } = response;
      if (status >= 200 && status < 300) {
        await recordDelivery(collections, notificationId, {
          state: 'delivered',
          attempts: attempt,
          lastStatus: status,
          lastError: null,
          at: new Date(),
        });
        log.info('Webhook delivered', { ...target, attempt, status });
        return;
      }

      const excerpt = response.bodyExcerpt ? `: ${response.bodyExcerpt}` : '';
      const lastError = `the receiver returned HTTP ${status}${excerpt}`;
      await recordAttempt(notificationId, attempt, status, lastError);
      if (isRetryableStatus(status)) {
        log.warn('Webhook receiver failed; retrying', { ...target, attempt, status });
        throw ApplicationFailure.create({ type: 'WebhookServerError', message: lastError });
      }
      log.warn('Webhook receiver rejected the delivery; not retrying', {
        ...target,
        attempt,
        status,
      });
      throw ApplicationFailure.create({
        type: 'WebhookRejected',
        message: lastError,
        nonRetryable: true,
      });
    },

    /** Marks a delivery failed after the workflow's last attempt; a delivered one stays so. */
    async markDeliveryFailed(input: { notificationId: string; error: string }): Promise<void> {
      await markDeliveryFailed(collections, input.notificationId, input.error);
    },
  };

  /** Records a failed attempt; the delivery stays pending until the retries end. */
  async function recordAttempt(
    notificationId: string,
    attempt: number,
    lastStatus: number | null,
    lastError: string,
  ): Promise<void> {
    await recordDelivery(collections, notificationId, {
      state: 'pending',
      attempts: attempt,
      lastStatus,
      lastError,
      at: new Date(),
    });
  }
}
