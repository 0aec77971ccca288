import { CancellationScope, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { readActivityOptions } from './activity-options.js';
import type { CatalogPushInput } from './catalog-types.js';
import type { CalendarPushInput, PushKind, PushResult } from './types.js';

const activities = proxyActivities<Activities>(readActivityOptions);

/**
 * Stores the ended push's summary in the database, so the batch queue still lists it after
 * Temporal's retention drops the workflow. Runs even when the push was cancelled.
 */
export async function storePushSummary(
  input: CalendarPushInput | CatalogPushInput,
  kind: PushKind,
  result: Omit<PushResult, 'pushId' | 'kind'>,
): Promise<void> {
  const info = workflowInfo();
  await CancellationScope.nonCancellable(() =>
    activities.recordPushSummary.executeWithOptions(
      { ...readActivityOptions, summary: `Record the summary of push ${input.pushId}` },
      [
        {
          pushId: input.pushId,
          kind,
          ...scopeOf(input),
          requestedBy: input.requestedBy,
          items: input.items,
          workflowId: info.workflowId,
          runId: info.runId,
          ...result,
        },
      ],
    ),
  );
}

function scopeOf(input: CalendarPushInput | CatalogPushInput) {
  if ('catalogId' in input) {
    return {
      calendarId: null,
      schoolId: null,
      catalogId: input.catalogId,
      courseIds: null,
      overwriteCategories: false,
      retryOf: null,
    };
  }
  return {
    calendarId: input.calendarId,
    schoolId: input.schoolId,
    catalogId: null,
    courseIds: input.courseIds ?? null,
    overwriteCategories: input.overwriteCategories,
    retryOf: input.retryOf ?? null,
  };
}

/** Counts and lists a push carries from run to run; calendar and catalog pushes share them. */
export type PushTally = Pick<
  PushResult,
  'progress' | 'failures' | 'residual' | 'residualTotal' | 'startedAt'
>;

/** Builds an ended push's result from its tally. */
export function resultOf<S extends PushResult['state']>(tally: PushTally, state: S) {
  return {
    state,
    progress: tally.progress,
    failures: tally.failures,
    residual: tally.residual,
    residualTotal: tally.residualTotal,
    startedAt: tally.startedAt,
    endedAt: new Date().toISOString(),
  };
}

/** True when the run should continue as new: Temporal suggests it or the history reached `limit`. */
export function historyIsLarge(limit: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= limit;
}
