import {
  ContinueAsNew,
  continueAsNew,
  isCancellation,
  log,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { readActivityOptions } from './activity-options.js';
import { setState } from './calendar-push.js';
import {
  DEFAULT_CATALOG_TUNING,
  type CatalogPushInput,
  type CatalogPushTuning,
  type MasterPushCarry,
} from './catalog-types.js';
import { runWithConcurrency } from './concurrency.js';
import { progressQuery } from './definitions.js';
import {
  addResidual,
  describeFailure,
  masterChildWorkflowId,
  masterPush,
  newMasterPushCarry,
} from './master-push.js';
import { catalogPushEndedNotice, notifyRequester } from './notify.js';
import { historyIsLarge, resultOf, storePushSummary } from './push-summary.js';
import type { PushResult } from './types.js';

const reads = proxyActivities<Activities>(readActivityOptions);

/**
 * Push All Course Masters: pushes every course master of a catalog to its linked courses in the
 * chosen calendars, one masterPush child per master, a bounded number at a time, page by page.
 * Progress counts courses, and with `pushToSections` also their sections, as each master's run
 * ends. Continues as new before the history grows large, carrying counts, failures and cursor.
 */
export async function catalogPush(input: CatalogPushInput): Promise<PushResult> {
  const tuning: CatalogPushTuning = { ...DEFAULT_CATALOG_TUNING, ...input.tuning };
  // The chain's start time, which is also the StartTime Temporal visibility lists it by.
  const carry = input.carry ?? newMasterPushCarry(workflowInfo().startTime.toISOString());
  const { progress } = carry;
  setHandler(progressQuery, () => progress);
  setState('running');

  try {
    if (!input.carry) {
      progress.coursesTotal = await reads.countCatalogPushCourses.executeWithOptions(
        { ...readActivityOptions, summary: `Count courses of catalog ${input.catalogId}` },
        [{ catalogId: input.catalogId, calendarIds: input.calendarIds }],
      );
    }

    for (;;) {
      const masterIds = await reads.listCatalogMasterIds.executeWithOptions(
        {
          ...readActivityOptions,
          summary: `List course masters after ${carry.cursor ?? 'the start'}`,
        },
        [{ catalogId: input.catalogId, after: carry.cursor, limit: tuning.pageSize }],
      );
      if (masterIds.length === 0) break;
      progress.currentPage++;

      await runWithConcurrency(masterIds, tuning.maxConcurrentMasters, (masterId) =>
        pushOneMaster(input, tuning, masterId, carry),
      );
      carry.cursor = masterIds[masterIds.length - 1] ?? carry.cursor;

      if (historyIsLarge(tuning.continueAsNewAfterEvents)) {
        log.info('Continuing the catalog push as new', {
          pushId: input.pushId,
          cursor: carry.cursor,
          historyLength: workflowInfo().historyLength,
        });
        await continueAsNew<typeof catalogPush>({ ...input, carry });
      }
    }
  } catch (error) {
    if (isCancellation(error)) {
      setState('cancelled');
      log.info('Catalog push cancelled', { pushId: input.pushId, progress });
      await storePushSummary(input, 'catalog', resultOf(carry, 'cancelled'));
      await notifyRequester(catalogPushEndedNotice(input, 'cancelled', carry));
    } else if (!(error instanceof ContinueAsNew)) {
      log.error('Catalog push failed', { pushId: input.pushId, error: String(error), progress });
      await notifyRequester(catalogPushEndedNotice(input, 'failed', carry, error));
    }
    throw error;
  }

  const result = resultOf(carry, carry.failures.length > 0 ? 'completedWithErrors' : 'completed');
  setState(result.state);
  log.info('Catalog push finished', { pushId: input.pushId, state: result.state, progress });
  await storePushSummary(input, 'catalog', result);
  await notifyRequester(catalogPushEndedNotice(input, result.state, carry));
  return { pushId: input.pushId, kind: 'catalog', ...result };
}

async function pushOneMaster(
  input: CatalogPushInput,
  tuning: CatalogPushTuning,
  masterId: string,
  carry: MasterPushCarry,
): Promise<void> {
  const { progress } = carry;
  try {
    const child = await startChild(masterPush, {
      workflowId: masterChildWorkflowId(workflowInfo().workflowId, masterId),
      args: [
        {
          pushId: input.pushId,
          catalogId: input.catalogId,
          masterId,
          calendarIds: input.calendarIds,
          mode: input.mode,
          items: input.items,
          pushToSections: input.pushToSections,
          requestedBy: input.requestedBy,
          tuning,
        },
      ],
      staticSummary: `Push course master ${masterId} to its courses (${input.mode})`,
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    });
    const result = await child.result();
    progress.coursesDone += result.progress.coursesDone;
    progress.coursesFailed += result.progress.coursesFailed;
    progress.coursesUpdated =
      (progress.coursesUpdated ?? 0) + (result.progress.coursesUpdated ?? 0);
    progress.sectionsUpdated += result.progress.sectionsUpdated;
    progress.sectionsUnchanged += result.progress.sectionsUnchanged;
    progress.sectionsFailed += result.progress.sectionsFailed;
    carry.failures.push(...result.failures);
    for (const residual of result.residual) addResidual(carry, residual);
    // The child lists at most MAX_LISTED_RESIDUAL entries but counts them all.
    carry.residualTotal += result.residualTotal - result.residual.length;
  } catch (error) {
    if (isCancellation(error)) throw error;
    const failure = describeFailure(error);
    carry.failures.push({
      courseId: '',
      masterId,
      type: failure.type,
      message: `course master "${masterId}": ${failure.message}`,
    });
    log.warn('Course master push failed', { pushId: input.pushId, masterId, ...failure });
  }
}
