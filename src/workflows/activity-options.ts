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
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 20,
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
