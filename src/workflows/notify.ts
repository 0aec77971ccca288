import { CancellationScope, log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { notifyActivityOptions } from './activity-options.js';
import type { PushEndState, PushEndedNotice } from './notification-types.js';
import type { CatalogPushInput, MasterPushCarry } from './catalog-types.js';
import type { CalendarPushCarry, CalendarPushInput, PushKind } from './types.js';

const notifier = proxyActivities<Activities>(notifyActivityOptions);

/** Builds the notice a push sends its requester when it ends in `state`. */
export function pushEndedNotice(
  input: CalendarPushInput,
  kind: PushKind,
  state: PushEndState,
  carry: CalendarPushCarry,
  error?: unknown,
): PushEndedNotice {
  return {
    pushId: input.pushId,
    kind,
    state,
    requestedBy: input.requestedBy,
    scope: {
      calendarId: input.calendarId,
      schoolId: input.schoolId,
      courseIds: input.courseIds ?? null,
    },
    progress: { ...carry.progress },
    failuresCount: carry.failures.length,
    error: error === undefined ? null : errorMessage(error),
    startedAt: carry.startedAt,
    endedAt: new Date().toISOString(),
  };
}

/**
 * Signals the requester's notification workflow through the notifyPushEnded activity. Runs even
 * when the push is being cancelled. A failure to notify is logged and does not change the push's
 * outcome.
 */
export async function notifyRequester(notice: PushEndedNotice): Promise<void> {
  try {
    await CancellationScope.nonCancellable(() =>
      notifier.notifyPushEnded.executeWithOptions(
        { ...notifyActivityOptions, summary: `Notify ${notice.requestedBy.sub}` },
        [notice],
      ),
    );
  } catch (error) {
    log.error('Could not notify the requester that the push ended', {
      pushId: notice.pushId,
      sub: notice.requestedBy.sub,
      state: notice.state,
      error: String(error),
    });
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'the push failed with a non-Error value';
}

/** Builds the notice a catalog push sends its requester when it ends in `state`. */
export function catalogPushEndedNotice(
  input: CatalogPushInput,
  state: PushEndState,
  carry: MasterPushCarry,
  error?: unknown,
): PushEndedNotice {
  return {
    pushId: input.pushId,
    kind: 'catalog',
    state,
    requestedBy: input.requestedBy,
    scope: { calendarId: null, schoolId: null, catalogId: input.catalogId, courseIds: null },
    progress: { ...carry.progress },
    failuresCount: carry.failures.length,
    error: error === undefined ? null : errorMessage(error),
    startedAt: carry.startedAt,
    endedAt: new Date().toISOString(),
  };
}
