import type { ActivityOptions } from '@temporalio/workflow';

/** Reads: quick, retried with backoff while the database is unreachable. */
export const readActivityOptions: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['CourseNotFound'],
  },
};

/** Section writes: a page of sections per call, each write guarded by the section version. */
export const writeActivityOptions: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  // The activity heartbeats after each section, which also delivers cancellation to it.
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 20,
  },
};

/** Signalling the requester's notification workflow when a push ends. */
export const notifyActivityOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
  },
};

/** Inbox writes of the notification workflow: one upsert or update each. */
export const notificationStoreActivityOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
  },
};

/**
 * One webhook POST per attempt, with a 10 second request timeout inside the activity. Retries
 * back off from 1 second to 10 minutes, so 12 attempts span about 27 minutes. A 4xx answer
 * (other than 408 and 429) raises WebhookRejected, which is not retried.
 */
export const webhookDeliveryActivityOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    maximumAttempts: 12,
  },
};

/** Course writes of a catalog push: one course per call, guarded by the course's versions. */
export const courseWriteActivityOptions: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 20,
  },
};
