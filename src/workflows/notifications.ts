import {
  ActivityFailure,
  condition,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  notificationStoreActivityOptions,
  webhookDeliveryActivityOptions,
} from './activity-options.js';
import { notificationsStatsQuery, pushEndedSignal } from './definitions.js';
import {
  DEFAULT_NOTIFICATIONS_TUNING,
  type NotificationsInput,
  type NotificationsStats,
  type PushEndedNotice,
} from './notification-types.js';

const inbox = proxyActivities<Activities>(notificationStoreActivityOptions);
const webhooks = proxyActivities<Activities>(webhookDeliveryActivityOptions);

/**
 * Handles one user's notifications (workflow id `notifications-<sub>`). Stores an inbox entry for
 * each ended push and delivers it to the user's webhook where one is set. Pushes start it with
 * signal-with-start, and it runs until cancelled or terminated, continuing as new before its
 * history grows large.
 *
 * A push id is handled once per run and is remembered across runs, and the inbox upsert is keyed
 * by `<sub>:<pushId>`. So a repeated notice neither adds an entry nor delivers it again.
 */
export async function notifications(input: NotificationsInput): Promise<void> {
  const { sub } = input;
  const tuning = { ...DEFAULT_NOTIFICATIONS_TUNING, ...input.tuning };
  const queue: PushEndedNotice[] = [...(input.pending ?? [])];
  const recentPushIds = new RecentIds(input.recentPushIds ?? [], tuning.rememberedPushIds);
  const stats: NotificationsStats = {
    received: 0,
    ignoredRepeats: 0,
    stored: 0,
    alreadyStored: 0,
    deliveriesInFlight: 0,
  };
  let handled = 0;

  setHandler(pushEndedSignal, (notice) => {
    stats.received++;
    queue.push(notice);
  });
  setHandler(notificationsStatsQuery, () => ({ ...stats }));

  const shouldContinueAsNew = () =>
    handled >= tuning.continueAsNewAfterNotices || workflowInfo().continueAsNewSuggested;

  for (;;) {
    await condition(() => queue.length > 0 || shouldContinueAsNew());

    while (queue.length > 0 && !shouldContinueAsNew()) {
      const notice = queue.shift() as PushEndedNotice;
      handled++;
      await handleNotice(notice);
    }

    if (shouldContinueAsNew()) {
      // Deliveries are activities of this run, so they must end before it does. Notices that
      // arrive meanwhile stay in the queue and go to the next run with the ones not yet handled.
      await condition(() => stats.deliveriesInFlight === 0);
      log.info('Continuing the notification workflow as new', {
        sub,
        handled,
        pending: queue.length,
        historyLength: workflowInfo().historyLength,
      });
      await continueAsNew<typeof notifications>({
        sub,
        tuning: input.tuning,
        recentPushIds: recentPushIds.toArray(),
        pending: queue,
      });
    }
  }

  async function handleNotice(notice: PushEndedNotice): Promise<void> {
    const { pushId } = notice;
    if (notice.requestedBy.sub !== sub) {
      log.warn('Ignored a notice for another user', { sub, pushId, for: notice.requestedBy.sub });
      return;
    }
    if (recentPushIds.has(pushId)) {
      stats.ignoredRepeats++;
      log.info('Ignored a repeated notice', { sub, pushId });
      return;
    }
    recentPushIds.add(pushId);

    const stored = await inbox.storeNotification.executeWithOptions(
      { ...notificationStoreActivityOptions, summary: `Store the notification of ${pushId}` },
      [notice],
    );
    if (stored.inserted) stats.stored++;
    else stats.alreadyStored++;

    if (stored.deliver) {
      // Not awaited, so a receiver that is down does not hold up the inbox of later pushes.
      void deliver(stored.notificationId, pushId);
    }
  }

  async function deliver(notificationId: string, pushId: string): Promise<void> {
    stats.deliveriesInFlight++;
    try {
      await webhooks.deliverWebhook.executeWithOptions(
        { ...webhookDeliveryActivityOptions, summary: `Deliver the notification of ${pushId}` },
        [{ notificationId }],
      );
    } catch (error) {
      // The workflow's own cancellation ends its main loop, so it needs no handling here.
      if (isCancellation(error)) return;
      const message = failureMessage(error);
      log.warn('Webhook delivery failed after its last attempt', {
        sub,
        pushId,
        notificationId,
        error: message,
      });
      try {
        await inbox.markDeliveryFailed({ notificationId, error: message });
      } catch (markError) {
        log.error('Could not record the failed webhook delivery', {
          sub,
          notificationId,
          error: failureMessage(markError),
        });
      }
    } finally {
      stats.deliveriesInFlight--;
    }
  }
}

/** Returns the message of an activity failure's cause (the activity's own error), else the error's. */
function failureMessage(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** A set of ids of bounded size that drops the oldest id first. */
class RecentIds {
  private readonly ids: Set<string>;

  constructor(
    initial: string[],
    private readonly capacity: number,
  ) {
    this.ids = new Set(initial.slice(-capacity));
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
    while (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value as string;
      this.ids.delete(oldest);
    }
  }

  toArray(): string[] {
    return [...this.ids];
  }
}
